using RnnGen.Generator.Model;
using RnnGen.Generator.Contract;

namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// The row-block strategy for a cell's forward step: each pass of the cell runs in blocks of rows whose gate
/// pre-activations come from <c>RowBlocks.Rows{W}</c> (one accumulator per weight row, input and recurrent products in
/// one reduction) and whose activations and state update run in registers. Every hidden size gets it: full blocks of the
/// machine's widest vector, then narrower blocks for the remainder, and a last block that stores only its valid rows
/// (on AVX-512, a pass that is that block alone also multiplies only those rows).
/// Three tiers are emitted, and the first the machine runs is taken (JIT-constant checks in <c>KernelSelection</c>,
/// capped by <c>RNNGEN_KERNELS</c>): blocks of 16 (AVX-512), then 8 and 4; of 8 (AVX2 + FMA), then 4; of 4 (Vector128:
/// ARM64 AdvSimd, x86 without AVX2).
/// Each tier comes in two variants. <c>Cell{Id}{Tier}</c> records what Backward needs, exactly as the portable cell does,
/// and serves Forward. <c>StepCell{Id}{Tier}</c> serves <c>Step</c>: it reads and writes the state in place, keeps only
/// what its own later passes read, and for the top layer can fold a small head into its last pass.
/// A cell with H = 8 also gets <c>Cell{Id}Pairs</c> for AVX-512 machines: its 8-float weight rows go two to a 512-bit
/// product (<c>RowBlocks.Pairs16/Pairs8</c>).
/// Blocks may read up to a block past the rows and columns they use (masked, never stored): the generated class pads its
/// buffers for that, and Step copies an input whose length is not a multiple of 16 into a padded buffer first.
/// </summary>
internal static class RowBlockStrategy
{
    /// <summary>A vector tier: its method suffix, the <c>KernelSelection</c> flag that enables it, and its block widths, widest first.</summary>
    internal sealed record Tier(string Name, string Flag, string Description, int[] Widths)
    {
        public int Width => Widths[0];
    }

    public static readonly Tier[] Tiers =
    [
        new("Rows16", "Avx512", "AVX-512, blocks of 16", [16, 8, 4]),
        new("Rows8", "Avx2", "AVX2 + FMA, blocks of 8", [8, 4]),
        new("Rows4", "Vector128", "Vector128, blocks of 4", [4]),
    ];

    /// <summary>Whether the cell has row-block variants.</summary>
    public static bool Applies(CellEmitter cell) => cell is IVectorCell;

    /// <summary>
    /// Whether the cell also gets the paired-rows variant: H = 8, a single pass, and an input of one float or whole chunks
    /// of 8 (the pair kernels read columns 8 at a time and have no masked partial chunk).
    /// </summary>
    public static bool UsesPairs(CellEmitter cell)
    {
        var layer = cell.Direction.Layer;
        return cell is IVectorCell vector && vector.Passes.Count == 1 && cell is IPairedRowsCell
            && layer.Spec.HiddenSize == 8 && (layer.Input == 1 || layer.Input % 8 == 0)
            && cell.Direction.Quantized is not { UsesKernels: true };
    }

    /// <summary>Whether Step must copy the model's input to a padded buffer before the blocks read it by whole chunks.</summary>
    public static bool StepNeedsPaddedInput(ModelLayout layout) =>
        layout.Spec.Embedding is null && layout.Spec.InputSize != 1 && layout.Spec.InputSize % 16 != 0 && layout.Cells.Any(Applies);

    /// <summary>Scratch fields the row-block cells use, if any cell has them.</summary>
    public static void WriteFields(SourceWriter w, ModelLayout layout)
    {
        if (!layout.Cells.Any(Applies)) return;
        w.Line("// Row-block cells: the next hidden state (h may alias hPrev, which later blocks still read).");
        w.Line("private readonly float[] _nextHidden = new float[MaxOutput + Padding];");
        if (StepNeedsPaddedInput(layout))
            w.Line("private readonly float[] _stepInput = new float[InputSize + Padding];");
    }

    /// <summary>The first lines of the portable cell: hand the step to the first variant the machine runs.</summary>
    public static void WriteDispatch(SourceWriter w, CellEmitter cell)
    {
        if (!Applies(cell)) return;
        string id = cell.Direction.Id;
        if (UsesPairs(cell))
        {
            w.Open($"if ({Globals.KernelSelection}.Avx512)");
            w.Wrapped($"Cell{id}Pairs", cell.ForwardArguments, ";");
            w.Line("return;");
            w.Close();
        }
        foreach (var tier in Tiers)
        {
            w.Open($"if ({Globals.KernelSelection}.{tier.Flag})");
            w.Wrapped($"Cell{id}{tier.Name}", cell.ForwardArguments, ";");
            w.Line("return;");
            w.Close();
        }
    }

