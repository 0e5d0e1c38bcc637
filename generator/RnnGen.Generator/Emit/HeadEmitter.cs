using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Emits the dense head: <c>HeadForward</c> (logits = W f + b, output = act(logits)), <c>HeadBackward</c>
/// (dW += dlogits ⊗ f, db += dlogits, df += Wᵀ dlogits) and, for a non-linear activation, the activation's
/// vector–Jacobian product <c>HeadActivationBackward</c>.
/// </summary>
internal static class HeadEmitter
{
    private const string Span = "global::System.Span<float>";
    private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";

    public static void Emit(SourceWriter w, ModelLayout layout)
    {
        var head = layout.Spec.Head!;
        string weight = layout.HeadWeight!.Constant;
        string? bias = layout.HeadBias?.Constant;
        string features = $"{layout.Top.Name}Width";

        w.Open($"private void HeadForward({ReadOnlySpan} features, {Span} logits, {Span} output)");
        w.Line($"{ReadOnlySpan} p = _parameters;");
        w.Line(bias is null ? "logits.Clear();" : $"p.Slice({bias}, OutputSize).CopyTo(logits);");
        w.Line($"MatrixOps.GemvAdd(p.Slice({weight}, OutputSize * {features}), features, logits);");
        w.Line(head.Activation switch
        {
            ActivationKind.Sigmoid => "TensorPrimitives.Sigmoid(logits, output);",
            ActivationKind.Softmax => "TensorPrimitives.SoftMax(logits, output);",
            ActivationKind.Tanh => "TensorPrimitives.Tanh(logits, output);",
            ActivationKind.Relu => "TensorPrimitives.Max(logits, 0f, output);",
            _ => "logits.CopyTo(output);",
        });
        w.Close();
        w.Line();

        w.Open($"private void HeadBackward({ReadOnlySpan} features, {ReadOnlySpan} dLogits, {Span} dFeatures)");
        w.Line($"MatrixOps.OuterAdd(_gradients.AsSpan({weight}, OutputSize * {features}), dLogits, features);");
        if (bias is not null)
            w.Line($"TensorPrimitives.Add(_gradients.AsSpan({bias}, OutputSize), dLogits, _gradients.AsSpan({bias}, OutputSize));");
        w.Line($"MatrixOps.GemvTransposedAdd(_parameters.AsSpan({weight}, OutputSize * {features}), dLogits, dFeatures);");
        w.Close();
        w.Line();

        if (head.Activation == ActivationKind.Linear) return;
        w.Line($"// dL/dlogits from dL/doutputs y = {head.Activation}(logits).");
        w.Open($"private static void HeadActivationBackward({ReadOnlySpan} y, {ReadOnlySpan} dy, {Span} dLogits)");
        switch (head.Activation)
        {
            case ActivationKind.Sigmoid:
                w.Line("for (int j = 0; j < OutputSize; j++) dLogits[j] = dy[j] * y[j] * (1f - y[j]);");
                break;
            case ActivationKind.Tanh:
                w.Line("for (int j = 0; j < OutputSize; j++) dLogits[j] = dy[j] * (1f - y[j] * y[j]);");
                break;
            case ActivationKind.Relu:
                w.Line("for (int j = 0; j < OutputSize; j++) dLogits[j] = y[j] > 0f ? dy[j] : 0f;");
                break;
            case ActivationKind.Softmax:
                w.Line("// softmax: dlogits = y ⊙ (dy − (dy · y))");
                w.Line("float dot = TensorPrimitives.Dot(dy, y);");
                w.Line("for (int j = 0; j < OutputSize; j++) dLogits[j] = y[j] * (dy[j] - dot);");
                break;
        }
        w.Close();
        w.Line();
    }
}
