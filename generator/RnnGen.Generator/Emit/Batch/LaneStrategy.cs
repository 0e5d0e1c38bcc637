using RnnGen.Generator.Contract;
using RnnGen.Generator.Emit.Cells;
using RnnGen.Generator.Model;
using static RnnGen.Generator.Emit.Globals;

namespace RnnGen.Generator.Emit.Batch;

/// <summary>
/// The lanes strategy of a batch: entities in the lanes of 512-bit vectors, 16 to a block, ≤ 4 blocks to a group.
/// A cell's step is a product phase (<c>BatchKernels.Products</c>: the pre-activations of 16 hidden units of every gate
/// the cell's body asks for, for the group, register-blocked 4 weight rows × 4 blocks so each weight load serves 64
/// entities) and then the cell's own vector pass (<see cref="IVectorCell.Passes"/>) per (unit, block), rendered by
/// <see cref="LaneBlockWriter"/>. Backward keeps each step's gate gradients and forms the weight gradients at the end as
/// matrix–matrix products over the whole batch and all steps (<c>BatchKernels.OuterAccumulate</c>).
/// </summary>
internal static class LaneStrategy
{
    private const string K = "global::RnnGen.Kernels.BatchKernels";
    private const string Start = "global::RnnGen.Kernels.BatchKernels.Start";

    /// <summary>Whether the lanes path covers the model: its cells and its head (else the batch runs per entity).</summary>
    public static bool Supports(ModelLayout layout) => HeadSupported(layout.Spec.Head) && CellsSupported(layout);

    /// <summary>Whether every cell has a lanes forward and backward body.</summary>
    public static bool CellsSupported(ModelLayout layout) => layout.Cells.All(c =>
        c is IVectorCell { Passes.Count: 1 } vector and ILaneCell { HasLaneBackward: true } lane
        && lane.InputGradientSources.Count <= 2 && lane.HiddenGradientSources.Count <= 2
        && LaneProbe.Sets(vector).Count > 0);

    /// <summary>
    /// The lanes head is one dense layer over the last step or every step; an MLP head and a head over the final state
    /// (<c>Steps.Final</c>) run the per-entity path, whose model has them.
    /// </summary>
    private static bool HeadSupported(HeadSpec? head) => head is null || (head.Layers.Count == 1 && head.Over != Steps.Final);

    /// <summary><c>a + b</c>, without a zero term (emitted code is read).</summary>
    private static string Plus(string a, string b) => a == "0" ? b : b == "0" ? a : $"{a} + {b}";

    private static string Ref(string array) => $"ref {MemoryMarshal}.GetArrayDataReference({array})";
    private static string Add(string origin, string offset) => $"ref {Unsafe}.Add(ref {origin}, {offset})";

    public static void Emit(SourceWriter w, ModelLayout layout)
    {
        var spec = layout.Spec;
        string t = spec.TypeName;
        int maxSets = layout.Cells.Max(c => LaneProbe.Sets((IVectorCell)c).Count);
        w.Line("// ---- The lanes path (AVX-512): 16 entities per vector, ≤ 4 blocks per group; docs/batching.md. ----");
        w.Line("private const int ChunkUnits = 16, GroupBlocks = 4;");
        w.Line("// One part's scratch, in floats: layer 0's inputs, the pre-activations of one chunk of units, the next h, the logits,");
        w.Line("// and Backward's carried gradients, each for one group.");
        w.Line("private const int InputScratch = 0;");
        w.Line($"private const int PreActivationScratch = InputScratch + GroupBlocks * {t}.InputSize * Lanes;");
        w.Line($"private const int NextScratch = PreActivationScratch + {SourceWriter.Number(maxSets)} * ChunkUnits * GroupBlocks * Lanes;");
        w.Line("private const int LogitScratch = NextScratch + GroupBlocks * MaxOutput * Lanes;");
        w.Line($"private const int HiddenCarryScratch = LogitScratch + GroupBlocks * {t}.OutputSize * Lanes;");
        w.Line("private const int CellCarryScratch = HiddenCarryScratch + GroupBlocks * MaxOutput * Lanes;");
        w.Line("private const int ScratchFloats = CellCarryScratch + GroupBlocks * MaxHidden * Lanes;");
        w.Line();
        var buffers = Buffers(layout);
        w.Line("// Forward's records and Backward's gradients in lanes, allocated for the largest batch Forward has seen (LaneBuffer layout:");
        w.Line("// per block of 16 entities, slots of vectors; see AllocateLaneRecords).");
        foreach (var buffer in buffers)
            w.Line($"private float[] {buffer.Field} = global::System.Array.Empty<float>();");
        w.Line("// Transposed weights for Backward's products (dh = W_hhᵀ dgh, dx = W_ihᵀ dgi, df = W_headᵀ dlogits), refreshed by every Backward.");
        foreach (var cell in layout.Cells)
        {
            var l = cell.Direction.Layer;
            w.Line($"private readonly float[] _transposedIh{cell.Direction.Id} = new float[{l.GatesConstant} * {l.InputConstant}];");
            w.Line($"private readonly float[] _transposedHh{cell.Direction.Id} = new float[{l.GatesConstant} * {l.OutputConstant}];");
        }
        if (spec.Head is not null)
            w.Line($"private readonly float[] _transposedHead = new float[{t}.OutputSize * {layout.Top.WidthConstant}];");
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Line("protected override int ScratchLength => ScratchFloats;");
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Open("protected override long LaneRecordFloats(int blocks)");
        w.Line("long largest = 0;");
        foreach (var buffer in buffers)
            w.Line($"largest = global::System.Math.Max(largest, {buffer.Floats});");
        w.Line("return largest;");
        w.Close();
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Open("protected override void AllocateLaneRecords(int blocks)");
        foreach (var buffer in buffers)
            w.Line($"{buffer.Field} = new float[{buffer.Floats}];");
        w.Close();
        w.Line();
        WriteStep(w, layout);
        WriteForward(w, layout);
        WriteBackward(w, layout);
        if (spec.Head is not null) WriteHead(w, layout);
        foreach (var cell in layout.Cells)
        {
            WriteCell(w, layout, cell);
            WriteDirectionForward(w, layout, cell);
            WriteDirectionBackward(w, layout, cell);
            WriteDirectionWeightGradients(w, layout, cell);
        }
    }

