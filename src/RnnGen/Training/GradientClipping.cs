using System.Numerics;
using System.Numerics.Tensors;

namespace RnnGen.Training;

/// <summary>
/// Gradient clipping and the finiteness check that lets a trainer skip a step instead of writing NaN or ∞ into the weights.
/// </summary>
public static class GradientClipping
{
    /// <summary>
    /// The global L2 norm ‖g‖ = √Σ gᵢ², accumulated in double so that it neither overflows nor loses small terms.
    /// It is finite exactly when every element is; above <see cref="float.MaxValue"/> it saturates to +∞.
    /// </summary>
    public static float GlobalNorm(ReadOnlySpan<float> gradients) => (float)GlobalNormDouble(gradients);

    /// <summary>
    /// As <c>torch.nn.utils.clip_grad_norm_</c>: with ‖g‖ the global L2 norm, scales g by c = maxNorm / (‖g‖ + 10⁻⁶)
    /// when c &lt; 1, and leaves it unchanged otherwise. Returns ‖g‖ before clipping.
    /// </summary>
    /// <remarks>
    /// When the norm is not finite (some gradient is NaN or ±∞) the gradients are left unchanged, where PyTorch would
    /// scale them into NaN; check the returned norm with <see cref="float.IsFinite"/> and skip the step.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is negative or NaN.</exception>
    public static float ClipByGlobalNorm(Span<float> gradients, float maxNorm)
    {
        if (!(maxNorm >= 0f))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "maxNorm must be non-negative.");
        double norm = GlobalNormDouble(gradients);
        if (double.IsFinite(norm))
        {
            double coefficient = maxNorm / (norm + 1e-6);
            if (coefficient < 1.0)
                TensorPrimitives.Multiply(gradients, (float)coefficient, gradients);
        }
        return (float)norm;
    }

    /// <summary>As <c>torch.nn.utils.clip_grad_value_</c>: gᵢ = min(max(gᵢ, −limit), limit).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is negative or NaN.</exception>
    public static void ClipByValue(Span<float> gradients, float limit)
    {
        if (!(limit >= 0f))
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "limit must be non-negative.");
        TensorPrimitives.Clamp(gradients, -limit, limit, gradients);
    }

    /// <summary>True when no element is NaN or ±∞ (true for an empty span).</summary>
    public static bool AllFinite(ReadOnlySpan<float> values) =>
        values.IsEmpty || TensorPrimitives.IsFiniteAll(values); // IsFiniteAll answers false for an empty span

    private static double GlobalNormDouble(ReadOnlySpan<float> values)
    {
        // Widening each lane to double keeps the sum exact enough and free of float overflow (max float² ≈ 1.2e77).
        ReadOnlySpan<Vector<float>> lanes = VectorLanes.Body(values);
        Vector<double> sum = Vector<double>.Zero;
        foreach (Vector<float> lane in lanes)
        {
            Vector.Widen(lane, out Vector<double> low, out Vector<double> high);
            sum += low * low + high * high;
        }
        double total = Vector.Sum(sum);
        for (int i = VectorLanes.TailStart(values.Length); i < values.Length; i++)
            total += (double)values[i] * values[i];
        return Math.Sqrt(total);
    }
}
