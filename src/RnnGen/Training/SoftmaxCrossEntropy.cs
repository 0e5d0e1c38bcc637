using System.Numerics.Tensors;

namespace RnnGen.Training;

/// <summary>
/// Softmax cross-entropy with integer class targets, fused with its gradient (PyTorch <c>nn.CrossEntropyLoss</c> on logits).
/// </summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>
    /// L = Σ_r [log Σ_j e^{x_rj} − x_r,t_r] over the scored rows r (Mean divides by their count), computed as
    /// m + log Σ_j e^{x_rj − m} with m = max_j x_rj so that no logit overflows. Writes dL/dx_r = softmax(x_r) − onehot(t_r)
    /// (divided by the count for Mean); rows whose target is <paramref name="ignoreIndex"/> are not scored and get a zero gradient.
    /// </summary>
    /// <param name="logits">Pre-activation scores, row-major [rows × <paramref name="classes"/>].</param>
    /// <param name="classes">Number of classes K (columns).</param>
    /// <param name="targets">One class index in [0, K) per row.</param>
    /// <param name="logitGradient">Receives dL/d<paramref name="logits"/> (same length), or empty to compute only the loss.</param>
    /// <param name="reduction">Sum over scored rows, or their Mean.</param>
    /// <param name="ignoreIndex">A target value that marks a row as not scored (PyTorch <c>ignore_index</c>); null scores every row.</param>
    /// <returns>The loss. 0 when no row is scored (PyTorch returns NaN for a Mean over nothing).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not positive, or a target is outside [0, K) and is not <paramref name="ignoreIndex"/>.</exception>
    /// <exception cref="ArgumentException">The span lengths do not match.</exception>
    public static float Compute(
        ReadOnlySpan<float> logits,
        int classes,
        ReadOnlySpan<int> targets,
        Span<float> logitGradient,
        LossReduction reduction = LossReduction.Mean,
        int? ignoreIndex = null)
    {
        if (classes <= 0)
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "The number of classes must be positive.");
        if (logits.Length != targets.Length * classes)
            throw new ArgumentException(
                $"Expected logits of length targets.Length × classes = {targets.Length} × {classes} = {targets.Length * classes}, got {logits.Length}.",
                nameof(logits));
        bool withGradient = !logitGradient.IsEmpty;
        if (withGradient && logitGradient.Length != logits.Length)
            throw new ArgumentException($"Expected a logit gradient of length {logits.Length} (or empty), got {logitGradient.Length}.", nameof(logitGradient));

        // Validate every target before writing anything, so a bad batch leaves the gradient untouched.
        int scored = 0;
        for (int r = 0; r < targets.Length; r++)
        {
            int t = targets[r];
            if (t == ignoreIndex)
                continue;
            if ((uint)t >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(targets), t, $"targets[{r}] = {t} is not a class index in [0, {classes}).");
            scored++;
        }

        double scale = reduction == LossReduction.Mean ? (scored == 0 ? 0.0 : 1.0 / scored) : 1.0;
        double total = 0;
        for (int r = 0; r < targets.Length; r++)
        {
            ReadOnlySpan<float> row = logits.Slice(r * classes, classes);
            int t = targets[r];
            if (t == ignoreIndex)
            {
                if (withGradient)
                    logitGradient.Slice(r * classes, classes).Clear();
                continue;
            }

            float max = TensorPrimitives.Max(row);
            float target = row[t]; // read before the gradient is written, in case the caller passed the logits as the gradient
            if (withGradient)
            {
                // The gradient row doubles as the scratch for e^{x − m}.
                Span<float> g = logitGradient.Slice(r * classes, classes);
                TensorPrimitives.Subtract(row, max, g);
                TensorPrimitives.Exp(g, g);
                float sum = TensorPrimitives.Sum(g);
                total += (double)max - target + Math.Log(sum);
                TensorPrimitives.Multiply(g, (float)(scale / sum), g);
                g[t] -= (float)scale;
            }
            else
            {
                double sum = 0;
                foreach (float x in row)
                    sum += Math.Exp(x - max);
                total += (double)max - target + Math.Log(sum);
            }
        }

        return (float)(total * scale);
    }
}