    /// <summary>Writes <c>Cell{Id}Pairs</c> (if it applies) and a recording <c>Cell{Id}{Tier}</c> per tier.</summary>
    public static void WriteVariants(SourceWriter w, CellEmitter cell, bool exactActivations)
    {
        if (cell is not IVectorCell vector) return;
        var d = cell.Direction;
        if (UsesPairs(cell))
        {
            w.Line($"// Paired-rows variant of Cell{d.Id} (AVX-512, H = 8): two 8-float gate rows per 512-bit product; same results and records.");
            w.Line(Globals.CellMethodImpl);
            w.Wrapped($"private void Cell{d.Id}Pairs", cell.ForwardParameters);
            w.Open();
            w.Line($"const int I = {d.Layer.InputConstant}, H = {d.Layer.HiddenConstant};");
            var usage = new BlockUsage(cell, recording: true, pairs: true);
            var body = new SourceWriter(w.Indent);
            ((IPairedRowsCell)cell).WritePairs(body, new PairsWriter(cell, exactActivations, usage, head: null));
            usage.WriteReferences(w);
            w.Line();
            w.Append(body.ToString());
            w.Close();
            w.Line();
        }
        foreach (var tier in Tiers)
        {
            var usage = new BlockUsage(cell, recording: true);
            var body = new SourceWriter(w.Indent + 1);
            foreach (var pass in vector.Passes)
                WritePass(body, cell, pass, tier, exactActivations, usage, head: null);
            w.Line($"// {tier.Description} variant of Cell{d.Id}: the same results and records.");
            w.Line(Globals.CellMethodImpl);
            w.Wrapped($"private void Cell{d.Id}{tier.Name}", cell.ForwardParameters);
            w.Open();
            usage.WriteSizes(w);
            usage.WriteReferences(w);
            w.Append(body.ToString());
            w.Line();
            w.Line($"_nextHidden.AsSpan(0, {d.Layer.OutputConstant}).CopyTo(h);");
            w.Close();
            w.Line();
        }
    }

    /// <summary>
    /// Writes a <c>StepCell{Id}{Tier}(x[, output])</c> per tier: the step on the state in place, no records, and — given
    /// <paramref name="head"/> — the head folded into the last pass, its outputs written to <c>output</c>.
    /// </summary>
    public static void WriteStepVariants(SourceWriter w, CellEmitter cell, bool exactActivations, FusedHead? head, bool columns)
    {
        if (cell is not IVectorCell vector) return;
        var d = cell.Direction;
        var parameters = new List<string> { $"{Globals.ReadOnlySpan} x" };
        if (head is not null) parameters.Add($"{Globals.Span} output");
        if (UsesPairs(cell))
        {
            // With AVX-512, Step takes the paired-rows cell for H = 8 instead of the blocks of 16.
            var usage = new BlockUsage(cell, recording: false, pairs: true);
            var body = new SourceWriter(w.Indent + 1);
            ((IPairedRowsCell)cell).WritePairs(body, new PairsWriter(cell, exactActivations, usage, head));
            w.Line($"// Paired rows, for Step: the state in place, no records{(head is null ? "" : ", the head folded in")}.");
            w.Line(Globals.CellMethodImpl);
            w.Wrapped($"private void StepCell{d.Id}Pairs", parameters);
            w.Open();
            w.Line($"const int I = {d.Layer.InputConstant}, H = {d.Layer.HiddenConstant};");
            usage.WriteReferences(w);
            w.Line();
            w.Append(body.ToString());
            head?.WriteOutputs(w);
            w.Close();
            w.Line();
        }
        var tiers = Tiers.Where(t => !(t == Tiers[0] && UsesPairs(cell))).ToList();
        // An inference copy's Step (ColumnStrategy): the same passes over its packed column-major tiles.
        if (columns) tiers.Add(ColumnStrategy.Tier);
        foreach (var tier in tiers)
        {
            var usage = new BlockUsage(cell, recording: false);
            var body = new SourceWriter(w.Indent + 1);
            for (int i = 0; i < vector.Passes.Count; i++)
                WritePass(body, cell, vector.Passes[i], tier, exactActivations, usage, i == vector.Passes.Count - 1 ? head : null);
            w.Line($"// {tier.Description}, for Step: the state in place, no records{(head is null ? "" : ", the head folded into the last pass")}.");
            w.Line(Globals.CellMethodImpl);
            w.Wrapped($"private void StepCell{d.Id}{tier.Name}", parameters);
            w.Open();
            usage.WriteSizes(w);
            usage.WriteReferences(w);
            w.Append(body.ToString());
            w.Line();
            w.Line($"_nextHidden.AsSpan(0, {d.Layer.OutputConstant}).CopyTo(_state.AsSpan({d.StateH}, {d.Layer.OutputConstant}));");
            head?.WriteOutputs(w);
            w.Close();
            w.Line();
        }
    }

