namespace RnnGen.Streaming;

/// <summary>
/// Exponential moving average of a vector (e.g. class probabilities): y ← y + α·(x − y), starting from the first x.
/// A probability vector stays a probability vector, since each step is a convex combination.
/// </summary>
public sealed class EmaSmoother
{
    private readonly float[] _value;

    /// <summary>Creates a smoother of <paramref name="size"/> values.</summary>
    /// <param name="size">Length of the vectors, 1 to <see cref="MaxSize"/>.</param>
    /// <param name="alpha">Weight of the newest input, in (0, 1]: 1 means no smoothing; the time constant is about 1/α steps.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public EmaSmoother(int size, float alpha)
    {
        if (size is < 1 or > MaxSize) throw new ArgumentOutOfRangeException(nameof(size), size, $"The size must be 1 to {MaxSize}.");
        if (!(alpha > 0 && alpha <= 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Alpha must be in (0, 1].");
        _value = new float[size];
        Alpha = alpha;
    }

    /// <summary>The longest vector a smoother takes.</summary>
    public const int MaxSize = 1 << 20;

    /// <summary>Weight of the newest input.</summary>
    public float Alpha { get; }

    /// <summary>Length of the vectors.</summary>
    public int Size => _value.Length;

    /// <summary>True once an input has been seen since construction or <see cref="Reset"/>.</summary>
    public bool HasValue { get; private set; }

    /// <summary>The current average.</summary>
    public ReadOnlySpan<float> Value => _value;

    internal float[] Buffer => _value;

    /// <summary>Folds in one input: y ← x the first time, then y ← y + α·(x − y).</summary>
    /// <returns>The updated average.</returns>
    public ReadOnlySpan<float> Update(ReadOnlySpan<float> input)
    {
        if (input.Length != _value.Length)
            throw new ArgumentException($"The smoother holds {_value.Length} values; got {input.Length}.", nameof(input));
        if (!HasValue)
        {
            input.CopyTo(_value);
            HasValue = true;
            return _value;
        }
        for (int i = 0; i < _value.Length; i++)
            _value[i] += Alpha * (input[i] - _value[i]);
        return _value;
    }

    /// <summary>Forgets the average; the next input starts it again.</summary>
    public void Reset()
    {
        HasValue = false;
        Array.Clear(_value);
    }
}
