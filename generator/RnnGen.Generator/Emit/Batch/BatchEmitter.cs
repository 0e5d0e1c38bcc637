using RnnGen.Generator.Contract;
using static RnnGen.Generator.Emit.Globals;

namespace RnnGen.Generator.Emit.Batch;

/// <summary>
/// Emits the nested <c>Batch</c> class of a model: many entities through one weight set. The slots, argument checks,
/// threads and the per-entity path live in the runtime's <c>RecurrentBatch</c>; this writes the model's public batch
/// API, the hooks the per-entity path needs (a worker model sharing the weights) and, when every cell has a lanes
/// body, the lanes path (<see cref="LaneStrategy"/>).
/// </summary>
internal static class BatchEmitter
{
    public const string Base = "global::RnnGen.Batching.RecurrentBatch";

    public static void Emit(SourceWriter w, ModelLayout layout)
    {
        var spec = layout.Spec;
        string t = spec.TypeName;
        bool tokens = spec.Embedding is not null;
        bool lanes = LaneStrategy.Supports(layout);
        string face = (tokens, spec.CanStep) switch
        {
            (false, true) => "global::RnnGen.Batching.IStepBatch",
            (false, false) => "global::RnnGen.Batching.ISequenceBatch",
            (true, true) => "global::RnnGen.Batching.ITokenStepBatch",
            (true, false) => "global::RnnGen.Batching.ITokenSequenceBatch",
        };
        w.Line("/// <summary>");
        w.Line($"/// Many independent {t} entities (agents, sensor streams) through one weight set: up to a fixed capacity of states,");
        w.Line("/// stepped, run over sequences and trained together; see <see cref=\"global::RnnGen.Batching.RecurrentBatch\"/> and docs/batching.md.");
        w.Line(lanes
            ? "/// With AVX-512 its calls run 16 entities per vector (register-blocked matrix–matrix products); elsewhere entity by entity."
            : LaneStrategy.CellsSupported(layout)
                ? "/// Its head (an MLP, or over the final state) has no lanes body yet, so its calls run entity by entity through the model's own Step, Forward and Backward."
                : "/// Its cells have no lanes body yet, so its calls run entity by entity through the model's own Step, Forward and Backward.");
        w.Line("/// </summary>");
        w.Open($"public sealed class Batch : {Base}, {face}");
        w.Line($"private readonly {t} _model;");
        w.Line();
        w.Line($"/// <summary>A batch of up to <paramref name=\"capacity\"/> (1 to MaxCapacity) entities with weights of its own: those of a new <see cref=\"{t}\"/>.</summary>");
        w.Line($"public Batch(int capacity) : this(new {t}(), capacity) {{ }}");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// A batch of up to <paramref name=\"capacity\"/> (1 to MaxCapacity) entities that shares <paramref name=\"model\"/>'s parameters");
        w.Line("/// without copying them: weights loaded into either are the other's too. Gradients are the batch's own.");
        w.Line("/// </summary>");
        string vocabulary = tokens ? $"{t}.VocabularySize" : "0";
        string hasLanes = lanes ? $"{KernelSelection}.Avx512" : "false";
        w.Line($"public Batch({t} model, int capacity)");
        w.Line($"    : base(capacity, new global::RnnGen.Batching.BatchShape({t}.InputSize, {t}.OutputSize, {t}.SequenceLength, {t}.StateSize, {vocabulary}, "
            + $"{(layout.OutputsEveryStep ? "true" : "false")}, {(spec.CanStep ? "true" : "false")}, {hasLanes}), {t}.ParameterCount)");
        w.Open();
        w.Line("global::System.ArgumentNullException.ThrowIfNull(model);");
        w.Line("_model = model;");
        w.Line("Initialize();");
        w.Close();
        w.Line();
        w.Line("/// <summary>The model whose parameters this batch uses.</summary>");
        w.Line($"public {t} Model => _model;");
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Line($"public override {Span} Parameters => _model._parameters.AsSpan(_model._origin, {t}.ParameterCount);");
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Line("public override global::System.Collections.Generic.IReadOnlyList<global::RnnGen.ParameterTensor> ParameterTensors => s_parameterTensors;");
        w.Line();
        WritePublicCalls(w, spec.CanStep, tokens);
        w.Line("/// <inheritdoc />");
        w.Line($"protected override global::RnnGen.IRecurrentModel CreateWorker(float[] gradients) => new {t}(_model._parameters, _model._origin, gradients);");
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Line($"protected override int EmbeddingOffset => {(layout.Table.Embedding is { } e ? e.Key : "-1")};");
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Line(spec.Head is { Last.Activation: not Activation.Linear }
            ? $"protected override void HeadActivationBackward({ReadOnlySpan} y, {ReadOnlySpan} dy, {Span} dLogits) => {t}.HeadActivationBackward(y, dy, dLogits);"
            : $"protected override void HeadActivationBackward({ReadOnlySpan} y, {ReadOnlySpan} dy, {Span} dLogits) => dy.CopyTo(dLogits);");
        w.Line();
        if (lanes) LaneStrategy.Emit(w, layout);
        w.TrimTrailingBlankLine();
        w.Close();
        w.Line();
    }

    private static void WritePublicCalls(SourceWriter w, bool canStep, bool tokens)
    {
        string input = tokens ? "global::System.ReadOnlySpan<int> tokens" : $"{ReadOnlySpan} inputs";
        string inputs = tokens ? "default, tokens, true" : "inputs, default, false";
        if (canStep)
        {
            w.Line("/// <inheritdoc />");
            w.Line($"public void Step({input}, {Span} outputs) => StepCore(default, false, {inputs}, outputs);");
            w.Line();
            w.Line("/// <inheritdoc />");
            w.Line($"public void Step(global::System.ReadOnlySpan<int> slots, {input}, {Span} outputs) => StepCore(slots, true, {inputs}, outputs);");
            w.Line();
        }
        w.Line("/// <inheritdoc />");
        w.Line(tokens
            ? $"public void Forward(global::System.ReadOnlySpan<int> tokens, {Span} outputs) => ForwardCore(default, tokens, true, outputs);"
            : $"public void Forward({ReadOnlySpan} sequences, {Span} outputs) => ForwardCore(sequences, default, false, outputs);");
        w.Line();
    }
}