    /// <summary>
    /// How a tier covers <paramref name="rows"/> rows: <c>Loop</c> full blocks of the tier's width (in a loop), then, for
    /// the rows left, one block of the narrowest width that holds them all — storing only those rows when it has more.
    /// One tail block keeps the per-block work (activations, reductions) at one block; the tail kernels read columns as
    /// wide as the tier's (<c>Rows8On512</c>, <c>Rows4On512</c>, <c>Rows4On256</c>), so a narrow block costs in proportion to its rows.
    /// </summary>
    internal static (int Loop, IReadOnlyList<(int Offset, int Width, int? Count)> Tail) Plan(int rows, Tier tier)
    {
        int loop = rows / tier.Width, offset = loop * tier.Width, left = rows - offset;
        if (left == 0) return (loop, []);
        int width = tier.Widths.Where(w => w >= left).Min();
        return (loop, [(offset, width, left == width ? null : left)]);
    }

    /// <summary>The plan in words, for <c>rnngen bench</c>: e.g. <c>6 blocks of 16, 1 of 4</c>, <c>1 of 4 (1 row used)</c>.</summary>
    internal static string DescribePlan(int rows, Tier tier)
    {
        var (loop, tail) = Plan(rows, tier);
        var parts = new List<string>();
        if (loop > 0) parts.Add($"{loop} block{(loop == 1 ? "" : "s")} of {tier.Width}");
        foreach (var (_, width, count) in tail)
            parts.Add(count is int c ? $"1 of {width} ({c} row{(c == 1 ? "" : "s")} used)" : $"1 of {width}");
        return string.Join(", ", parts);
    }

    /// <summary>One pass over its rows, as <see cref="Plan"/> lays them out.</summary>
    private static void WritePass(SourceWriter w, CellEmitter cell, VectorPass pass, Tier tier, bool exact, BlockUsage usage, FusedHead? head)
    {
        var d = cell.Direction;
        int rows = pass.Rows == Size.P ? d.Layer.Spec.OutputSize : d.Layer.Spec.HiddenSize;
        var (loop, tail) = Plan(rows, tier);
        w.Line();
        // The blocks first, so that what they multiply is known: a low-precision cell prepares those vectors before them.
        var blocks = new SourceWriter(w.Indent);
        usage.Quantized?.BeginPass();
        head?.WriteAccumulators(blocks, tier.Width, loop > 0, tail.Count > 0);
        if (loop > 0)
        {
            usage.Sizes.Add(pass.Rows);
            blocks.Open($"for (int j = 0; j + {tier.Width} <= {pass.Rows}; j += {tier.Width})");
            pass.WriteBlock(blocks, new RowBlockWriter(cell, tier.Width, tier.Width, count: null, exact, usage, head, inLoop: true, columns: tier == ColumnStrategy.Tier));
            blocks.Close();
        }
        foreach (var (offset, width, count) in tail)
        {
            string what = count is int c ? $"{c} row{(c == 1 ? "" : "s")} in a block of {width}" : $"a block of {width}";
            blocks.Open();
            blocks.Line($"// Rows {offset}…{offset + (count ?? width) - 1}: {what}");
            blocks.Line($"const int j = {SourceWriter.Number(offset)};");
            // A pass that is one partial block on AVX-512 (H = 9…15, or 5…7) multiplies only the rows it uses. Larger passes
            // keep the whole-block tail kernel: the partial ones are larger code, and with the loop's blocks inlined too they
            // would exceed the JIT's inlining budget for the cell (the kernels are then called, 3× slower; H = 37 measured).
            int? multiplied = loop == 0 && tier == Tiers[0] && width >= 8 ? count : null;
            pass.WriteBlock(blocks, new RowBlockWriter(cell, width, tier.Width, count, exact, usage, head, inLoop: false, multiplied, columns: tier == ColumnStrategy.Tier));
            blocks.Close();
        }
        usage.Quantized?.WritePreparation(w);
        w.Append(blocks.ToString());
    }
}

