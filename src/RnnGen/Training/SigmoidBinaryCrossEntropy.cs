using System.Numerics.Tensors;

namespace RnnGen.Training;

/// <summary>
/// Binary cross-entropy on logits with float targets, fused with its gradient (PyTorch <c>nn.BCEWithLogitsLoss</c>).
/// </summary>
public static class SigmoidBinaryCrossEntropy
{
    /// <summary>
    /// L = Σ_i [max(x_i, 0) − x_i·t_i + log(1 + e^{−|x_i|})], the stable form of −t·log σ(x) − (1 − t)·log(1 − σ(x));
    /// Mean divides by the number of elements (rows × outputs), as PyTorch. Writes dL/dx_i = σ(x_i) − t_i (divided by the
    /// element count for Mean).
    /// </summary>
    /// <param name="logits">Pre-activation scores, one per output of every scored row.</param>
    /// <param name="targets">Target probabilities in [0, 1], same layout as <paramref name="logits"/>.</param>
    /// <param name="logitGradient">Receives dL/d<paramref name="logits"/> (same length), or empty to compute only the loss.</param>
    /// <param name="reduction">Sum over elements, or their Mean.</param>
    /// <returns>The loss; 0 for empty input.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A target is outside [0, 1] or NaN.</exception>
    /// <exception cref="ArgumentException">The span lengths do not match.</exception>
    public static float Compute(
        ReadOnlySpan<float> logits,
        ReadOnlySpan<float> targets,
        Span<float> logitGradient,
        LossReduction reduction = LossReduction.Mean)
    {
        if (targets.Length != logits.Length)
            throw new ArgumentException($"Expected {logits.Length} targets (one per logit), got {targets.Length}.", nameof(targets));
        bool withGradient = !logitGradient.IsEmpty;
        if (withGradient && logitGradient.Length != logits.Length)
            throw new ArgumentException($"Expected a logit gradient of length {logits.Length} (or empty), got {logitGradient.Length}.", nameof(logitGradient));
        for (int i = 0; i < targets.Length; i++)
        {
            float t = targets[i];
            if (!(t >= 0f && t <= 1f))
                throw new ArgumentOutOfRangeException(nameof(targets), t, $"targets[{i}] = {t} is not a probability in [0, 1].");
        }
        if (logits.IsEmpty)
            return 0f;

        double scale = reduction == LossReduction.Mean ? 1.0 / logits.Length : 1.0;
        double total = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double x = logits[i];
            total += Math.Max(x, 0.0) - x * targets[i] + Log1P(Math.Exp(-Math.Abs(x)));
        }

        if (withGradient)
        {
            TensorPrimitives.Sigmoid(logits, logitGradient);
            TensorPrimitives.Subtract(logitGradient, targets, logitGradient);
            if (reduction == LossReduction.Mean)
                TensorPrimitives.Multiply(logitGradient, (float)scale, logitGradient);
        }

        return (float)(total * scale);
    }

    // log(1 + e) for e in [0, 1], accurate also when e is far below the double epsilon (Goldberg's correction).
    private static double Log1P(double e)
    {
        double u = 1.0 + e;
        return u == 1.0 ? e : Math.Log(u) * e / (u - 1.0);
    }
}
