using RnnGen;

namespace RnnGen.Benchmarks;

// The step-latency grid: LSTM/GRU(I→H) + Dense(H→1), as in RTNeural's reference measurements.
[RecurrentModel(InputSize = 1, SequenceLength = 50)][Lstm(8)][Dense(1)] public partial class Lstm1x8 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50)][Lstm(16)][Dense(1)] public partial class Lstm1x16 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50)][Lstm(32)][Dense(1)] public partial class Lstm1x32 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50)][Lstm(64)][Dense(1)] public partial class Lstm1x64 { }
[RecurrentModel(InputSize = 8, SequenceLength = 50)][Lstm(64)][Dense(1)] public partial class Lstm8x64 { }
[RecurrentModel(InputSize = 16, SequenceLength = 50)][Lstm(128)][Dense(1)] public partial class Lstm16x128 { }

[RecurrentModel(InputSize = 1, SequenceLength = 50)][Gru(8)][Dense(1)] public partial class Gru1x8 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50)][Gru(16)][Dense(1)] public partial class Gru1x16 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50)][Gru(32)][Dense(1)] public partial class Gru1x32 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50)][Gru(64)][Dense(1)] public partial class Gru1x64 { }
[RecurrentModel(InputSize = 8, SequenceLength = 50)][Gru(64)][Dense(1)] public partial class Gru8x64 { }
[RecurrentModel(InputSize = 16, SequenceLength = 50)][Gru(128)][Dense(1)] public partial class Gru16x128 { }

/// <summary>Vanilla tanh RNN 8→64 with a Dense(64→1) head.</summary>
[RecurrentModel(InputSize = 8, SequenceLength = 50)][Rnn(64)][Dense(1)] public partial class Rnn8x64 { }

/// <summary>Two stacked LSTMs 8→64→64 with a Dense(64→1) head.</summary>
[RecurrentModel(InputSize = 8, SequenceLength = 50)][Lstm(64)][Lstm(64)][Dense(1)] public partial class LstmStack8x64x64 { }

/// <summary>The training-issue shapes: I=8, H=32, T=50, a 4-class head over the last step.</summary>
[RecurrentModel(InputSize = 8, SequenceLength = 50)][Lstm(32)][Dense(4, Over = Steps.Last)] public partial class LstmTrain8x32 { }

/// <inheritdoc cref="LstmTrain8x32"/>
[RecurrentModel(InputSize = 8, SequenceLength = 50)][Gru(32)][Dense(4, Over = Steps.Last)] public partial class GruTrain8x32 { }

// The same shapes with [RecurrentModel(Activations = ActivationPrecision.Exact)]: the one-ulp e^x activations.
[RecurrentModel(InputSize = 1, SequenceLength = 50, Activations = ActivationPrecision.Exact)][Lstm(8)][Dense(1)] public partial class Lstm1x8Exact { }
[RecurrentModel(InputSize = 1, SequenceLength = 50, Activations = ActivationPrecision.Exact)][Lstm(32)][Dense(1)] public partial class Lstm1x32Exact { }
[RecurrentModel(InputSize = 16, SequenceLength = 50, Activations = ActivationPrecision.Exact)][Lstm(128)][Dense(1)] public partial class Lstm16x128Exact { }
[RecurrentModel(InputSize = 1, SequenceLength = 50, Activations = ActivationPrecision.Exact)][Gru(8)][Dense(1)] public partial class Gru1x8Exact { }
[RecurrentModel(InputSize = 1, SequenceLength = 50, Activations = ActivationPrecision.Exact)][Gru(32)][Dense(1)] public partial class Gru1x32Exact { }

// The same grid with low-precision recurrent weights (docs/quantization.md): Step multiplies int8 or bfloat16 copies.
[RecurrentModel(InputSize = 1, SequenceLength = 50, Precision = WeightPrecision.Int8)][Lstm(8)][Dense(1)] public partial class Lstm1x8Int8 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50, Precision = WeightPrecision.BFloat16)][Lstm(8)][Dense(1)] public partial class Lstm1x8BFloat16 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50, Precision = WeightPrecision.Int8)][Lstm(16)][Dense(1)] public partial class Lstm1x16Int8 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50, Precision = WeightPrecision.BFloat16)][Lstm(16)][Dense(1)] public partial class Lstm1x16BFloat16 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50, Precision = WeightPrecision.Int8)][Lstm(32)][Dense(1)] public partial class Lstm1x32Int8 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50, Precision = WeightPrecision.BFloat16)][Lstm(32)][Dense(1)] public partial class Lstm1x32BFloat16 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50, Precision = WeightPrecision.Int8)][Lstm(64)][Dense(1)] public partial class Lstm1x64Int8 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50, Precision = WeightPrecision.BFloat16)][Lstm(64)][Dense(1)] public partial class Lstm1x64BFloat16 { }
[RecurrentModel(InputSize = 8, SequenceLength = 50, Precision = WeightPrecision.Int8)][Lstm(64)][Dense(1)] public partial class Lstm8x64Int8 { }
[RecurrentModel(InputSize = 8, SequenceLength = 50, Precision = WeightPrecision.BFloat16)][Lstm(64)][Dense(1)] public partial class Lstm8x64BFloat16 { }
[RecurrentModel(InputSize = 16, SequenceLength = 50, Precision = WeightPrecision.Int8)][Lstm(128)][Dense(1)] public partial class Lstm16x128Int8 { }
[RecurrentModel(InputSize = 16, SequenceLength = 50, Precision = WeightPrecision.BFloat16)][Lstm(128)][Dense(1)] public partial class Lstm16x128BFloat16 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50, Precision = WeightPrecision.Int8)][Gru(8)][Dense(1)] public partial class Gru1x8Int8 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50, Precision = WeightPrecision.BFloat16)][Gru(8)][Dense(1)] public partial class Gru1x8BFloat16 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50, Precision = WeightPrecision.Int8)][Gru(16)][Dense(1)] public partial class Gru1x16Int8 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50, Precision = WeightPrecision.BFloat16)][Gru(16)][Dense(1)] public partial class Gru1x16BFloat16 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50, Precision = WeightPrecision.Int8)][Gru(32)][Dense(1)] public partial class Gru1x32Int8 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50, Precision = WeightPrecision.BFloat16)][Gru(32)][Dense(1)] public partial class Gru1x32BFloat16 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50, Precision = WeightPrecision.Int8)][Gru(64)][Dense(1)] public partial class Gru1x64Int8 { }
[RecurrentModel(InputSize = 1, SequenceLength = 50, Precision = WeightPrecision.BFloat16)][Gru(64)][Dense(1)] public partial class Gru1x64BFloat16 { }
[RecurrentModel(InputSize = 8, SequenceLength = 50, Precision = WeightPrecision.Int8)][Gru(64)][Dense(1)] public partial class Gru8x64Int8 { }
[RecurrentModel(InputSize = 8, SequenceLength = 50, Precision = WeightPrecision.BFloat16)][Gru(64)][Dense(1)] public partial class Gru8x64BFloat16 { }
[RecurrentModel(InputSize = 16, SequenceLength = 50, Precision = WeightPrecision.Int8)][Gru(128)][Dense(1)] public partial class Gru16x128Int8 { }
[RecurrentModel(InputSize = 16, SequenceLength = 50, Precision = WeightPrecision.BFloat16)][Gru(128)][Dense(1)] public partial class Gru16x128BFloat16 { }