/// <summary>
/// What the blocks of one variant used, so its preamble declares exactly that: the size constants (an unused local
/// constant is a warning) and the refs to weights, vectors, records and state, each bound to the variant's own buffers.
/// </summary>
internal sealed class BlockUsage
{
    private readonly CellEmitter cell;
    private readonly bool pairs;

    public BlockUsage(CellEmitter cell, bool recording, bool pairs = false)
    {
        this.cell = cell;
        this.pairs = pairs;
        Recording = recording;
        Quantized = QuantizedProducts.For(cell, this);
    }

    public HashSet<Size> Sizes { get; } = [Size.I];
    public HashSet<string> Refs { get; } = [];
    public bool Recording { get; }

    /// <summary>A low-precision direction's int8 or bfloat16 products; null where the float32 kernels run.</summary>
    public QuantizedProducts? Quantized { get; }

    public string Ref(string name)
    {
        Refs.Add(name);
        return name;
    }

    public void WriteSizes(SourceWriter w)
    {
        var l = cell.Direction.Layer;
        string Constant(Size size) => size switch { Size.I => l.InputConstant, Size.H => l.HiddenConstant, Size.P => l.OutputConstant, _ => l.GatesConstant };
        w.Line($"const int {string.Join(", ", new[] { Size.I, Size.H, Size.P }.Where(Sizes.Contains).Select(s => $"{s} = {Constant(s)}"))};");
    }

    public void WriteReferences(SourceWriter w)
    {
        var d = cell.Direction;
        const string mm = Globals.MemoryMarshal, un = Globals.Unsafe;
        string? Weight(string name) => name switch
        {
            "wIh" => d.WeightIh,
            "wHh" => d.WeightHh,
            "bIh" => d.BiasIh,
            "bHh" => d.BiasHh,
            "wHr" => d.WeightHr,
            "headWeight" => "HeadWeight",
            _ => null,
        };
        var weights = new[] { "wIh", "wHh", "bIh", "bHh", "wHr", "headWeight" }.Where(Refs.Contains).ToList();
        // A low-precision layer whose float kernels run over rounded copies reads its matrices from those.
        string? Rounded(string name) => d.Quantized?.RoundedConstant(name);
        if (weights.Any(name => Rounded(name) is null))
            w.Line($"ref float p = ref {Globals.Unsafe}.Add(ref {mm}.GetArrayDataReference(_parameters), _origin);");
        if (weights.Any(name => Rounded(name) is not null))
            w.Line($"ref float rounded = ref {Globals.Unsafe}.Add(ref {mm}.GetArrayDataReference({QuantizedWeightsEmitter.RoundedField}), {QuantizedWeightsEmitter.Origin(QuantizedWeightsEmitter.RoundedField)});");
        foreach (string name in weights)
            w.Line(Rounded(name) is { } offset
                ? $"ref float {name} = ref {un}.Add(ref rounded, {offset});"
                : $"ref float {name} = ref {un}.Add(ref p, {Weight(name)});");
        foreach (string name in new[] { "cIh", "cHh", "cHr" }.Where(Refs.Contains))
            w.Line($"ref float {name} = ref {un}.Add(ref {mm}.GetArrayDataReference(_columns!), _columnsOrigin + {ColumnStrategy.Offset(d, name)});");
        Quantized?.WriteReferences(w);
        if (Refs.Contains("xRef"))
            w.Line($"ref float xRef = ref {mm}.GetReference(x);");
        if (Refs.Contains("hRef"))
            w.Line(Recording
                ? $"ref float hRef = ref {mm}.GetReference(hPrev);"
                : $"ref float hRef = ref {un}.Add(ref {mm}.GetArrayDataReference(_state), {d.StateH});");
        if (Refs.Contains("next"))
            // The block variants write h to _nextHidden (h may alias hPrev, which later blocks still read); the paired-rows
            // variant writes h itself, after its last read of hPrev: the h argument, or in Step the state.
            w.Line(!pairs ? $"ref float next = ref {mm}.GetArrayDataReference(_nextHidden);"
                : Recording ? $"ref float next = ref {mm}.GetReference(h);"
                : $"ref float next = ref {un}.Add(ref {mm}.GetArrayDataReference(_state), {d.StateH});");
        foreach (var record in cell.Records.Where(r => Refs.Contains(r.Argument + "Ref")))
            w.Line(Recording
                ? $"ref float {record.Argument}Ref = ref {mm}.GetReference({record.Argument});"
                : $"ref float {record.Argument}Ref = ref {un}.Add(ref {mm}.GetArrayDataReference({record.Field}), SequenceLength * {record.StepLength});");
        if (cell.CellState is { } c && Refs.Contains(c.Previous + "Ref"))
            w.Line(Recording
                ? $"ref float {c.Previous}Ref = ref {mm}.GetReference({c.Previous});"
                : $"ref float {c.Previous}Ref = ref {un}.Add(ref {mm}.GetArrayDataReference(_state), {c.StateOffset});");
    }
}

