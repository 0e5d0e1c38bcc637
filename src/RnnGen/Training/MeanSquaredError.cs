using System.Numerics.Tensors;

namespace RnnGen.Training;

/// <summary>Mean squared error, fused with its gradient (PyTorch <c>nn.MSELoss</c>).</summary>
public static class MeanSquaredError
{
    /// <summary>
    /// L = Σ_i (y_i − t_i)²; Mean divides by the number of elements n (rows × outputs), as PyTorch. Writes
    /// dL/dy_i = 2(y_i − t_i) (divided by n for Mean). The gradient is with respect to <paramref name="outputs"/>: feed it to
    /// <c>Backward</c>, or to <c>BackwardFromLogits</c> when the outputs are the logits (no head, or a linear head).
    /// </summary>
    /// <param name="outputs">The model's outputs y for every scored row.</param>
    /// <param name="targets">Targets t, same layout.</param>
    /// <param name="outputGradient">Receives dL/d<paramref name="outputs"/> (same length), or empty to compute only the loss.</param>
    /// <param name="reduction">Sum over elements, or their Mean.</param>
    /// <returns>The loss; 0 for empty input.</returns>
    /// <exception cref="ArgumentException">The span lengths do not match.</exception>
    public static float Compute(
        ReadOnlySpan<float> outputs,
        ReadOnlySpan<float> targets,
        Span<float> outputGradient,
        LossReduction reduction = LossReduction.Mean)
    {
        if (targets.Length != outputs.Length)
            throw new ArgumentException($"Expected {outputs.Length} targets (one per output), got {targets.Length}.", nameof(targets));
        bool withGradient = !outputGradient.IsEmpty;
        if (withGradient && outputGradient.Length != outputs.Length)
            throw new ArgumentException($"Expected an output gradient of length {outputs.Length} (or empty), got {outputGradient.Length}.", nameof(outputGradient));
        if (outputs.IsEmpty)
            return 0f;

        double scale = reduction == LossReduction.Mean ? 1.0 / outputs.Length : 1.0;
        double sumOfSquares;
        if (withGradient)
        {
            TensorPrimitives.Subtract(outputs, targets, outputGradient);
            sumOfSquares = TensorPrimitives.SumOfSquares(outputGradient);
            TensorPrimitives.Multiply(outputGradient, (float)(2.0 * scale), outputGradient);
        }
        else
        {
            double distance = TensorPrimitives.Distance(outputs, targets);
            sumOfSquares = distance * distance;
        }

        return (float)(sumOfSquares * scale);
    }
}
