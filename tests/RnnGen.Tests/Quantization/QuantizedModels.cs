namespace RnnGen.Tests.Quantization;

// Each low-precision model beside its float32 twin (the same declaration without Precision), compiled by the generator as
// a user's project compiles them. Sizes cover the int8 kernels (≥ 18,432 weights in W_ih and W_hh) and the bf16 kernels
// (≥ 32,768), on and off the 16/8/4 grid, the rounded float copies of small layers, both passes of the projected LSTM
// and the reset-before GRU, stacks, every-step heads, a token model and a bidirectional (Forward-only) layer.

[RecurrentModel(InputSize = 16, SequenceLength = 12)][Lstm(96)][Dense(2)] public partial class LstmTwin { }
[RecurrentModel(InputSize = 16, SequenceLength = 12, Precision = WeightPrecision.Int8)][Lstm(96)][Dense(2)] public partial class LstmInt8 { }
[RecurrentModel(InputSize = 16, SequenceLength = 12, Precision = WeightPrecision.BFloat16)][Lstm(96)][Dense(2)] public partial class LstmBFloat16 { }

[RecurrentModel(InputSize = 7, SequenceLength = 12)][Gru(75)][Gru(50, ResetAfter = false)][Dense(3, Over = Steps.Every)] public partial class GruTwin { }
[RecurrentModel(InputSize = 7, SequenceLength = 12, Precision = WeightPrecision.Int8)][Gru(75)][Gru(50, ResetAfter = false)][Dense(3, Over = Steps.Every)] public partial class GruInt8 { }
[RecurrentModel(InputSize = 7, SequenceLength = 12)][Gru(110)][Gru(70, ResetAfter = false)][Dense(3, Over = Steps.Every)] public partial class WideGruTwin { }
[RecurrentModel(InputSize = 7, SequenceLength = 12, Precision = WeightPrecision.BFloat16)][Gru(110)][Gru(70, ResetAfter = false)][Dense(3, Over = Steps.Every)] public partial class GruBFloat16 { }

[RecurrentModel(InputSize = 5, SequenceLength = 12)][Lstm(100, ProjectionSize = 42)][Rnn(117, Bias = false)][Lstm(8)] public partial class MixedTwin { }
[RecurrentModel(InputSize = 5, SequenceLength = 12, Precision = WeightPrecision.Int8)][Lstm(100, ProjectionSize = 42)][Rnn(117, Bias = false)][Lstm(8)] public partial class MixedInt8 { }
[RecurrentModel(InputSize = 5, SequenceLength = 12)][Lstm(200, ProjectionSize = 36)][Rnn(170, Bias = false)][Lstm(8)] public partial class WideMixedTwin { }
[RecurrentModel(InputSize = 5, SequenceLength = 12, Precision = WeightPrecision.BFloat16)][Lstm(200, ProjectionSize = 36)][Rnn(170, Bias = false)][Lstm(8)] public partial class MixedBFloat16 { }

[RecurrentModel(SequenceLength = 12)][Embedding(11, 6)][Gru(76)][Dense(11, Activation.Softmax, Over = Steps.Every)] public partial class TokenTwin { }
[RecurrentModel(SequenceLength = 12, Precision = WeightPrecision.Int8)][Embedding(11, 6)][Gru(76)][Dense(11, Activation.Softmax, Over = Steps.Every)] public partial class TokenInt8 { }

[RecurrentModel(InputSize = 4, SequenceLength = 12)][Lstm(90, Bidirectional = true)][Dense(2, Over = Steps.Every)] public partial class BidirectionalTwin { }
[RecurrentModel(InputSize = 4, SequenceLength = 12, Precision = WeightPrecision.BFloat16)][Lstm(90, Bidirectional = true)][Dense(2, Over = Steps.Every)] public partial class BidirectionalBFloat16 { }

// The thresholds of docs/quantization.md at their edges: an RNN's W_ih and W_hh hold H·(I + H) weights.
[RecurrentModel(InputSize = 96, SequenceLength = 4, Precision = WeightPrecision.Int8)][Rnn(96)] public partial class Int8AtThreshold { }           // 18,432
[RecurrentModel(InputSize = 95, SequenceLength = 4, Precision = WeightPrecision.Int8)][Rnn(96)] public partial class Int8BelowThreshold { }        // 18,336
[RecurrentModel(InputSize = 128, SequenceLength = 4, Precision = WeightPrecision.BFloat16)][Rnn(128)] public partial class BFloat16AtThreshold { }    // 32,768
[RecurrentModel(InputSize = 127, SequenceLength = 4, Precision = WeightPrecision.BFloat16)][Rnn(128)] public partial class BFloat16BelowThreshold { } // 32,640

// Heads stay float32 whatever the precision: an MLP head over a low-precision layer, and a head over the final states of
// a bidirectional one.
[RecurrentModel(InputSize = 6, SequenceLength = 12)][Gru(76)][Dense(8, Activation.Relu, Over = Steps.Final)][Dense(2)] public partial class MlpHeadTwin { }
[RecurrentModel(InputSize = 6, SequenceLength = 12, Precision = WeightPrecision.Int8)][Gru(76)][Dense(8, Activation.Relu, Over = Steps.Final)][Dense(2)] public partial class MlpHeadInt8 { }
[RecurrentModel(InputSize = 4, SequenceLength = 12)][Lstm(90, Bidirectional = true)][Dense(3, Activation.Tanh, Over = Steps.Final)] public partial class FinalHeadTwin { }
[RecurrentModel(InputSize = 4, SequenceLength = 12, Precision = WeightPrecision.BFloat16)][Lstm(90, Bidirectional = true)][Dense(3, Activation.Tanh, Over = Steps.Final)] public partial class FinalHeadBFloat16 { }
