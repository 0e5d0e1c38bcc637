namespace RnnGen.Training;

/// <summary>
/// Base of the built-in optimizers: checks the span lengths, counts steps and leaves the update rule to
/// <see cref="Update"/>.
/// </summary>
public abstract class Optimizer : IOptimizer
{
    private float _learningRate;

    /// <summary>Validates and stores the parameter count and the learning rate.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parameterCount"/> is negative, or <paramref name="learningRate"/> is negative or not finite.</exception>
    protected Optimizer(int parameterCount, float learningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        ParameterCount = parameterCount;
        LearningRate = learningRate;
    }

    /// <inheritdoc />
    public int ParameterCount { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or not finite.</exception>
    public float LearningRate
    {
        get => _learningRate;
        set
        {
            Hyperparameters.RequireNonNegative(value, nameof(LearningRate));
            _learningRate = value;
        }
    }

    /// <summary>Steps taken since construction or the last <see cref="Reset"/>; PyTorch's <c>state['step']</c>.</summary>
    public long StepCount { get; private set; }

    /// <inheritdoc />
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != ParameterCount)
            throw new ArgumentException($"Expected {ParameterCount} parameters, got {parameters.Length}.", nameof(parameters));
        if (gradients.Length != ParameterCount)
            throw new ArgumentException($"Expected {ParameterCount} gradients, got {gradients.Length}.", nameof(gradients));
        StepCount++;
        Update(parameters, gradients);
    }

    /// <inheritdoc />
    public void Reset()
    {
        StepCount = 0;
        ResetState();
    }

    /// <summary>Applies one update. Lengths are already checked and <see cref="StepCount"/> already counts this step (1 on the first).</summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>Returns the per-parameter state to what construction gave.</summary>
    protected abstract void ResetState();
}