/// <summary>
/// A small head (at most <see cref="MaxOutputs"/> outputs) folded into Step's top layer: each block of h' adds its share
/// of W h' to per-output accumulators, and the outputs are finished after the last pass, so Step needs no separate
/// matrix–vector call, no copy of the bias and no logits buffer.
/// </summary>
internal sealed class FusedHead(ModelLayout layout)
{
    public const int MaxOutputs = 4;

    private readonly DenseSpec _head = layout.Spec.Head!.Layers[0];
    private readonly int _features = layout.TopWidth;

    /// <summary>
    /// Whether the model's head can be folded: a single dense layer with few outputs over a top layer Step runs. An MLP
    /// head is not folded: its first layer is rarely that small, and its later layers read the first one's outputs whole.
    /// </summary>
    public static bool Applies(ModelLayout layout) => layout.Spec.Head is { Layers.Count: 1, Outputs: <= MaxOutputs } && layout.Spec.CanStep;

    private int Outputs => _head.Outputs;

    /// <summary>Declares the accumulators before the last pass: a vector per output for the loop's blocks, a float for the others.</summary>
    public void WriteAccumulators(SourceWriter w, int width, bool loop, bool tail)
    {
        string vector = Globals.VectorOf(width);
        w.Line("// The head's W h' accumulates block by block.");
        for (int k = 0; k < Outputs; k++)
        {
            if (loop) w.Line($"var head{k} = {vector}<float>.Zero;");
            if (tail) w.Line($"float headTail{k} = 0f;");
        }
        _loop = loop;
        _tail = tail;
        _width = width;
        _vector = vector;
    }

    private bool _loop, _tail;
    private int _width;
    private string _vector = "";

    /// <summary>Adds the block's share, h'_block · W[k, block], to every output's accumulator.</summary>
    public void WriteAccumulate(SourceWriter w, string h, int width, int? count, bool inLoop, BlockUsage usage, string offset = "j")
    {
        usage.Ref("headWeight");
        for (int k = 0; k < Outputs; k++)
        {
            string row = k == 0 ? offset : offset == "0" ? SourceWriter.Number(k * _features) : $"{SourceWriter.Number(k * _features)} + {offset}";
            if (inLoop)
                w.Line($"head{k} += {h} * {Globals.RowBlocks}.Load{width}(ref headWeight, {row});");
            else if (count is int c)
                w.Line($"headTail{k} += {Globals.RowBlocks}.DotPartial({h}, ref headWeight, {row}, {SourceWriter.Number(c)});");
            else
                w.Line($"headTail{k} += {Globals.RowBlocks}.Dot({h}, ref headWeight, {row});");
        }
    }

    /// <summary>After the last pass: logits = W h' + b, then the activation, into <c>output</c>.</summary>
    public void WriteOutputs(SourceWriter w)
    {
        w.Line($"// y = {_head.Activation}(W h' + b)");
        for (int k = 0; k < Outputs; k++)
        {
            var terms = new List<string>();
            if (_head.Bias) terms.Add($"_parameters[_origin + HeadBias + {SourceWriter.Number(k)}]");
            if (_loop) terms.Add($"{_vector}.Sum(head{k})");
            if (_tail) terms.Add($"headTail{k}");
            w.Line($"float logit{k} = {string.Join(" + ", terms)};");
        }
        switch (_head.Activation)
        {
            case Activation.Softmax:
                w.Line($"float max = {Max(Enumerable.Range(0, Outputs).Select(k => $"logit{k}").ToList())};");
                for (int k = 0; k < Outputs; k++) w.Line($"float e{k} = global::System.MathF.Exp(logit{k} - max);");
                w.Line($"float sum = {string.Join(" + ", Enumerable.Range(0, Outputs).Select(k => $"e{k}"))};");
                for (int k = 0; k < Outputs; k++) w.Line($"output[{k}] = e{k} / sum;");
                break;
            default:
                for (int k = 0; k < Outputs; k++)
                    w.Line($"output[{k}] = {Activate(_head.Activation, $"logit{k}")};");
                break;
        }
    }

    private static string Max(IReadOnlyList<string> values) =>
        values.Count == 1 ? values[0] : $"global::System.MathF.Max({values[0]}, {Max(values.Skip(1).ToList())})";

