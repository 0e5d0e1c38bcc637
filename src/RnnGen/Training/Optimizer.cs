namespace RnnGen.Training;

/// <summary>
/// Base of the built-in optimizers: checks the span lengths, counts steps and leaves the update rule to
/// <see cref="Update"/>, which runs twice per step: once to compute the update and check that every new parameter and
/// state value is finite, writing nothing, then, only if so, to commit it. The same code computes both times, so the
/// committed values are exactly the checked ones, and no scratch memory is needed. It cannot be derived from outside the
/// library: <see cref="IOptimizer"/> is the one extension point for a rule of one's own.
/// </summary>
public abstract class Optimizer : IOptimizer
{
    private float _learningRate;

    /// <summary>Validates and stores the parameter count and the learning rate.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parameterCount"/> is negative, or <paramref name="learningRate"/> is negative or not finite.</exception>
    private protected Optimizer(int parameterCount, float learningRate)
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
    public bool Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != ParameterCount)
            throw new ArgumentException($"Expected {ParameterCount} parameters, got {parameters.Length}.", nameof(parameters));
        if (gradients.Length != ParameterCount)
            throw new ArgumentException($"Expected {ParameterCount} gradients, got {gradients.Length}.", nameof(gradients));
        StepCount++;
        if (!Update(parameters, gradients, commit: false))
        {
            StepCount--;
            return false;
        }
        Update(parameters, gradients, commit: true);
        return true;
    }

    /// <inheritdoc />
    public void Reset()
    {
        StepCount = 0;
        ResetState();
    }

    /// <summary>
    /// One update. Lengths are already checked and <see cref="StepCount"/> already counts this step (1 on the first).
    /// With <paramref name="commit"/> false: compute the new parameters and state without writing anything, and return
    /// whether every one of them is finite. With <paramref name="commit"/> true (only after a false pass returned true):
    /// compute the same values and write them; the return value is then ignored.
    /// </summary>
    private protected abstract bool Update(Span<float> parameters, ReadOnlySpan<float> gradients, bool commit);

    /// <summary>Returns the per-parameter state to what construction gave.</summary>
    private protected abstract void ResetState();
}
