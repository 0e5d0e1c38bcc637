namespace RnnGen.Tests.Quantization;

// Each low-precision model beside its float32 twin (the same declaration without Precision), compiled by the generator as
// a user's project compiles them. Sizes cover the int8 kernels (H ≥ 32) and the bf16 kernels (≥ 16384 weights in W_ih
// and W_hh), on and off the 16/8/4 grid, the rounded float copies of small layers, both passes of the projected LSTM
// and the reset-before GRU, stacks, every-step heads, a token model and a bidirectional (Forward-only) layer.

[RecurrentModel(InputSize = 16, SequenceLength = 12)][Lstm(64)][Dense(2)] public partial class LstmTwin { }
[RecurrentModel(InputSize = 16, SequenceLength = 12, Precision = WeightPrecision.Int8)][Lstm(64)][Dense(2)] public partial class LstmInt8 { }
[RecurrentModel(InputSize = 16, SequenceLength = 12, Precision = WeightPrecision.BFloat16)][Lstm(64)][Dense(2)] public partial class LstmBFloat16 { }

[RecurrentModel(InputSize = 7, SequenceLength = 12)][Gru(37)][Gru(33, ResetAfter = false)][Dense(3, Over = Steps.Every)] public partial class GruTwin { }
[RecurrentModel(InputSize = 7, SequenceLength = 12, Precision = WeightPrecision.Int8)][Gru(37)][Gru(33, ResetAfter = false)][Dense(3, Over = Steps.Every)] public partial class GruInt8 { }
[RecurrentModel(InputSize = 7, SequenceLength = 12)][Gru(97)][Gru(62, ResetAfter = false)][Dense(3, Over = Steps.Every)] public partial class WideGruTwin { }
[RecurrentModel(InputSize = 7, SequenceLength = 12, Precision = WeightPrecision.BFloat16)][Gru(97)][Gru(62, ResetAfter = false)][Dense(3, Over = Steps.Every)] public partial class GruBFloat16 { }

[RecurrentModel(InputSize = 5, SequenceLength = 12)][Lstm(40, ProjectionSize = 9)][Rnn(33, Bias = false)][Lstm(8)] public partial class MixedTwin { }
[RecurrentModel(InputSize = 5, SequenceLength = 12, Precision = WeightPrecision.Int8)][Lstm(40, ProjectionSize = 9)][Rnn(33, Bias = false)][Lstm(8)] public partial class MixedInt8 { }
[RecurrentModel(InputSize = 5, SequenceLength = 12)][Lstm(132, ProjectionSize = 36)][Rnn(116, Bias = false)][Lstm(8)] public partial class WideMixedTwin { }
[RecurrentModel(InputSize = 5, SequenceLength = 12, Precision = WeightPrecision.BFloat16)][Lstm(132, ProjectionSize = 36)][Rnn(116, Bias = false)][Lstm(8)] public partial class MixedBFloat16 { }

[RecurrentModel(SequenceLength = 12)][Embedding(11, 6)][Gru(32)][Dense(11, Activation.Softmax, Over = Steps.Every)] public partial class TokenTwin { }
[RecurrentModel(SequenceLength = 12, Precision = WeightPrecision.Int8)][Embedding(11, 6)][Gru(32)][Dense(11, Activation.Softmax, Over = Steps.Every)] public partial class TokenInt8 { }

[RecurrentModel(InputSize = 4, SequenceLength = 12)][Lstm(68, Bidirectional = true)][Dense(2, Over = Steps.Every)] public partial class BidirectionalTwin { }
[RecurrentModel(InputSize = 4, SequenceLength = 12, Precision = WeightPrecision.BFloat16)][Lstm(68, Bidirectional = true)][Dense(2, Over = Steps.Every)] public partial class BidirectionalBFloat16 { }
