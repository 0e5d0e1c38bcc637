namespace RnnGen.Import.Model;

/// <summary>The recurrent cell of a layer.</summary>
public enum CellType { Lstm, Gru, Rnn }

/// <summary>Which steps the head reads; the numbers are those of <c>RnnGen.Steps</c>.</summary>
public enum HeadSteps
{
    /// <summary>The last step's output of the top layer (<c>output[:, -1]</c>).</summary>
    Last = 0,
    /// <summary>Every step's output of the top layer.</summary>
    Every = 1,
    /// <summary>PyTorch's <c>h_n</c> of the top layer: for a bidirectional layer <c>cat(h_n[-2], h_n[-1])</c>.</summary>
    Final = 2,
}

/// <summary>How the exporter laid out the input sequence: <c>[batch, T, …]</c> or <c>[T, batch, …]</c>.</summary>
public enum InputLayout { BatchFirst, TimeMajor }

/// <summary>One recurrent layer, as <c>[Lstm(H)]</c>, <c>[Gru(H)]</c> or <c>[Rnn(H)]</c> declares it.</summary>
/// <param name="ResetAfter">GRU only: the reset gate applies after the recurrent matmul (PyTorch, ONNX linear_before_reset=1).</param>
/// <param name="Relu">RNN only: ReLU instead of tanh.</param>
/// <param name="Module">The PyTorch module the layer's tensors are under, or null for the contract's default names.</param>
public sealed record RecurrentLayer(CellType Cell, int HiddenSize, bool Bidirectional = false, bool Bias = true,
    bool ResetAfter = true, bool Relu = false, int ProjectionSize = 0, string? Module = null)
{
    /// <summary>Gate blocks stacked in the weights: 4 (LSTM i,f,g,o), 3 (GRU r,z,n), 1 (RNN).</summary>
    public int Gates => Cell switch { CellType.Lstm => 4, CellType.Gru => 3, _ => 1 };

    /// <summary>Size P of one direction's h.</summary>
    public int OutputSize => ProjectionSize > 0 ? ProjectionSize : HiddenSize;

    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Floats per step the layer outputs, the next layer's input: D·P.</summary>
    public int Width => Directions * OutputSize;
}

/// <summary>One fully connected layer of the head, <c>[Dense(K, activation)]</c>.</summary>
public sealed record DenseLayer(int Outputs, Activation Activation = Activation.Linear, bool Bias = true, string? Module = null);

/// <summary>A token input, <c>[Embedding(V, E)]</c>.</summary>
public sealed record EmbeddingLayer(int VocabularySize, int Dimension, string? Module = null);

/// <summary>
/// A model in the terms of RnnGen's declaration contract: an optional embedding, a stack of recurrent layers, and a head
/// of zero or more dense layers reading the top layer's <see cref="Over"/> steps. Knows nothing of tensors' values.
/// </summary>
/// <param name="InputSize">Floats per step fed to layer 0 (the embedding dimension with an embedding).</param>
public sealed record ModelDescription(
    int InputSize,
    EmbeddingLayer? Embedding,
    IReadOnlyList<RecurrentLayer> Layers,
    IReadOnlyList<DenseLayer> Head,
    HeadSteps Over = HeadSteps.Last,
    InputLayout Layout = InputLayout.BatchFirst);