    private static List<LaneBuffer> Buffers(ModelLayout layout)
    {
        string t = layout.Spec.TypeName;
        var list = new List<LaneBuffer> { LaneBuffer.Input(t), LaneBuffer.GradInput(t) };
        foreach (var layer in layout.Layers)
        {
            list.Add(LaneBuffer.Output(t, layer));
            list.Add(LaneBuffer.GradOutput(t, layer));
            foreach (var d in layer.Directions)
            {
                list.AddRange(d.Cell.Records.Select(r => LaneBuffer.Record(t, d.Cell, r)));
                list.AddRange(((ILaneCell)d.Cell).LaneGradients.Select(g => LaneBuffer.Gradient(t, d.Cell, g)));
            }
        }
        if (layout.Spec.Head is not null) list.Add(LaneBuffer.GradLogits(t));
        return list;
    }

    /// <summary>The opening of a group loop: n blocks from block <c>first</c>, <c>count</c> entities from row <c>e0</c>.</summary>
    private static void OpenGroups(SourceWriter w)
    {
        w.Open("for (int group = 0; group < blocks; group += GroupBlocks)");
        w.Line("int n = global::System.Math.Min(GroupBlocks, blocks - group), first = firstBlock + group, e0 = first * Lanes;");
        w.Line("int count = global::System.Math.Min(entities - group * Lanes, n * Lanes);");
    }

    // ---- Step ---------------------------------------------------------------------------------------------------

    private static void WriteStep(SourceWriter w, ModelLayout layout)
    {
        var spec = layout.Spec;
        if (!spec.CanStep) return;
        string t = spec.TypeName;
        w.Line("/// <inheritdoc />");
        w.Open("protected override void LaneStep(float[] lanes, int firstBlock, int blocks, int entities, float[] scratch)");
        w.Line($"ref float s = {Ref("scratch")};");
        OpenGroups(w);
        w.Line($"ref float state = {Add($"{MemoryMarshal}.GetArrayDataReference(lanes)", $"first * {t}.StateSize * Lanes")};");
        WriteInputLanes(w, layout, "StepInputs.AsSpan(e0 * {0}.InputSize)", "StepTokens.AsSpan(e0)", "1", $"{t}.InputSize", "scratch.AsSpan(InputScratch)", $"{t}.InputSize * Lanes");
        string x = Add("s", "InputScratch"), xBlock = $"{t}.InputSize";
        foreach (var layer in layout.Layers)
        {
            var cell = layer.Directions[0].Cell;
            var d = cell.Direction;
            w.Line($"// Layer {layer.Index}: h' to the scratch (the products still read h), then into the state.");
            var arguments = new List<string> { x, xBlock, Add("state", $"{d.StateH} * Lanes"), $"{t}.StateSize" };
            if (cell.CellState is { } c) arguments.AddRange([Add("state", $"{c.StateOffset} * Lanes"), $"{t}.StateSize"]);
            arguments.AddRange([Add("s", "NextScratch"), layer.OutputConstant]);
            if (cell.CellState is { } c2) arguments.AddRange([Add("state", $"{c2.StateOffset} * Lanes"), $"{t}.StateSize"]);
            arguments.Add("records: false");
            foreach (var _ in cell.Records.Where(r => r != cell.CellState?.Record)) arguments.AddRange(["ref s", "0"]);
            arguments.AddRange(["n", "ref s"]);
            w.Wrapped($"LaneCell{d.Id}", arguments, ";");
            w.Line("for (int blk = 0; blk < n; blk++)");
            w.Line($"    scratch.AsSpan(NextScratch + blk * {layer.OutputConstant} * Lanes, {layer.OutputConstant} * Lanes).CopyTo(lanes.AsSpan(((first + blk) * {t}.StateSize + {d.StateH}) * Lanes));");
            x = Add("state", $"{d.StateH} * Lanes");
            xBlock = $"{t}.StateSize";
        }
        var top = layout.Top.Directions[0];
        if (spec.Head is { } head)
        {
            w.Line($"LaneHead({x}, {xBlock}, n, ref s);");
            w.Line($"{K}.LanesToRows(scratch.AsSpan(LogitScratch), {t}.OutputSize * Lanes, count, {t}.OutputSize, StepOutputs.AsSpan(e0 * {t}.OutputSize), {t}.OutputSize);");
            if (head.Last.Activation != Activation.Linear)
            {
                w.Open("for (int e = 0; e < count; e++)");
                w.Line($"{Span} row = StepOutputs.AsSpan((e0 + e) * {t}.OutputSize, {t}.OutputSize);");
                w.Line(Activate(head.Last.Activation, "row", "row"));
                w.Close();
            }
        }
        else
        {
            w.Line($"{K}.LanesToRows(lanes.AsSpan((first * {t}.StateSize + {top.StateH}) * Lanes), {t}.StateSize * Lanes, count, {t}.OutputSize, StepOutputs.AsSpan(e0 * {t}.OutputSize), {t}.OutputSize);");
        }
        w.Close();
        w.Close();
        w.Line();
    }

