namespace RnnGen.Training;

/// <summary>Range checks for optimizer hyperparameters, with PyTorch's limits.</summary>
internal static class Hyperparameters
{
    /// <summary>Throws unless <paramref name="value"/> is finite and ≥ 0.</summary>
    public static void RequireNonNegative(float value, string name)
    {
        if (!(value >= 0f) || float.IsPositiveInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and non-negative.");
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and &gt; 0.</summary>
    public static void RequirePositive(float value, string name)
    {
        if (!(value > 0f) || float.IsPositiveInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and positive.");
    }

    /// <summary>Throws unless 0 ≤ <paramref name="value"/> ≤ 1.</summary>
    public static void RequireUnitInterval(float value, string name)
    {
        if (!(value >= 0f && value <= 1f))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1].");
    }

    /// <summary>Throws unless 0 ≤ <paramref name="value"/> &lt; 1.</summary>
    public static void RequireFraction(float value, string name)
    {
        if (!(value >= 0f && value < 1f))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1).");
    }
}
