namespace RnnGen.Tests.Training;

/// <summary>
/// A hand-written stand-in for a generated model: only the parameter layout is real. Enough to drive optimizers and
/// initialisers without the generator; running it throws.
/// </summary>
internal sealed class FakeModel : IRecurrentModel
{
    private readonly float[] _parameters;
    private readonly float[] _gradients;

    public FakeModel(params (string Name, int[] Shape)[] tensors)
    {
        var list = new List<ParameterTensor>();
        int offset = 0;
        foreach ((string name, int[] shape) in tensors)
        {
            var tensor = new ParameterTensor(name, offset, shape);
            list.Add(tensor);
            offset += tensor.Length;
        }
        ParameterTensors = list;
        _parameters = new float[offset];
        _gradients = new float[offset];
    }

    /// <summary>nn.LSTM(I, H): weight_ih_l0 [4H, I], weight_hh_l0 [4H, H], bias_ih_l0 [4H], bias_hh_l0 [4H].</summary>
    public static FakeModel Lstm(int inputSize, int hiddenSize) => new(
        ("weight_ih_l0", [4 * hiddenSize, inputSize]),
        ("weight_hh_l0", [4 * hiddenSize, hiddenSize]),
        ("bias_ih_l0", [4 * hiddenSize]),
        ("bias_hh_l0", [4 * hiddenSize]));

    public ParameterTensor Tensor(string name) => ParameterTensors.Single(t => t.Name == name);

    public Span<float> Values(string name)
    {
        ParameterTensor t = Tensor(name);
        return _parameters.AsSpan(t.Offset, t.Length);
    }

    public int InputSize => 0;
    public int VocabularySize => 0;
    public int OutputSize => 0;
    public bool OutputsEveryStep => false;
    public int SequenceLength => 0;
    public Span<float> State => default;
    public IReadOnlyList<StateTensor> StateTensors => [];
    public Span<float> Parameters => _parameters;
    public Span<float> Gradients => _gradients;
    public IReadOnlyList<ParameterTensor> ParameterTensors { get; }
    public int RecordedSteps => 0;
    public ReadOnlySpan<float> Logits => default;

    public ReadOnlySpan<float> HiddenOutputs => default;
    public void ResetState() { }
    public void ZeroGradients() => Array.Clear(_gradients);

    public void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, ReadOnlySpan<float> finalStateGradient, Span<float> initialStateGradient) =>
        throw new NotSupportedException("FakeModel only describes a parameter layout.");

    public void BackwardFromLogits(ReadOnlySpan<float> logitGradient, Span<float> inputGradient, ReadOnlySpan<float> finalStateGradient, Span<float> initialStateGradient) =>
        throw new NotSupportedException("FakeModel only describes a parameter layout.");
}