    /// <summary>Layer 0's input rows (or tokens' embedding rows) of the group to lanes.</summary>
    private static void WriteInputLanes(SourceWriter w, ModelLayout layout, string rows, string tokens, string tokenStride, string rowStride, string lanes, string laneBlock)
    {
        string t = layout.Spec.TypeName;
        if (layout.Table.Embedding is { } embedding)
            w.Line($"{K}.TokensToLanes({tokens}, {tokenStride}, count, _model._parameters.AsSpan(_model._origin + {embedding.Key}, {t}.VocabularySize * {t}.InputSize), {t}.InputSize, n, {lanes}, {laneBlock});");
        else
            w.Line($"{K}.RowsToLanes({string.Format(System.Globalization.CultureInfo.InvariantCulture, rows, t)}, {rowStride}, count, {t}.InputSize, n, {lanes}, {laneBlock});");
    }

    private static string Activate(Activation activation, string logits, string output) => activation switch
    {
        Activation.Sigmoid => $"{TensorPrimitives}.Sigmoid({logits}, {output});",
        Activation.Softmax => $"{TensorPrimitives}.SoftMax({logits}, {output});",
        Activation.Tanh => $"{TensorPrimitives}.Tanh({logits}, {output});",
        Activation.Relu => $"{TensorPrimitives}.Max({logits}, 0f, {output});",
        _ => $"{logits}.CopyTo({output});",
    };

    // ---- Forward ------------------------------------------------------------------------------------------------

    private static void WriteForward(SourceWriter w, ModelLayout layout)
    {
        var spec = layout.Spec;
        string t = spec.TypeName;
        var input = LaneBuffer.Input(t);
        w.Line("/// <inheritdoc />");
        w.Open("protected override void LaneForward(int firstBlock, int blocks, int entities, int steps, float[] scratch)");
        w.Line($"ref float s = {Ref("scratch")};");
        OpenGroups(w);
        w.Line("// Inputs to lanes, step by step");
        w.Open("for (int t = 0; t < steps; t++)");
        WriteInputLanes(w, layout, "SequenceInputs.AsSpan((e0 * {0}.SequenceLength + t) * {0}.InputSize)", $"SequenceTokens.AsSpan(e0 * {t}.SequenceLength + t)",
            $"{t}.SequenceLength", $"{t}.SequenceLength * {t}.InputSize", From(input, "first", "t"), $"{input.BlockVectors} * Lanes");
        w.Close();
        w.Line("// Each direction's initial h (and c) into the slot its first step reads as the previous one");
        w.Open("for (int blk = 0; blk < n; blk++)");
        foreach (var cell in layout.Cells)
        {
            var d = cell.Direction;
            var output = LaneBuffer.Output(t, d.Layer);
            string slot = d.Reverse ? "steps + 1" : "0", half = d.Reverse ? d.Layer.OutputConstant : "0";
            w.Line($"InitialLanes.AsSpan(((first + blk) * {t}.StateSize + {d.StateH}) * Lanes, {d.Layer.OutputConstant} * Lanes).CopyTo({From(output, "first + blk", slot, half)});");
            if (cell.CellState is { } c)
                w.Line($"InitialLanes.AsSpan(((first + blk) * {t}.StateSize + {c.StateOffset}) * Lanes, {c.Length} * Lanes).CopyTo({From(LaneBuffer.Record(t, cell, c.Record), "first + blk", slot)});");
        }
        w.Close();
        foreach (var cell in layout.Cells)
            w.Line($"LaneForward{cell.Direction.Id}(first, n, steps, ref s);");
        w.Line("// Final states back to the slots");
        w.Open("for (int blk = 0; blk < n; blk++)");
        foreach (var cell in layout.Cells)
        {
            var d = cell.Direction;
            var output = LaneBuffer.Output(t, d.Layer);
            string slot = d.Reverse ? "1" : "steps", half = d.Reverse ? d.Layer.OutputConstant : "0";
            w.Line($"{From(output, "first + blk", slot, half)}.Slice(0, {d.Layer.OutputConstant} * Lanes).CopyTo(StateLanes.AsSpan(((first + blk) * {t}.StateSize + {d.StateH}) * Lanes));");
            if (cell.CellState is { } c)
                w.Line($"{From(LaneBuffer.Record(t, cell, c.Record), "first + blk", slot)}.Slice(0, {c.Length} * Lanes).CopyTo(StateLanes.AsSpan(((first + blk) * {t}.StateSize + {c.StateOffset}) * Lanes));");
        }
        w.Close();
        var top = LaneBuffer.Output(t, layout.Top);
        if (spec.Head is { } head)
        {
            if (head.EveryStep) w.Open("for (int t = 0; t < steps; t++)");
            else w.Open();
            string slot = head.EveryStep ? "t + 1" : "steps", row = head.EveryStep ? "t" : "0";
            w.Line($"LaneHead({top.At("first", slot)}, {top.BlockVectors}, n, ref s);");
            w.Line($"{K}.LanesToRows(scratch.AsSpan(LogitScratch), {t}.OutputSize * Lanes, count, {t}.OutputSize, LogitRows.AsSpan((e0 * {t}.SequenceLength + {row}) * {t}.OutputSize), {t}.SequenceLength * {t}.OutputSize);");
            w.Open("for (int e = 0; e < count; e++)");
            w.Line($"int at = ((e0 + e) * {t}.SequenceLength + {row}) * {t}.OutputSize;");
            w.Line(Activate(head.Last.Activation, $"LogitRows.AsSpan(at, {t}.OutputSize)", $"OutputRows.AsSpan(at, {t}.OutputSize)"));
            w.Close();
            w.Close();
        }
        else
        {
            w.Open("for (int t = 0; t < steps; t++)");
            w.Line($"{K}.LanesToRows({From(top, "first", "t + 1")}, {top.BlockVectors} * Lanes, count, {t}.OutputSize, OutputRows.AsSpan((e0 * {t}.SequenceLength + t) * {t}.OutputSize), {t}.SequenceLength * {t}.OutputSize);");
            w.Line($"{K}.LanesToRows({From(top, "first", "t + 1")}, {top.BlockVectors} * Lanes, count, {t}.OutputSize, LogitRows.AsSpan((e0 * {t}.SequenceLength + t) * {t}.OutputSize), {t}.SequenceLength * {t}.OutputSize);");
            w.Close();
        }
        w.Close();
        w.Close();
        w.Line();
    }

