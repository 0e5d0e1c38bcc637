namespace RnnGen.Tests.Weights;

/// <summary>
/// A stand-in for a generated model: only the parameter buffer and its layout, which is all weight I/O uses.
/// Every other member throws.
/// </summary>
internal sealed class FakeModel : IRecurrentModel
{
    private readonly float[] _parameters;
    private readonly ParameterTensor[] _tensors;

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
    }

    /// <summary>A model with a hand-made layout over <paramref name="parameterCount"/> parameters, which need not match.</summary>
    public FakeModel(int parameterCount, params ParameterTensor[] tensors)
    {
        _tensors = tensors;
        _parameters = new float[parameterCount];
    }

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

    public Span<float> Parameters => _parameters;

    public IReadOnlyList<ParameterTensor> ParameterTensors => _tensors;

    public float[] Tensor(string name)
    {
        ParameterTensor t = _tensors.Single(t => t.Name == name);
        return _parameters.AsSpan(t.Offset, t.Length).ToArray();
    }

    public int InputSize => throw new NotSupportedException();
    public int VocabularySize => throw new NotSupportedException();
    public int OutputSize => throw new NotSupportedException();
    public bool OutputsEveryStep => throw new NotSupportedException();
    public int SequenceLength => throw new NotSupportedException();
    public Span<float> State => throw new NotSupportedException();
    public IReadOnlyList<StateTensor> StateTensors => throw new NotSupportedException();
    public Span<float> Gradients => throw new NotSupportedException();
    public int RecordedSteps => throw new NotSupportedException();
    public ReadOnlySpan<float> Logits => throw new NotSupportedException();

    public ReadOnlySpan<float> HiddenOutputs => throw new NotSupportedException();
    public void ResetState() => throw new NotSupportedException();
    public void ZeroGradients() => throw new NotSupportedException();

    public void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, ReadOnlySpan<float> finalStateGradient, Span<float> initialStateGradient) =>
        throw new NotSupportedException();

    public void BackwardFromLogits(ReadOnlySpan<float> logitGradient, Span<float> inputGradient, ReadOnlySpan<float> finalStateGradient, Span<float> initialStateGradient) =>
        throw new NotSupportedException();
}
