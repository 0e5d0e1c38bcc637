namespace RnnGen.Tests.Models;

// Models compiled by the generator exactly as a user's project compiles them (analyzer reference).

[RecurrentModel(InputSize = 3, SequenceLength = 5)]
[Gru(4, ResetAfter = false)]
public partial class GruResetBefore { }

[RecurrentModel(InputSize = 3, SequenceLength = 5)]
[Gru(4, ResetAfter = false, Bias = false)]
[Gru(3, ResetAfter = false, Bidirectional = true)]
[Dense(2, Activation.Tanh, Over = Steps.Every)]
public partial class GruResetBeforeStack { }

[RecurrentModel(SequenceLength = 6)]
[Embedding(7, 3)]
[Lstm(5, ProjectionSize = 2)]
[Dense(7, Activation.Softmax, Over = Steps.Every)]
public partial class TokenLstm { }

[RecurrentModel(InputSize = 2, SequenceLength = 4)]
[Rnn(3, Activation = Activation.Relu, Bidirectional = true)]
[Lstm(4)]
[Dense(3, Activation.Sigmoid)]
public partial class MixedStack { }

[RecurrentModel(InputSize = 4, SequenceLength = 6)]
[Gru(5)]
[Rnn(3)]
[Dense(3, Activation.Relu, Over = Steps.Every, Bias = false)]
public partial class GruRnnStack { }

[RecurrentModel(InputSize = 8, SequenceLength = 50)]
[Lstm(32)]
[Dense(4, Activation.Softmax)]
public partial class LstmClassifier { }

[RecurrentModel(InputSize = 8, SequenceLength = 50)]
[Gru(32, Bidirectional = true)]
[Gru(16)]
public partial class BidirectionalGru { }

[RecurrentModel(SequenceLength = 16)]
[Embedding(4, 4)]
[Rnn(8)]
[Dense(4, Over = Steps.Every)]
public partial class TokenRnn { }

// Row-block cells (H a multiple of 8) in both activation modes: a one-column input, a partial input chunk, every cell kind.
[RecurrentModel(InputSize = 1, SequenceLength = 6)]
[Lstm(16)]
[Gru(16)]
[Rnn(8)]
[Dense(2, Activation.Tanh, Over = Steps.Every)]
public partial class RowBlockStackFast { }

[RecurrentModel(InputSize = 5, SequenceLength = 6, Activations = ActivationPrecision.Exact)]
[Lstm(16)]
[Gru(16)]
[Rnn(8, Activation = Activation.Relu)]
[Dense(2, Activation.Tanh, Over = Steps.Every)]
public partial class RowBlockStackExact { }

// H = 8 cells take the paired-rows variant with AVX-512: one-float inputs, one chunk of 8 and two chunks (I = 16),
// every cell kind, both activation modes, with and without biases.
[RecurrentModel(InputSize = 1, SequenceLength = 6)]
[Gru(8)]
[Lstm(8)]
[Rnn(8)]
[Dense(2, Activation.Tanh, Over = Steps.Every)]
public partial class PairCellsFast { }

[RecurrentModel(InputSize = 1, SequenceLength = 6, Activations = ActivationPrecision.Exact)]
[Lstm(8)]
[Gru(8)]
[Rnn(8, Activation = Activation.Relu)]
[Dense(2, Activation.Tanh, Over = Steps.Every)]
public partial class PairCellsExact { }

[RecurrentModel(InputSize = 16, SequenceLength = 6)]
[Lstm(8, Bias = false)]
[Gru(8, Bias = false)]
public partial class PairCellsWideInput { }

public static partial class Nested
{
    [RecurrentModel(InputSize = 2, SequenceLength = 3)]
    [Lstm(3)]
    internal partial class InnerModel { }
}

// Heads of issue 14: MLPs, and h_n of a bidirectional top layer (Steps.Final), which is not its last output row.
[RecurrentModel(InputSize = 3, SequenceLength = 5)]
[Lstm(4, Bidirectional = true)]
[Dense(6, Activation.Tanh, Over = Steps.Final)]
[Dense(5, Activation.Relu, Bias = false)]
[Dense(3, Activation.Softmax)]
public partial class MlpOverFinalBiLstm { }

[RecurrentModel(InputSize = 2, SequenceLength = 5)]
[Gru(5, Bidirectional = true)]
[Gru(3, Bidirectional = true)]
[Dense(2, Activation.Sigmoid, Over = Steps.Final)]
public partial class FinalOverBiGruStack { }

[RecurrentModel(InputSize = 3, SequenceLength = 6)]
[Rnn(4)]
[Dense(5, Activation.Sigmoid, Over = Steps.Every)]
[Dense(2, Activation.Tanh)]
public partial class MlpEveryStep { }

// A row-block top layer whose Step runs the MLP head unfolded; Final on a unidirectional layer is its last step.
[RecurrentModel(InputSize = 4, SequenceLength = 8)]
[Lstm(16)]
[Dense(8, Activation.Relu, Over = Steps.Final)]
[Dense(2)]
public partial class MlpStepLstm { }

// Off the vector grid, for an inference copy's column cells (InferenceTests): every cell kind, a projection, the two-pass
// GRU, a tail block in a loop (37), a softmax head folded into the top layer.
[RecurrentModel(InputSize = 5, SequenceLength = 6)]
[Lstm(13, ProjectionSize = 6)]
[Gru(21, ResetAfter = false)]
[Rnn(10, Activation = Activation.Relu)]
[Gru(37)]
[Dense(3, Activation.Softmax, Over = Steps.Every)]
public partial class OffGridInference { }

// LSTM 12→49: packed tiles (49.6 KB) would overflow the 48 KB L1 cache where its row-major weights (46.7 KB) fit, so
// its inference copy runs the row cells; a second layer of 20 runs the column cells.
[RecurrentModel(InputSize = 12, SequenceLength = 4)]
[Lstm(49)]
[Lstm(20)]
[Dense(1)]
public partial class L1BoundInference { }