    private static string From(LaneBuffer buffer, string block, string slot, string offset = "0") => buffer.From(block, slot, offset);

    /// <summary><c>LaneForward{Id}</c>: the direction's cell over the steps of one group, in its time order, with records.</summary>
    private static void WriteDirectionForward(SourceWriter w, ModelLayout layout, CellEmitter cell)
    {
        string t = layout.Spec.TypeName;
        var d = cell.Direction;
        var layer = d.Layer;
        var output = LaneBuffer.Output(t, layer);
        string half = d.Reverse ? layer.OutputConstant : "0";
        w.Line($"// Layer {layer.Index}, {(d.Reverse ? "reverse direction: t = steps-1 … 0" : "forward direction: t = 0 … steps-1")}, one group, records kept.");
        w.Open($"private void LaneForward{d.Id}(int first, int blocks, int steps, ref float scratch)");
        w.Open("for (int s = 0; s < steps; s++)");
        w.Line(d.Reverse ? "int t = steps - 1 - s, previous = t + 2;" : "int t = s, previous = t;");
        var arguments = new List<string>();
        if (layer.Below is { } below)
        {
            var x = LaneBuffer.Output(t, below);
            arguments.AddRange([x.At("first", "t + 1"), x.BlockVectors]);
        }
        else
        {
            var x = LaneBuffer.Input(t);
            arguments.AddRange([x.At("first", "t"), x.BlockVectors]);
        }
        arguments.AddRange([output.At("first", "previous", half), output.BlockVectors]);
        LaneBuffer? carried = cell.CellState is { } c ? LaneBuffer.Record(t, cell, c.Record) : null;
        if (carried is not null) arguments.AddRange([carried.At("first", "previous"), carried.BlockVectors]);
        arguments.AddRange([output.At("first", "t + 1", half), output.BlockVectors]);
        if (carried is not null) arguments.AddRange([carried.At("first", "t + 1"), carried.BlockVectors]);
        arguments.Add("records: true");
        foreach (var record in cell.Records.Where(r => r != cell.CellState?.Record))
        {
            var buffer = LaneBuffer.Record(t, cell, record);
            arguments.AddRange([buffer.At("first", "t"), buffer.BlockVectors]);
        }
        arguments.AddRange(["blocks", "ref scratch"]);
        w.Wrapped($"LaneCell{d.Id}", arguments, ";");
        w.Close();
        w.Close();
        w.Line();
    }

    // ---- One step of a cell -------------------------------------------------------------------------------------

    /// <summary>
    /// <c>LaneCell{Id}</c>: one step of one group, keeping the records for Backward when <c>records</c> (Forward; Step
    /// passes false and any array). Every lane array comes with its block stride in vectors.
    /// </summary>
    private static void WriteCell(SourceWriter w, ModelLayout layout, CellEmitter cell)
    {
        var d = cell.Direction;
        var layer = d.Layer;
        var sets = LaneProbe.Sets((IVectorCell)cell);
        var parameters = new List<string> { "ref float xLanes", "int xBlock", "ref float hPrevLanes", "int hPrevBlock" };
        var carried = cell.CellState;
        if (carried is not null) parameters.AddRange([$"ref float {carried.Previous}Lanes", $"int {carried.Previous}Block"]);
        parameters.AddRange(["ref float hNextLanes", "int hNextBlock"]);
        if (carried is not null) parameters.AddRange([$"ref float {carried.Name}NextLanes", $"int {carried.Name}NextBlock"]);
        parameters.Add("bool records");
        foreach (var record in cell.Records.Where(r => r != carried?.Record))
            parameters.AddRange([$"ref float {record.Argument}Lanes", $"int {record.Argument}Block"]);
        parameters.AddRange(["int blocks", "ref float scratch"]);

        w.Line($"// Layer {layer.Index}{(d.Reverse ? ", reverse direction" : "")}: one step of one group in lanes (records kept for Backward when records). The");
        w.Line("// pre-activations of ChunkUnits hidden units at a time come from register-blocked products over the group; the cell's update");
        w.Line("// runs per unit and block.");
        w.Line(Globals.CellMethodImpl);
        w.Wrapped($"private void LaneCell{d.Id}", parameters);
        w.Open();
        w.Line($"const int I = {layer.InputConstant}, H = {layer.HiddenConstant}, P = {layer.OutputConstant};");
        w.Line($"ref float p = {Add($"{MemoryMarshal}.GetArrayDataReference(_model._parameters)", "_model._origin")};");
        w.Line($"ref float wIh = {Add("p", d.WeightIh)};");
        w.Line($"ref float wHh = {Add("p", d.WeightHh)};");
        bool bias = d.BiasIh is not null;
        if (bias)
        {
            w.Line($"ref float bIh = {Add("p", d.BiasIh!)};");
            w.Line($"ref float bHh = {Add("p", d.BiasHh!)};");
        }
        w.Line($"ref float preActivations = {Add("scratch", "PreActivationScratch")};");
        w.Line("int sets = ChunkUnits * blocks;");
        w.Open("for (int chunk = 0; chunk < H; chunk += ChunkUnits)");
        w.Line("int units = global::System.Math.Min(ChunkUnits, H - chunk);");
        for (int k = 0; k < sets.Count; k++)
        {
            var (q, products) = sets[k];
            string row = q == 0 ? "chunk" : q == 1 ? "H + chunk" : $"{q} * H + chunk";
            w.Line($"// gate {q}'s rows [{row}, + units): {(products switch { Products.Both => "W_ih x + W_hh h + b_ih + b_hh", Products.InputOnly => "W_ih x + b_ih", _ => "W_hh h + b_hh" })}");
            string input = products == Products.HiddenOnly ? "ref wIh, 0, 0, ref xLanes, 0" : $"{Add("wIh", $"({row}) * I")}, I, I, ref xLanes, xBlock * Lanes";
            string hidden = products == Products.InputOnly ? "ref wHh, 0, 0, ref hPrevLanes, 0" : $"{Add("wHh", $"({row}) * P")}, P, P, ref hPrevLanes, hPrevBlock * Lanes";
            string start = !bias ? $"{Start}.Zero, ref p, ref p" : products switch
            {
                Products.Both => $"{Start}.TwoBiases, {Add("bIh", row)}, {Add("bHh", row)}",
                Products.InputOnly => $"{Start}.Bias, {Add("bIh", row)}, ref p",
                _ => $"{Start}.Bias, {Add("bHh", row)}, ref p",
            };
            w.Wrapped($"{K}.Products", [input, hidden, start, "units, blocks", Add("preActivations", k == 0 ? "0" : $"{k} * sets * Lanes"), "blocks * Lanes, Lanes"], ";");
        }
        w.Open("for (int u = 0; u < units; u++)");
        w.Line("int j = chunk + u;");
        w.Open("for (int blk = 0; blk < blocks; blk++)");
        w.Line("int at = u * blocks + blk;");
        ((IVectorCell)cell).Passes[0].WriteBlock(w, new LaneBlockWriter(sets, layout.Spec.ExactActivations));
        w.Close();
        w.Close();
        w.Close();
        w.Close();
        w.Line();
    }

