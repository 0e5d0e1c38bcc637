namespace RnnGen.Tests.Streaming;

/// <summary>
/// The parts of <see cref="IRecurrentModel"/> the streaming layer does not use, for hand-written test models.
/// Training members throw: the streaming layer must never call them.
/// </summary>
internal abstract class FakeModelBase : IStepModel
{
    protected readonly float[] StateBuffer;

    protected FakeModelBase(int inputSize, int outputSize, int sequenceLength, int stateSize, bool outputsEveryStep)
    {
        InputSize = inputSize;
        OutputSize = outputSize;
        SequenceLength = sequenceLength;
        OutputsEveryStep = outputsEveryStep;
        StateBuffer = new float[stateSize];
    }

    public int InputSize { get; }
    public int VocabularySize => 0;
    public int OutputSize { get; }
    public bool OutputsEveryStep { get; }
    public int SequenceLength { get; }
    public Span<float> State => StateBuffer;
    public IReadOnlyList<StateTensor> StateTensors => [];
    public Span<float> Parameters => Span<float>.Empty;
    public Span<float> Gradients => Span<float>.Empty;
    public IReadOnlyList<ParameterTensor> ParameterTensors => [];
    public int RecordedSteps => 0;
    public ReadOnlySpan<float> Logits => ReadOnlySpan<float>.Empty;
    public ReadOnlySpan<float> HiddenOutputs => ReadOnlySpan<float>.Empty;

    /// <summary>Number of ResetState calls.</summary>
    public int ResetCount { get; private set; }

    /// <summary>Number of input steps seen (Step calls plus rows given to Forward).</summary>
    public long StepsSeen { get; protected set; }

    public void ResetState()
    {
        Array.Clear(StateBuffer);
        ResetCount++;
    }

    public void ZeroGradients() => throw new NotSupportedException();
    public void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, ReadOnlySpan<float> finalStateGradient, Span<float> initialStateGradient) => throw new NotSupportedException();
    public void BackwardFromLogits(ReadOnlySpan<float> logitGradient, Span<float> inputGradient, ReadOnlySpan<float> finalStateGradient, Span<float> initialStateGradient) => throw new NotSupportedException();

    public abstract void Step(ReadOnlySpan<float> input, Span<float> output);
    public abstract void Forward(ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>The contract says bad input never reaches the state: a fake model that sees one fails the test.</summary>
    protected static void RequireFinite(ReadOnlySpan<float> input)
    {
        foreach (float v in input)
            if (!float.IsFinite(v)) throw new InvalidOperationException("A non-finite value reached the model.");
    }
}

/// <summary>
/// A two-class "gesture" model with memory: h ← h/2 + x₀/2 (x₁ is ignored), p = clamp((h + 1)/2, 0, 1),
/// output [1 − p, p]. A normalised input of −1 means "no gesture", +1 "gesture".
/// </summary>
internal sealed class LeakyGestureModel(int sequenceLength = 16) : FakeModelBase(2, 2, sequenceLength, 1, outputsEveryStep: true)
{
    public override void Step(ReadOnlySpan<float> input, Span<float> output)
    {
        RequireFinite(input);
        float h = 0.5f * StateBuffer[0] + 0.5f * input[0];
        StateBuffer[0] = h;
        float p = Math.Clamp((h + 1f) / 2f, 0f, 1f);
        output[0] = 1f - p;
        output[1] = p;
        StepsSeen++;
    }

    public override void Forward(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        int steps = inputs.Length / InputSize;
        for (int t = 0; t < steps; t++)
            Step(inputs.Slice(t * InputSize, InputSize), outputs.Slice(t * OutputSize, OutputSize));
    }
}

/// <summary>
/// A last-step-head model that makes windows visible: state s ← s + Σ inputs of the step; one output row [s, steps
/// since reset] after <c>Forward</c>.
/// </summary>
internal sealed class SumModel(int sequenceLength) : FakeModelBase(1, 2, sequenceLength, 2, outputsEveryStep: false)
{
    public override void Step(ReadOnlySpan<float> input, Span<float> output) => throw new NotSupportedException("Sequence-only model.");

    public override void Forward(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        if (inputs.Length == 0 || inputs.Length > SequenceLength) throw new ArgumentException("Bad window length.");
        RequireFinite(inputs);
        foreach (float v in inputs) StateBuffer[0] += v;
        StateBuffer[1] += inputs.Length;
        StepsSeen += inputs.Length;
        outputs[0] = StateBuffer[0];
        outputs[1] = StateBuffer[1];
    }
}
