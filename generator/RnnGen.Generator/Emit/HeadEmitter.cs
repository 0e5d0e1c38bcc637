using RnnGen.Generator.Contract;
using RnnGen.Generator.Model;
using static RnnGen.Generator.Emit.Globals;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Emits the head, one dense layer or several (an MLP): <c>HeadForward</c> (each layer a = act(W x + b); the last
/// layer's W x + b are the logits, its act(…) the output), <c>HeadBackward</c> (per layer from the last: dW += dz ⊗ x,
/// db += dz, dx = Wᵀ dz, then through the layer below's activation; the first layer adds Wᵀ dz to dFeatures) and, for a
/// non-linear last activation, its vector–Jacobian product <c>HeadActivationBackward</c>. An MLP keeps each hidden
/// layer's activations per output row (<c>_headHidden{i}</c>, slot <c>LogitRows</c> for Step), which its backward reads.
/// With <c>Over = Steps.Final</c> on a bidirectional top layer, the head reads <c>_finalFeatures</c>, the two final
/// states Forward gathers (<see cref="ModelLayout.HeadReadsFinalState"/>).
/// </summary>
internal static class HeadEmitter
{
    private static bool IsMlp(ModelLayout layout) => layout.Spec.Head!.Layers.Count > 1;

    /// <summary>The constant naming the width of hidden layer <paramref name="i"/>'s output.</summary>
    private static string Outputs(int i) => $"Head{SourceWriter.Number(i)}Outputs";

    /// <summary>The field holding hidden layer <paramref name="i"/>'s activations, one row per output row plus Step's.</summary>
    private static string Hidden(int i) => $"_headHidden{SourceWriter.Number(i)}";

    /// <summary>The head in the class summary, e.g. <c>Dense(16, Relu) → Dense(4, Linear) over the last step</c>.</summary>
    public static string Summary(ModelLayout layout)
    {
        var head = layout.Spec.Head!;
        string over = head.Over switch
        {
            Steps.Every => "every step",
            Steps.Final when layout.Top.Spec.Bidirectional => "the final states (h_n: forward after the last step, reverse after t = 0)",
            Steps.Final => "the final state (h_n, the last step's)",
            _ => "the last step",
        };
        return $"{string.Join(" → ", head.Layers.Select(d => $"Dense({d.Outputs}, {d.Activation})"))} over {over}";
    }

    /// <summary>The arguments of a <c>HeadForward</c> call on output row <paramref name="row"/>.</summary>
    public static IReadOnlyList<string> ForwardArguments(ModelLayout layout, string features, string row, string logits, string output)
        => IsMlp(layout) ? [features, logits, output, row] : [features, logits, output];

    /// <summary>The arguments of a <c>HeadBackward</c> call on output row <paramref name="row"/>.</summary>
    public static IReadOnlyList<string> BackwardArguments(ModelLayout layout, string features, string row, string dLogits, string dFeatures)
        => IsMlp(layout) ? [features, dLogits, dFeatures, row] : [features, dLogits, dFeatures];

    /// <summary>The widths of an MLP's hidden layers.</summary>
    public static void WriteConstants(SourceWriter w, ModelLayout layout)
    {
        var head = layout.Spec.Head!;
        if (head.Layers.Count == 1) return;
        w.Line("// Widths of the head's hidden layers.");
        w.Line("private const int " + string.Join(", ", Enumerable.Range(0, head.Layers.Count - 1)
            .Select(i => $"{Outputs(i)} = {SourceWriter.Number(head.Layers[i].Outputs)}")) + ";");
    }

    /// <summary>The MLP's per-row activations and gradient scratch, and the final-state features of a bidirectional top layer.</summary>
    public static void WriteFields(SourceWriter w, ModelLayout layout)
    {
        var head = layout.Spec.Head!;
        for (int i = 0; i < head.Layers.Count - 1; i++)
        {
            w.Line($"private readonly float[] {Hidden(i)} = new float[(LogitRows + 1) * {Outputs(i)}];");
            w.Line($"private readonly float[] _gradHead{SourceWriter.Number(i)} = new float[{Outputs(i)}];");
        }
        if (layout.HeadReadsFinalState)
        {
            w.Line("// The top layer's final states [forward after the last step, reverse after t = 0], which the head reads, and their gradient.");
            w.Line($"private readonly float[] _finalFeatures = new float[{layout.Top.WidthConstant}];");
            w.Line($"private readonly float[] _gradFinalFeatures = new float[{layout.Top.WidthConstant}];");
        }
    }

    public static void Emit(SourceWriter w, ModelLayout layout)
    {
        if (IsMlp(layout)) EmitMlp(w, layout);
        else EmitSingle(w, layout);
        EmitActivationBackward(w, layout.Spec.Head!.Last.Activation);
    }

    private static void EmitSingle(SourceWriter w, ModelLayout layout)
    {
        var head = layout.Spec.Head!;
        var dense = layout.Table.Dense[0];
        string weight = dense.Weight.Key;
        string? bias = dense.Bias?.Key;
        string features = layout.Top.WidthConstant;

        w.Wrapped("private void HeadForward", [$"{ReadOnlySpan} features", $"{Span} logits", $"{Span} output"]);
        w.Open();
        w.Line($"{ReadOnlySpan} p = _parameters.AsSpan(_origin);");
        w.Line(bias is null ? "logits.Clear();" : $"p.Slice({bias}, OutputSize).CopyTo(logits);");
        w.Line($"{MatrixOps}.GemvAdd(p.Slice({weight}, OutputSize * {features}), features, logits);");
        w.Line(Activate(head.Last.Activation, "logits", "output"));
        w.Close();
        w.Line();

        w.Wrapped("private void HeadBackward", [$"{ReadOnlySpan} features", $"{ReadOnlySpan} dLogits", $"{Span} dFeatures"]);
        w.Open();
        WriteDenseBackward(w, weight, bias, "OutputSize", features, "features", "dLogits");
        w.Line($"{MatrixOps}.GemvTransposedAdd(_parameters.AsSpan(_origin + {weight}, OutputSize * {features}), dLogits, dFeatures);");
        w.Close();
        w.Line();
    }

    private static void EmitMlp(SourceWriter w, ModelLayout layout)
    {
        var head = layout.Spec.Head!;
        var tensors = layout.Table.Dense;
        int last = head.Layers.Count - 1;
        string Width(int i) => i == last ? "OutputSize" : Outputs(i);
        string Input(int i) => i == 0 ? layout.Top.WidthConstant : Outputs(i - 1);

        w.Line($"// The head, {string.Join(" → ", head.Layers.Select(d => d.Activation == Activation.Linear ? $"Dense({d.Outputs})" : $"Dense({d.Outputs}, {d.Activation})"))}:");
        w.Line("// each hidden layer's activations go to slot row of its record (Step's scratch slot by default), for HeadBackward.");
        w.Wrapped("private void HeadForward", [$"{ReadOnlySpan} features", $"{Span} logits", $"{Span} output", "int row = LogitRows"]);
        w.Open();
        w.Line($"{ReadOnlySpan} p = _parameters.AsSpan(_origin);");
        string x = "features";
        for (int i = 0; i < last; i++)
        {
            var d = head.Layers[i];
            string a = "a" + SourceWriter.Number(i);
            w.Line($"// a{i} = {d.Activation}(W{i} {(i == 0 ? "f" : $"a{i - 1}")}{(d.Bias ? $" + b{i}" : "")})");
            w.Line($"{Span} {a} = {Hidden(i)}.AsSpan(row * {Outputs(i)}, {Outputs(i)});");
            w.Line(tensors[i].Bias is { } b ? $"p.Slice({b.Key}, {Outputs(i)}).CopyTo({a});" : $"{a}.Clear();");
            w.Line($"{MatrixOps}.GemvAdd(p.Slice({tensors[i].Weight.Key}, {Outputs(i)} * {Input(i)}), {x}, {a});");
            if (d.Activation != Activation.Linear) w.Line(Activate(d.Activation, a, a));
            x = a;
        }
        w.Line($"// logits = W{last} a{last - 1}{(head.Last.Bias ? $" + b{last}" : "")}, output = {head.Last.Activation}(logits)");
        w.Line(tensors[last].Bias is { } lastBias ? $"p.Slice({lastBias.Key}, OutputSize).CopyTo(logits);" : "logits.Clear();");
        w.Line($"{MatrixOps}.GemvAdd(p.Slice({tensors[last].Weight.Key}, OutputSize * {Input(last)}), {x}, logits);");
        w.Line(Activate(head.Last.Activation, "logits", "output"));
        w.Close();
        w.Line();

        w.Line("// From the last layer down: dW += dz ⊗ x, db += dz, then dz of the layer below = act'(a) ⊙ (Wᵀ dz); df += W0ᵀ dz0.");
        w.Wrapped("private void HeadBackward", [$"{ReadOnlySpan} features", $"{ReadOnlySpan} dLogits", $"{Span} dFeatures", "int row"]);
        w.Open();
        for (int i = 0; i < last; i++)
            w.Line($"{ReadOnlySpan} a{i} = {Hidden(i)}.AsSpan(row * {Outputs(i)}, {Outputs(i)});");
        string dz = "dLogits";
        for (int i = last; i > 0; i--)
        {
            w.Line($"// Layer {i}");
            WriteDenseBackward(w, tensors[i].Weight.Key, tensors[i].Bias?.Key, Width(i), Input(i), $"a{i - 1}", dz);
            string below = $"dz{i - 1}";
            w.Line($"{Span} {below} = _gradHead{SourceWriter.Number(i - 1)};");
            w.Line($"{below}.Clear();");
            w.Line($"{MatrixOps}.GemvTransposedAdd(_parameters.AsSpan(_origin + {tensors[i].Weight.Key}, {Width(i)} * {Input(i)}), {dz}, {below});");
            WriteHiddenActivationBackward(w, head.Layers[i - 1].Activation, $"a{i - 1}", below, Outputs(i - 1));
            dz = below;
        }
        w.Line("// Layer 0");
        WriteDenseBackward(w, tensors[0].Weight.Key, tensors[0].Bias?.Key, Width(0), Input(0), "features", dz);
        w.Line($"{MatrixOps}.GemvTransposedAdd(_parameters.AsSpan(_origin + {tensors[0].Weight.Key}, {Width(0)} * {Input(0)}), {dz}, dFeatures);");
        w.Close();
        w.Line();
    }

    /// <summary>dW += dz ⊗ x and db += dz for one dense layer.</summary>
    private static void WriteDenseBackward(SourceWriter w, string weight, string? bias, string outputs, string inputs, string x, string dz)
    {
        w.Line($"{MatrixOps}.OuterAdd(_gradients.AsSpan({weight}, {outputs} * {inputs}), {dz}, {x});");
        if (bias is not null)
            w.Wrapped($"{TensorPrimitives}.Add", [$"_gradients.AsSpan({bias}, {outputs})", dz, $"_gradients.AsSpan({bias}, {outputs})"], ";");
    }

    /// <summary>dz = act'(a) ⊙ da in place, from the layer's outputs a (Softmax is last-only, so never here).</summary>
    private static void WriteHiddenActivationBackward(SourceWriter w, Activation activation, string a, string dz, string width)
    {
        switch (activation)
        {
            case Activation.Relu:
                w.Line($"for (int j = 0; j < {width}; j++) if ({a}[j] <= 0f) {dz}[j] = 0f;");
                break;
            case Activation.Tanh:
                w.Line($"for (int j = 0; j < {width}; j++) {dz}[j] *= 1f - {a}[j] * {a}[j];");
                break;
            case Activation.Sigmoid:
                w.Line($"for (int j = 0; j < {width}; j++) {dz}[j] *= {a}[j] * (1f - {a}[j]);");
                break;
        }
    }

    private static string Activate(Activation activation, string x, string y) => activation switch
    {
        Activation.Sigmoid => $"{TensorPrimitives}.Sigmoid({x}, {y});",
        Activation.Softmax => $"{TensorPrimitives}.SoftMax({x}, {y});",
        Activation.Tanh => $"{TensorPrimitives}.Tanh({x}, {y});",
        Activation.Relu => $"{TensorPrimitives}.Max({x}, 0f, {y});",
        _ => $"{x}.CopyTo({y});",
    };

    private static void EmitActivationBackward(SourceWriter w, Activation activation)
    {
        if (activation == Activation.Linear) return;
        w.Line($"// dL/dlogits from dL/doutputs y = {activation}(logits).");
        w.Wrapped("private static void HeadActivationBackward", [$"{ReadOnlySpan} y", $"{ReadOnlySpan} dy", $"{Span} dLogits"]);
        w.Open();
        switch (activation)
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