    private static string Activate(Activation activation, string x) => activation switch
    {
        Activation.Sigmoid => $"1f / (1f + global::System.MathF.Exp(-{x}))",
        Activation.Tanh => $"global::System.MathF.Tanh({x})",
        Activation.Relu => $"global::System.MathF.Max({x}, 0f)",
        _ => x,
    };
}

/// <summary>
/// The row-block strategy's <see cref="BlockWriter"/>: a block is <see cref="Width"/> rows j … j+Width−1 of one step
/// (of which the first <c>count</c> are stored, when given), gate q's rows starting at q·H + j, products from
/// <c>RowBlocks.Rows{Width}</c> over the row-major weights, h written to <c>_nextHidden</c>. Recording (Forward) writes
/// every record; inference (Step) writes only what a later pass reads, and the carried state in place.
/// </summary>
internal sealed class RowBlockWriter(CellEmitter cell, int width, int columnWidth, int? count, bool exactActivations, BlockUsage usage, FusedHead? head, bool inLoop, int? multipliedRows = null, bool columns = false)
    : BlockWriter(exactActivations)
{
    private readonly bool _bias = cell.Direction.BiasIh is not null;

    public int Width { get; } = width;

    /// <summary>The row kernel: <c>Rows{Width}</c>, or for a tail block of a wider tier e.g. <c>Rows4On512</c> (4 rows, columns 16 at a time).</summary>
    private string Kernel => Width == columnWidth ? $"{Globals.RowBlocks}.Rows{Width}" : $"{Globals.RowBlocks}.Rows{Width}On{columnWidth * 32}";

    /// <summary>The kernel's last argument when the block multiplies only its first rows (<c>multipliedRows</c>).</summary>
    private string UsedRows => multipliedRows is int c ? $", rows: {SourceWriter.Number(c)}" : "";

    /// <summary>The first row of gate <paramref name="q"/> in this block.</summary>
    private string Row(int q)
    {
        if (q > 0) usage.Sizes.Add(Size.H);
        return GateRow(q);
    }

    /// <summary>The first row of gate <paramref name="q"/> in a block at unit <c>j</c>: <c>j</c>, <c>H + j</c>, <c>2 * H + j</c>…</summary>
    public static string GateRow(int q) => q == 0 ? "j" : q == 1 ? "H + j" : $"{q} * H + j";

    private string Columns(Size columns)
    {
        usage.Sizes.Add(columns);
        return columns.ToString();
    }

    /// <summary>The local holding a pre-activation's bias: <c>aI</c> → <c>bI</c>, <c>hn</c> → <c>bHn</c>.</summary>
    public static string BiasName(string preActivation) =>
        preActivation[0] == 'a' ? "b" + preActivation.Substring(1) : "b" + char.ToUpperInvariant(preActivation[0]) + preActivation.Substring(1);

    /// <summary>Width floats of <paramref name="reference"/> from <paramref name="offset"/>.</summary>
    private string LoadAt(string reference, string offset) => $"{Globals.RowBlocks}.Load{Width}(ref {usage.Ref(reference)}, {offset})";

    /// <summary>A statement storing <paramref name="value"/> (only the block's valid rows) to <paramref name="reference"/> at <paramref name="offset"/>.</summary>
    private string StoreAt(string value, string reference, string offset) => count is int rows
        ? $"{Globals.RowBlocks}.StorePartial({value}, ref {usage.Ref(reference)}, {offset}, {SourceWriter.Number(rows)});"
        : $"{Globals.RowBlocks}.Store{Width}({value}, ref {usage.Ref(reference)}, {offset});";

    public override string PreviousHidden => LoadAt("hRef", "j");

    public override string Previous(CarriedState state) => LoadAt($"{state.Previous}Ref", "j");

    public override string Load(RecordBuffer record, int? gate = null) => LoadAt($"{record.Argument}Ref", gate is int q ? Row(q) : "j");

    public override void Record(SourceWriter w, string value, RecordBuffer record, int? gate = null)
    {
        if (usage.Recording) Keep(w, value, record, gate);
    }

    public override void Keep(SourceWriter w, string value, RecordBuffer record, int? gate = null) =>
        w.Line(StoreAt(value, $"{record.Argument}Ref", gate is int q ? Row(q) : "j"));

    public override void StoreCarried(SourceWriter w, string value, CarriedState state) =>
        w.Line(StoreAt(value, usage.Recording ? $"{state.Record.Argument}Ref" : $"{state.Previous}Ref", "j"));

    public override void StoreHidden(SourceWriter w, string value)
    {
        if (head is null)
        {
            w.Line(StoreAt(value, "next", "j"));
            return;
        }
        w.Line($"var hNext = {value};");
        w.Line(StoreAt("hNext", "next", "j"));
        head.WriteAccumulate(w, "hNext", Width, count, inLoop, usage);
    }

    /// <summary>An inference copy's pre-activation (<see cref="ColumnStrategy"/>): the products over its packed W_ih and W_hh.</summary>
    private string ColumnPreActivation(int q, Products products, string? bias)
    {
        var d = cell.Direction;
        var spec = d.Layer.Spec;
        string row = ColumnStrategy.Row(spec.GateCount, spec.HiddenSize, q, inLoop), kernel = $"{Globals.ColumnBlocks}.Rows{Width}";
        string zero = Globals.VectorOf(Width) + "<float>.Zero";
        string Input() => $"ref {usage.Ref("cIh")}, {Columns(Size.I)}, ref {usage.Ref("xRef")}";
        string Hidden() => $"ref {usage.Ref("cHh")}, {Columns(Size.P)}, ref {usage.Ref("hRef")}";
        string plusBias = bias is null ? "" : " + " + bias;
        return products switch
        {
            Products.Both => $"{kernel}({row}, {Input()}, {Hidden()}, {bias ?? zero})",
            Products.InputOnly => $"{kernel}({row}, {Input()}){plusBias}",
            _ => $"{kernel}({row}, {Hidden()}){plusBias}",
        };
    }

    /// <summary>An inference copy's product with a kept vector: W_hn (r ⊙ h) from the packed W_hh, or W_hr m from the packed W_hr.</summary>
    private string ColumnProduct(int q, MatrixProduct product, string? bias)
    {
        var d = cell.Direction;
        string matrix = product.Matrix switch
        {
            "wHh" => "cHh",
            "wHr" => "cHr",
            _ => throw new InvalidOperationException($"No packed copy of {product.Matrix}."),
        };
        var spec = d.Layer.Spec;
        string row = matrix == "cHr" ? ColumnStrategy.Row(1, spec.OutputSize, 0, inLoop) : ColumnStrategy.Row(spec.GateCount, spec.HiddenSize, q, inLoop);
        return $"{Globals.ColumnBlocks}.Rows{Width}({row}, ref {usage.Ref(matrix)}, {Columns(product.Columns)}, ref {usage.Ref(product.Vector)}){(bias is null ? "" : " + " + bias)}";
    }

    public override void PreActivation(SourceWriter w, string name, int q, Products products)
    {
        // The gate's rows in the weights (q·H + j): the bias's, and the row kernels'. The column kernels address their
        // packed tiles themselves, so without a bias the column cells do not use it (nor the constant H it names).
        string row = _bias || !columns ? Row(q) : "", rows = Kernel;
        string Input() => $"ref {usage.Ref("wIh")}, {Columns(Size.I)}, ref {usage.Ref("xRef")}";
        string Hidden() => $"ref {usage.Ref("wHh")}, {Columns(Size.P)}, ref {usage.Ref("hRef")}";
        string? bias = null;
        if (_bias)
        {
            bias = BiasName(name);
            string value = products switch
            {
                Products.Both => $"{LoadAt("bIh", row)} + {LoadAt("bHh", row)}",
                Products.InputOnly => LoadAt("bIh", row),
                _ => LoadAt("bHh", row),
            };
            w.Line($"var {bias} = {value};");
        }
        string sum = usage.Quantized?.PreActivation(w, name, Width, row, products, bias) ?? (columns ? ColumnPreActivation(q, products, bias) : null) ?? products switch
        {
            Products.Both => $"{rows}({row}, {Input()}, {Hidden()}{(bias is null ? "" : ", " + bias)}{UsedRows})",
            Products.InputOnly => $"{rows}({row}, {Input()}{UsedRows}){(bias is null ? "" : " + " + bias)}",
            _ => $"{rows}({row}, {Hidden()}{UsedRows}){(bias is null ? "" : " + " + bias)}",
        };
        w.Line($"var {name} = {sum};");
    }

    public override void Product(SourceWriter w, string name, int q, MatrixProduct product)
    {
        string row = product.Bias is not null || !columns ? Row(q) : "";
        string? bias = null;
        if (product.Bias is { } b)
        {
            bias = BiasName(name);
            w.Line($"var {bias} = {LoadAt(b, row)};");
        }
        string value = usage.Quantized?.Product(w, name, Width, row, product, bias)
            ?? (columns ? ColumnProduct(q, product, bias) : null)
            ?? $"{Kernel}({row}, ref {usage.Ref(product.Matrix)}, {Columns(product.Columns)}, ref {usage.Ref(product.Vector)}{UsedRows}){(bias is null ? "" : " + " + bias)}";
        w.Line($"var {name} = {value};");
    }
}

