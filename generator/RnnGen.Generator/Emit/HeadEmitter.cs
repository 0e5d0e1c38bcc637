using RnnGen.Generator.Contract;
using static RnnGen.Generator.Emit.Globals;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Emits the dense head: <c>HeadForward</c> (logits = W f + b, output = act(logits)), <c>HeadBackward</c>
/// (dW += dlogits ⊗ f, db += dlogits, df += Wᵀ dlogits) and, for a non-linear activation, the activation's
/// vector–Jacobian product <c>HeadActivationBackward</c>.
/// </summary>
internal static class HeadEmitter
{
    public static void Emit(SourceWriter w, ModelLayout layout)
    {
        var head = layout.Spec.Head!;
        string weight = layout.Table.HeadWeight!.Key;
        string? bias = layout.Table.HeadBias?.Key;
        string features = layout.Top.WidthConstant;

        w.Wrapped("private void HeadForward", [$"{ReadOnlySpan} features", $"{Span} logits", $"{Span} output"]);
        w.Open();
        w.Line($"{ReadOnlySpan} p = _parameters;");
        w.Line(bias is null ? "logits.Clear();" : $"p.Slice({bias}, OutputSize).CopyTo(logits);");
        w.Line($"{MatrixOps}.GemvAdd(p.Slice({weight}, OutputSize * {features}), features, logits);");
        w.Line(head.Activation switch
        {
            Activation.Sigmoid => $"{TensorPrimitives}.Sigmoid(logits, output);",
            Activation.Softmax => $"{TensorPrimitives}.SoftMax(logits, output);",
            Activation.Tanh => $"{TensorPrimitives}.Tanh(logits, output);",
            Activation.Relu => $"{TensorPrimitives}.Max(logits, 0f, output);",
            _ => "logits.CopyTo(output);",
        });
        w.Close();
        w.Line();

        w.Wrapped("private void HeadBackward", [$"{ReadOnlySpan} features", $"{ReadOnlySpan} dLogits", $"{Span} dFeatures"]);
        w.Open();
        w.Line($"{MatrixOps}.OuterAdd(_gradients.AsSpan({weight}, OutputSize * {features}), dLogits, features);");
        if (bias is not null)
            w.Wrapped($"{TensorPrimitives}.Add", [$"_gradients.AsSpan({bias}, OutputSize)", "dLogits", $"_gradients.AsSpan({bias}, OutputSize)"], ";");
        w.Line($"{MatrixOps}.GemvTransposedAdd(_parameters.AsSpan({weight}, OutputSize * {features}), dLogits, dFeatures);");
        w.Close();
        w.Line();

        if (head.Activation == Activation.Linear) return;
        w.Line($"// dL/dlogits from dL/doutputs y = {head.Activation}(logits).");
        w.Wrapped("private static void HeadActivationBackward", [$"{ReadOnlySpan} y", $"{ReadOnlySpan} dy", $"{Span} dLogits"]);
        w.Open();
        switch (head.Activation)
        {
            case Activation.Sigmoid:
                w.Line("for (int j = 0; j < OutputSize; j++) dLogits[j] = dy[j] * y[j] * (1f - y[j]);");
                break;
            case Activation.Tanh:
                w.Line("for (int j = 0; j < OutputSize; j++) dLogits[j] = dy[j] * (1f - y[j] * y[j]);");
                break;
            case Activation.Relu:
                w.Line("for (int j = 0; j < OutputSize; j++) dLogits[j] = y[j] > 0f ? dy[j] : 0f;");
                break;
            case Activation.Softmax:
                w.Line("// softmax: dlogits = y ⊙ (dy − (dy · y))");
                w.Line($"float dot = {TensorPrimitives}.Dot(dy, y);");
                w.Line("for (int j = 0; j < OutputSize; j++) dLogits[j] = y[j] * (dy[j] - dot);");
                break;
        }
        w.Close();
        w.Line();
    }
}
