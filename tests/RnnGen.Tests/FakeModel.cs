namespace RnnGen.Tests;

/// <summary>
/// A hand-written stand-in for a generated model: only the parameter buffer, its layout and a gradient buffer are real,
/// which is all weight I/O, optimizers and initialisers use. It has no state, and running it throws.
/// </summary>
internal sealed class FakeModel : IRecurrentModel
{
    private readonly float[] _parameters;
    private readonly float[] _gradients;
    private readonly ParameterTensor[] _tensors;

    /// <summary>A model whose tensors follow each other in the order given.</summary>
    public FakeModel(params (string Name, int[] Shape)[] tensors)
    {
        _tensors = new ParameterTensor[tensors.Length];
        int offset = 0;
        for (int i = 0; i < tensors.Length; i++)
        {
            _tensors[i] = new ParameterTensor(tensors[i].Name, offset, tensors[i].Shape);
            offset += _tensors[i].Length;
        }
        _parameters = new float[offset];
        _gradients = new float[offset];
    }

    /// <summary>A model with a hand-made layout over <paramref name="parameterCount"/> parameters, which need not match.</summary>
    public FakeModel(int parameterCount, params ParameterTensor[] tensors)
    {
        _tensors = tensors;
        _parameters = new float[parameterCount];
        _gradients = new float[parameterCount];
    }

    /// <summary>nn.LSTM(I, H): weight_ih_l0 [4H, I], weight_hh_l0 [4H, H], bias_ih_l0 [4H], bias_hh_l0 [4H].</summary>
    public static FakeModel Lstm(int inputSize, int hiddenSize) => new(
        ("weight_ih_l0", [4 * hiddenSize, inputSize]),
        ("weight_hh_l0", [4 * hiddenSize, hiddenSize]),
        ("bias_ih_l0", [4 * hiddenSize]),
        ("bias_hh_l0", [4 * hiddenSize]));

    /// <summary>nn.LSTM(3, 5): the layout of the reference case lstm_small_L1_uni_bias.</summary>
    public static FakeModel LstmSmall(string prefix = "") => new(
        (prefix + "weight_ih_l0", [20, 3]), (prefix + "weight_hh_l0", [20, 5]), (prefix + "bias_ih_l0", [20]), (prefix + "bias_hh_l0", [20]));

    /// <summary>nn.LSTM(4, 8) with a Linear(8, 5) head: the layout of the reference case lstm_head_many_to_one.</summary>
    public static FakeModel LstmWithHead() => new(
        ("rnn.weight_ih_l0", [32, 4]), ("rnn.weight_hh_l0", [32, 8]), ("rnn.bias_ih_l0", [32]), ("rnn.bias_hh_l0", [32]),
        ("head.weight", [5, 8]), ("head.bias", [5]));

    /// <summary>The recurrent part of <see cref="LstmWithHead"/> alone, under its canonical (unprefixed) names.</summary>
    public static FakeModel LstmWithoutHead() => new(
        ("weight_ih_l0", [32, 4]), ("weight_hh_l0", [32, 8]), ("bias_ih_l0", [32]), ("bias_hh_l0", [32]));

    /// <summary>Fills the parameters with distinct values that no test file holds.</summary>
    public FakeModel WithDistinctValues()
    {
        for (int i = 0; i < _parameters.Length; i++)
            _parameters[i] = 1000f + i;
        return this;
    }

    /// <summary>A copy of the named tensor's values.</summary>
    public float[] Tensor(string name) => Values(name).ToArray();

    /// <summary>The named tensor's values, in place.</summary>
    public Span<float> Values(string name)
    {
        ParameterTensor t = _tensors.Single(t => t.Name == name);
        return _parameters.AsSpan(t.Offset, t.Length);
    }

    public Span<float> Parameters => _parameters;
    public IReadOnlyList<ParameterTensor> ParameterTensors => _tensors;
    public Span<float> Gradients => _gradients;
    public void ZeroGradients() => Array.Clear(_gradients);

    public int InputSize => 0;
    public int VocabularySize => 0;
    public int OutputSize => 0;
    public bool OutputsEveryStep => false;
    public int SequenceLength => 0;
    public Span<float> State => default;
    public IReadOnlyList<StateTensor> StateTensors => [];
    public int RecordedSteps => 0;
    public ReadOnlySpan<float> Logits => default;
    public ReadOnlySpan<float> HiddenOutputs => default;
    public void ResetState() { }

    public void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, ReadOnlySpan<float> finalStateGradient, Span<float> initialStateGradient) =>
        throw new NotSupportedException("FakeModel only describes a parameter layout.");

    public void BackwardFromLogits(ReadOnlySpan<float> logitGradient, Span<float> inputGradient, ReadOnlySpan<float> finalStateGradient, Span<float> initialStateGradient) =>
        throw new NotSupportedException("FakeModel only describes a parameter layout.");
}