/// <summary>
/// Expressions for the paired-rows variant (AVX-512, H = 8): <c>Pairs16</c> yields 16 gate rows (two gates) in one
/// Vector512, <c>Pairs8</c> 8 rows (one gate) in a Vector256; rows start at <c>0</c> or <c>2 * H</c>. The whole step is one
/// block, so h is written last, in place. Recording (Forward) writes every record; inference (Step) skips them, writes
/// the cell state in place and may fold a small head in.
/// </summary>
internal sealed class PairsWriter(CellEmitter cell, bool exactActivations, BlockUsage usage, FusedHead? head)
{
    private readonly (string Sigmoid, string Tanh) _activations = BlockWriter.Activations(exactActivations);
    private readonly bool _bias = cell.Direction.BiasIh is not null;

    public string Sigmoid(string x) => $"{_activations.Sigmoid}({x})";
    public string Tanh(string x) => $"{_activations.Tanh}({x})";
    public static string Relu(string x) => BlockWriter.Relu(x);

    /// <summary>Declares <c>var {name}</c> = <paramref name="rows"/> gate rows from row <paramref name="row"/> (and the bias local first).</summary>
    public void PreActivation(SourceWriter w, string name, int rows, string row, Products products)
    {
        string vector = rows == 16 ? Globals.Vector512 : Globals.Vector256;
        string Load(string b) => $"{Globals.RowBlocks}.Load{rows}(ref {usage.Ref(b)}, {row})";
        string bias = $"{vector}.Create(0f)";
        if (_bias)
        {
            bias = RowBlockWriter.BiasName(name);
            string value = products switch
            {
                Products.Both => $"{Load("bIh")} + {Load("bHh")}",
                Products.InputOnly => Load("bIh"),
                _ => Load("bHh"),
            };
            w.Line($"var {bias} = {value};");
        }
        usage.Ref("wIh");
        usage.Ref("wHh");
        string input = products == Products.HiddenOnly ? "ref wIh, 0, ref xRef" : "ref wIh, I, ref xRef";
        string hidden = products == Products.InputOnly ? "ref wHh, 0, ref hRef" : "ref wHh, H, ref hRef";
        if (products != Products.HiddenOnly) usage.Ref("xRef");
        if (products != Products.InputOnly) usage.Ref("hRef");
        w.Line($"var {name} = {Globals.RowBlocks}.Pairs{rows}({row}, {input}, {hidden}, {bias});");
    }