    // ---- Head ---------------------------------------------------------------------------------------------------

    private static void WriteHead(SourceWriter w, ModelLayout layout)
    {
        string t = layout.Spec.TypeName, width = layout.Top.WidthConstant;
        string? bias = layout.Table.Dense[0].Bias?.Key;
        w.Line("// logits = W f + b for one group of features, into the logit scratch ([block][OutputSize] vectors).");
        w.Open("private void LaneHead(ref float features, int featuresBlock, int blocks, ref float scratch)");
        w.Line($"ref float p = {Add($"{MemoryMarshal}.GetArrayDataReference(_model._parameters)", "_model._origin")};");
        w.Wrapped($"{K}.Products", [
            $"{Add("p", layout.Table.Dense[0].Weight.Key)}, {width}, {width}, ref features, featuresBlock * Lanes",
            "ref p, 0, 0, ref features, 0",
            bias is null ? $"{Start}.Zero, ref p, ref p" : $"{Start}.Bias, {Add("p", bias)}, ref p",
            $"{t}.OutputSize, blocks", Add("scratch", "LogitScratch"), $"Lanes, {t}.OutputSize * Lanes"], ";");
        w.Close();
        w.Line();
        w.Line("// dL/df = W_headᵀ dlogits for one group of one step (the features' gradient, which nothing else has written yet).");
        w.Open("private void LaneHeadBackward(ref float dLogits, int dLogitsBlock, ref float dFeatures, int dFeaturesBlock, int blocks)");
        w.Wrapped($"{K}.Products", [
            $"{Ref("_transposedHead")}, {t}.OutputSize, {t}.OutputSize, ref dLogits, dLogitsBlock * Lanes",
            "ref dLogits, 0, 0, ref dLogits, 0",
            $"{Start}.Zero, ref dLogits, ref dLogits",
            $"{width}, blocks", "ref dFeatures", "Lanes, dFeaturesBlock * Lanes"], ";");
        w.Close();
        w.Line();
    }

    // ---- Backward -----------------------------------------------------------------------------------------------