    public static string Lower(string v) => $"{Globals.Vector512}.GetLower({v})";
    public static string Upper(string v) => $"{Globals.Vector512}.GetUpper({v})";

    /// <summary>The 8 floats of the previous h.</summary>
    public string PreviousHidden => $"{Globals.Vector256}.LoadUnsafe(ref {usage.Ref("hRef")})";

    /// <summary>The 8 floats of a carried state's previous value.</summary>
    public string Previous(CarriedState state) => $"{Globals.Vector256}.LoadUnsafe(ref {usage.Ref(state.Previous + "Ref")})";

    /// <summary>Keeps <paramref name="value"/> (<paramref name="rows"/> floats) in <paramref name="record"/> at <paramref name="offset"/> when recording.</summary>
    public void Record(SourceWriter w, int rows, string value, RecordBuffer record, string offset)
    {
        if (usage.Recording)
            w.Line($"{Globals.RowBlocks}.Store{rows}({value}, ref {usage.Ref(record.Argument + "Ref")}, {offset});");
    }

    public void StoreCarried(SourceWriter w, string value, CarriedState state) =>
        w.Line($"{Globals.RowBlocks}.Store8({value}, ref {usage.Ref(usage.Recording ? state.Record.Argument + "Ref" : state.Previous + "Ref")}, 0);");

    /// <summary>Writes h' (last: it may alias hPrev), and adds it into a folded head.</summary>
    public void StoreHidden(SourceWriter w, string value)
    {
        if (head is null)
        {
            w.Line($"{Globals.RowBlocks}.Store8({value}, ref {usage.Ref("next")}, 0);");
            return;
        }
        w.Line($"var hNext = {value};");
        w.Line($"{Globals.RowBlocks}.Store8(hNext, ref {usage.Ref("next")}, 0);");
        head.WriteAccumulators(w, 8, loop: false, tail: true);
        head.WriteAccumulate(w, "hNext", 8, count: null, inLoop: false, usage, offset: "0");
    }
}