    private static void WriteBackward(SourceWriter w, ModelLayout layout)
    {
        var spec = layout.Spec;
        string t = spec.TypeName;
        w.Line("/// <inheritdoc />");
        w.Open("protected override void PrepareLaneBackward()");
        w.Line($"{ReadOnlySpan} p = _model._parameters.AsSpan(_model._origin);");
        foreach (var cell in layout.Cells)
        {
            var d = cell.Direction;
            var l = d.Layer;
            w.Line($"{K}.Transpose(p.Slice({d.WeightIh}, {l.GatesConstant} * {l.InputConstant}), {l.GatesConstant}, {l.InputConstant}, _transposedIh{d.Id});");
            w.Line($"{K}.Transpose(p.Slice({d.WeightHh}, {l.GatesConstant} * {l.OutputConstant}), {l.GatesConstant}, {l.OutputConstant}, _transposedHh{d.Id});");
        }
        if (spec.Head is not null)
            w.Line($"{K}.Transpose(p.Slice({layout.Table.Dense[0].Weight.Key}, {t}.OutputSize * {layout.Top.WidthConstant}), {t}.OutputSize, {layout.Top.WidthConstant}, _transposedHead);");
        w.Close();
        w.Line();

        var topGrad = LaneBuffer.GradOutput(t, layout.Top);
        w.Line("/// <inheritdoc />");
        w.Open("protected override void LaneBackward(int firstBlock, int blocks, int entities, int steps, float[] scratch)");
        w.Line($"ref float s = {Ref("scratch")};");
        OpenGroups(w);
        w.Line("// dL/d(top layer's outputs): from the logits' gradients through the head, or the output gradients themselves");
        w.Line($"{topGrad.Field}.AsSpan(first * {topGrad.BlockVectors} * Lanes, n * {topGrad.BlockVectors} * Lanes).Clear();");
        if (spec.Head is { } head)
        {
            var logits = LaneBuffer.GradLogits(t);
            if (head.EveryStep) w.Open("for (int t = 0; t < steps; t++)");
            else w.Open();
            string row = head.EveryStep ? "t" : "0", step = head.EveryStep ? "t" : "steps - 1";
            w.Line($"{K}.RowsToLanes(GradLogitRows.AsSpan((e0 * {t}.SequenceLength + {row}) * {t}.OutputSize), {t}.SequenceLength * {t}.OutputSize, count, {t}.OutputSize, n, {From(logits, "first", row)}, {logits.BlockVectors} * Lanes);");
            w.Line($"LaneHeadBackward({logits.At("first", row)}, {logits.BlockVectors}, {topGrad.At("first", step)}, {topGrad.BlockVectors}, n);");
            w.Close();
        }
        else
        {
            w.Open("for (int t = 0; t < steps; t++)");
            w.Line($"{K}.RowsToLanes(GradLogitRows.AsSpan((e0 * {t}.SequenceLength + t) * {t}.OutputSize), {t}.SequenceLength * {t}.OutputSize, count, {t}.OutputSize, n, {From(topGrad, "first", "t")}, {topGrad.BlockVectors} * Lanes);");
            w.Close();
        }
        var gradInput = LaneBuffer.GradInput(t);
        for (int k = layout.Layers.Count - 1; k >= 0; k--)
        {
            var layer = layout.Layers[k];
            w.Line($"// Layer {layer.Index}, back through time; dx goes to {(layer.Below is null ? "the input gradient (when wanted)" : $"layer {layer.Below.Index}'s output gradient")}");
            string dx;
            if (layer.Below is { } below)
            {
                var target = LaneBuffer.GradOutput(t, below);
                w.Line($"{target.Field}.AsSpan(first * {target.BlockVectors} * Lanes, n * {target.BlockVectors} * Lanes).Clear();");
                dx = "true";
            }
            else
            {
                w.Line($"if (WantsInputGradient) {gradInput.Field}.AsSpan(first * {gradInput.BlockVectors} * Lanes, n * {gradInput.BlockVectors} * Lanes).Clear();");
                dx = "WantsInputGradient";
            }
            foreach (var d in layer.Directions)
                w.Line($"LaneBackward{d.Id}(first, n, count, steps, {dx}, ref s);");
        }
        w.Open("if (WantsInputGradient)");
        w.Open("for (int t = 0; t < steps; t++)");
        w.Line($"{K}.LanesToRows({From(gradInput, "first", "t")}, {gradInput.BlockVectors} * Lanes, count, {t}.InputSize, InputGradientRows.AsSpan((e0 * {t}.SequenceLength + t) * {t}.InputSize), {t}.SequenceLength * {t}.InputSize);");
        w.Close();
        w.Close();
        w.Close();
        w.Close();
        w.Line();

        w.Line("/// <inheritdoc />");
        w.Open("protected override void LaneWeightGradients(int blocks, int steps, int part, int parts)");
        foreach (var cell in layout.Cells)
            w.Line($"LaneWeightGradients{cell.Direction.Id}(blocks, steps, part, parts);");
        if (spec.Head is { } h)
        {
            var logits = LaneBuffer.GradLogits(t);
            var top = LaneBuffer.Output(t, layout.Top);
            string width = layout.Top.WidthConstant;
            w.Line("// Head: dW += Σ dlogits ⊗ f, db += Σ dlogits, over every sequence and scored step");
            w.Line($"ref float grad = {Ref("GradientArray")};");
            w.Line($"int lo = (int)((long){t}.OutputSize * part / parts), hi = (int)((long){t}.OutputSize * (part + 1) / parts);");
            w.Wrapped($"{K}.OuterAccumulate", [
                Add("grad", $"{layout.Table.Dense[0].Weight.Key} + lo * {width}"), width, "hi - lo", width,
                logits.At("0", "0", "lo"), $"{t}.OutputSize * Lanes", $"{logits.BlockVectors} * Lanes",
                top.At("0", h.EveryStep ? "1" : "steps"), $"{width} * Lanes", $"{top.BlockVectors} * Lanes", h.EveryStep ? "steps" : "1", "blocks"], ";");
            if (layout.Table.Dense[0].Bias is { } bias)
                w.Wrapped($"{K}.SumAccumulate", [Add("grad", $"{bias.Key} + lo"), "hi - lo", logits.At("0", "0", "lo"), $"{t}.OutputSize * Lanes", $"{logits.BlockVectors} * Lanes", h.EveryStep ? "steps" : "1", "blocks"], ";");
        }
        w.Close();
        w.Line();
    }

    /// <summary><c>LaneBackward{Id}</c>: one group back through the direction's steps, carrying dh (and dc).</summary>
    private static void WriteDirectionBackward(SourceWriter w, ModelLayout layout, CellEmitter cell)
    {
        string t = layout.Spec.TypeName;
        var d = cell.Direction;
        var layer = d.Layer;
        var lane = (ILaneCell)cell;
        var carried = cell.CellState;
        var output = LaneBuffer.Output(t, layer);
        var gradOutput = LaneBuffer.GradOutput(t, layer);
        string half = d.Reverse ? layer.OutputConstant : "0";

        // The body first, so only what it reads is declared.
        var body = new SourceWriter(w.Indent + 4);
        lane.WriteLaneBackward(body, new LaneBackwardWriter());
        string text = body.ToString();
        bool Uses(string name) => System.Text.RegularExpressions.Regex.IsMatch(text, $@"\b{name}\b");

        w.Line($"// Layer {layer.Index}{(d.Reverse ? ", reverse direction" : "")}, back through time for one group: the cell's gate gradients per unit and block,");
        w.Line("// then dh_carry = [direct term] + W_hhᵀ dgh and dx += W_ihᵀ dgi as register-blocked products.");
        w.Open($"private void LaneBackward{d.Id}(int first, int blocks, int entities, int steps, bool inputGradient, ref float scratch)");
        w.Line($"const int I = {layer.InputConstant}, H = {layer.HiddenConstant}, P = {layer.OutputConstant}, G = {layer.GatesConstant};");
        w.Line("int e0 = first * Lanes;");
        w.Line($"ref float dhCarryLanes = {Add("scratch", "HiddenCarryScratch")};");
        if (carried is not null) w.Line($"ref float {carried.GradientCarry}Lanes = {Add("scratch", "CellCarryScratch")};");
        w.Open("if (FinalStateGradientRows is { } final)");
        w.Line($"{K}.RowsToLanes(final.AsSpan(e0 * {t}.StateSize + {d.StateH}), {t}.StateSize, entities, P, blocks, {MemoryMarshal}.CreateSpan(ref dhCarryLanes, blocks * P * Lanes), P * Lanes);");
        if (carried is not null)
            w.Line($"{K}.RowsToLanes(final.AsSpan(e0 * {t}.StateSize + {carried.StateOffset}), {t}.StateSize, entities, H, blocks, {MemoryMarshal}.CreateSpan(ref {carried.GradientCarry}Lanes, blocks * H * Lanes), H * Lanes);");
        w.Close();
        w.Open("else");
        w.Line($"{MemoryMarshal}.CreateSpan(ref dhCarryLanes, blocks * P * Lanes).Clear();");
        if (carried is not null) w.Line($"{MemoryMarshal}.CreateSpan(ref {carried.GradientCarry}Lanes, blocks * H * Lanes).Clear();");
        w.Close();
        w.Line($"ref float tIh = {Ref($"_transposedIh{d.Id}")};");
        w.Line($"ref float tHh = {Ref($"_transposedHh{d.Id}")};");
        if (Uses("one")) w.Line($"var one = {Vector512}<float>.One;");
        w.Line($"int gradOutputBlock = {gradOutput.BlockVectors};");
        if (Uses("hLanes") || Uses("hPrevLanes")) w.Line($"int hBlock = {output.BlockVectors};");
        var carriedRecord = carried is null ? null : LaneBuffer.Record(t, cell, carried.Record);
        if (carriedRecord is not null) w.Line($"int {carried!.Name}Block = {carriedRecord.BlockVectors};");
        foreach (var record in cell.Records.Where(r => r != carried?.Record && Uses(r.Argument + "Lanes")))
            w.Line($"int {record.Argument}Block = {LaneBuffer.Record(t, cell, record).BlockVectors};");
        foreach (var gradient in lane.LaneGradients)
            w.Line($"int {gradient.Name}Block = {LaneBuffer.Gradient(t, cell, gradient).BlockVectors};");
        w.Open("for (int s = steps - 1; s >= 0; s--)");
        w.Line(d.Reverse ? "int t = steps - 1 - s, previous = t + 2;" : "int t = s, previous = t;");
        w.Line($"ref float gradOutputLanes = {gradOutput.At("first", "t", half)};");
        if (Uses("hLanes")) w.Line($"ref float hLanes = {output.At("first", "t + 1", half)};");
        if (Uses("hPrevLanes")) w.Line($"ref float hPrevLanes = {output.At("first", "previous", half)};");
        if (carriedRecord is not null && Uses(carried!.Previous + "Lanes")) w.Line($"ref float {carried.Previous}Lanes = {carriedRecord.At("first", "previous")};");
        foreach (var record in cell.Records.Where(r => r != carried?.Record && Uses(r.Argument + "Lanes")))
            w.Line($"ref float {record.Argument}Lanes = {LaneBuffer.Record(t, cell, record).At("first", "t")};");
        foreach (var gradient in lane.LaneGradients)
            w.Line($"ref float {gradient.Name}Lanes = {LaneBuffer.Gradient(t, cell, gradient).At("first", "t")};");
        w.Open("for (int j = 0; j < H; j++)");
        w.Open("for (int blk = 0; blk < blocks; blk++)");
        w.Append(text);
        w.Close();
        w.Close();

        string Source(IReadOnlyList<GradientSource> sources, int i, string transposed) =>
            i < sources.Count
                ? $"{(sources[i].WeightRow == "0" ? "ref " + transposed : Add(transposed, sources[i].WeightRow))}, G, {sources[i].Rows}, "
                    + $"{(sources[i].BufferRow == "0" ? $"ref {sources[i].Buffer.Name}Lanes" : Add(sources[i].Buffer.Name + "Lanes", $"({sources[i].BufferRow}) * Lanes"))}, {sources[i].Buffer.Name}Block * Lanes"
                : $"ref {transposed}, 0, 0, ref gradOutputLanes, 0";
        var hidden = lane.HiddenGradientSources;
        w.Line($"// dh_carry = {(lane.HasDirectHiddenGradient ? "(direct term) + " : "")}W_hhᵀ dgh");
        w.Wrapped($"{K}.Products", [Source(hidden, 0, "tHh"), Source(hidden, 1, "tHh"),
            $"{Start}.{(lane.HasDirectHiddenGradient ? "Output" : "Zero")}, ref tHh, ref tHh", "P, blocks", "ref dhCarryLanes", "Lanes, P * Lanes"], ";");
        var input = lane.InputGradientSources;
        var dx = layer.Below is { } below ? LaneBuffer.GradOutput(t, below) : LaneBuffer.GradInput(t);
        w.Line("// dx(t) += W_ihᵀ dgi");
        w.Open("if (inputGradient)");
        w.Wrapped($"{K}.Products", [Source(input, 0, "tIh"), Source(input, 1, "tIh"),
            $"{Start}.Output, ref tIh, ref tIh", "I, blocks", dx.At("first", "t"), $"Lanes, {dx.BlockVectors} * Lanes"], ";");
        w.Close();
        w.Close();
        w.Open("if (InitialStateGradientRows is { } initial)");
        w.Line($"{K}.LanesToRows({MemoryMarshal}.CreateReadOnlySpan(ref dhCarryLanes, blocks * P * Lanes), P * Lanes, entities, P, initial.AsSpan(e0 * {t}.StateSize + {d.StateH}), {t}.StateSize);");
        if (carried is not null)
            w.Line($"{K}.LanesToRows({MemoryMarshal}.CreateReadOnlySpan(ref {carried.GradientCarry}Lanes, blocks * H * Lanes), H * Lanes, entities, H, initial.AsSpan(e0 * {t}.StateSize + {carried.StateOffset}), {t}.StateSize);");
        w.Close();
        w.Close();
        w.Line();
    }

    /// <summary><c>LaneWeightGradients{Id}</c>: this part's rows of dW_ih, dW_hh and the biases, over every sequence and step.</summary>
    private static void WriteDirectionWeightGradients(SourceWriter w, ModelLayout layout, CellEmitter cell)
    {
        string t = layout.Spec.TypeName;
        var d = cell.Direction;
        var layer = d.Layer;
        var lane = (ILaneCell)cell;
        var output = LaneBuffer.Output(t, layer);
        w.Line($"// Layer {layer.Index}{(d.Reverse ? ", reverse direction" : "")}: dW_ih += Σ dgi ⊗ x, dW_hh += Σ dgh ⊗ h_prev and the bias sums, as products over all");
        w.Line("// blocks and steps; this part's share of each matrix's rows.");
        w.Open($"private void LaneWeightGradients{d.Id}(int blocks, int steps, int part, int parts)");
        var outer = w;
        w = new SourceWriter(outer.Indent);
        LaneBuffer x = layer.Below is { } below ? LaneBuffer.Output(t, below) : LaneBuffer.Input(t);
        string xStart = layer.Below is null ? "0" : "1";
        void Products(IReadOnlyList<GradientSource> sources, string weight, string? bias, string cols, string xRef, string xStep, string xBlock)
        {
            foreach (var source in sources)
            {
                var buffer = LaneBuffer.Gradient(t, cell, source.Buffer);
                w.Open();
                w.Line($"int rows = {source.Rows}, lo = (int)((long)rows * part / parts), hi = (int)((long)rows * (part + 1) / parts);");
                string a = buffer.At("0", "0", Plus(source.BufferRow, "lo"));
                w.Wrapped($"{K}.OuterAccumulate", [Add("grad", $"{weight} + ({Plus(source.WeightRow, "lo")}) * {cols}"), cols, "hi - lo", cols,
                    a, $"{buffer.Length} * Lanes", $"{buffer.BlockVectors} * Lanes", xRef, xStep, xBlock, "steps", "blocks"], ";");
                if (bias is not null)
                    w.Wrapped($"{K}.SumAccumulate", [Add("grad", $"{bias} + {Plus(source.WeightRow, "lo")}"), "hi - lo", a, $"{buffer.Length} * Lanes", $"{buffer.BlockVectors} * Lanes", "steps", "blocks"], ";");
                w.Close();
            }
        }
        w.Line("// dW_ih, db_ih");
        Products(lane.InputGradientSources, d.WeightIh, d.BiasIh, "I", x.At("0", xStart), $"{x.Length} * Lanes", $"{x.BlockVectors} * Lanes");
        w.Line("// dW_hh, db_hh: h_prev of step t is slot t (forward) or t + 2 (reverse) of the output record");
        Products(lane.HiddenGradientSources, d.WeightHh, d.BiasHh, "P", output.At("0", d.Reverse ? "2" : "0", d.Reverse ? layer.OutputConstant : "0"),
            $"{layer.WidthConstant} * Lanes", $"{output.BlockVectors} * Lanes");
        string body = w.ToString();
        w = outer;
        WriteSizes(w, layer, body);
        w.Line($"ref float grad = {Ref("GradientArray")};");
        w.Append(body);
        w.Close();
        w.Line();
    }

    /// <summary>Declares the layer's size constants I, H, P, G that <paramref name="body"/> uses (an unused one is a warning).</summary>
    private static void WriteSizes(SourceWriter w, LayerLayout layer, string body)
    {
        var sizes = new[] { ("I", layer.InputConstant), ("H", layer.HiddenConstant), ("P", layer.OutputConstant), ("G", layer.GatesConstant) }
            .Where(size => System.Text.RegularExpressions.Regex.IsMatch(body, $@"\b{size.Item1}\b"))
            .Select(size => $"{size.Item1} = {size.Item2}")
            .ToList();
        if (sizes.Count > 0) w.Line($"const int {string.Join(", ", sizes)};");
    }
}
