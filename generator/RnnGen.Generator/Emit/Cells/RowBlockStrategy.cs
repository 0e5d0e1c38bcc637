namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// The row-block strategy for a cell's forward step: each pass of the cell runs in blocks of hidden units whose gate
/// pre-activations come from <c>RowBlocks.Rows{W}</c> (one accumulator per weight row, input and recurrent products in
/// one reduction) and whose activations and state update run in registers. Every hidden size gets it: full blocks of the
/// machine's widest vector, then narrower blocks for the remainder, and a last block of 4 that stores only its valid lanes.
/// Three tiers are emitted, and the portable cell dispatches to the first the machine runs (JIT-constant checks in
/// <c>KernelSelection</c>, capped by <c>RNNGEN_KERNELS</c>):
/// <c>Cell{Id}Rows16</c> (AVX-512: blocks of 16, then 8, 4), <c>Cell{Id}Rows8</c> (AVX2 + FMA: 8, then 4),
/// <c>Cell{Id}Rows4</c> (Vector128: ARM64 AdvSimd, x86 without AVX2). Records are written exactly as the portable path
/// writes them, so Backward is shared. A cell with H = 8 gets a fourth variant for AVX-512 machines, <c>Cell{Id}Pairs</c>:
/// its 8-float weight rows go two to a 512-bit product (<c>RowBlocks.Pairs16/Pairs8</c>).
/// Blocks may read up to a block past the rows they use (never stored): the generated class pads its buffers for that.
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
            && layer.Spec.HiddenSize == 8 && (layer.Input == 1 || layer.Input % 8 == 0);
    }

    /// <summary>Whether the layer's input must be copied to <c>_paddedInput</c> for a tier: its last chunk is partial and read whole.</summary>
    private static bool NeedsPaddedInput(CellEmitter cell, Tier tier) => cell.Direction.Layer.Input != 1 && cell.Direction.Layer.Input % tier.Width != 0;

    /// <summary>Scratch fields the row-block cells use, if any cell has them.</summary>
    public static void WriteFields(SourceWriter w, ModelLayout layout)
    {
        var cells = layout.Cells.Where(Applies).ToList();
        if (cells.Count == 0) return;
        w.Line("// Row-block cells: the next hidden state (h may alias hPrev in Step), and inputs with a readable partial last block.");
        w.Line("private readonly float[] _nextHidden = new float[MaxOutput + Padding];");
        var padded = cells.Where(c => Tiers.Any(tier => NeedsPaddedInput(c, tier))).Select(c => c.Direction.Layer.Input).ToList();
        if (padded.Count > 0)
            w.Line($"private readonly float[] _paddedInput = new float[{SourceWriter.Number((padded.Max() + 15) / 16 * 16)}];");
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

    /// <summary>Writes <c>Cell{Id}Pairs</c> (if it applies) and a <c>Cell{Id}{Tier}</c> per tier.</summary>
    public static void WriteVariants(SourceWriter w, CellEmitter cell, bool exactActivations)
    {
        if (cell is not IVectorCell vector) return;
        var d = cell.Direction;
        if (UsesPairs(cell))
        {
            w.Line($"// Paired-rows variant of Cell{d.Id} (AVX-512, H = 8): two 8-float gate rows per 512-bit product; same results and records.");
            w.Wrapped($"private void Cell{d.Id}Pairs", cell.ForwardParameters);
            w.Open();
            w.Line($"const int I = {d.Layer.InputConstant}, H = {d.Layer.HiddenConstant};");
            WriteReferences(w, cell, paddedInput: false, nextHidden: false);
            w.Line();
            ((IPairedRowsCell)cell).WritePairs(w, new PairsWriter(cell, exactActivations));
            w.Close();
            w.Line();
        }
        foreach (var tier in Tiers)
        {
            var body = new SourceWriter(w.Indent + 1);
            var sizes = new HashSet<Size>();
            foreach (var pass in vector.Passes)
                WritePass(body, cell, pass, tier, exactActivations, sizes);
            var output = d.Layer.OutputConstant;
            w.Line($"// {tier.Description} variant of Cell{d.Id}: the same results and records.");
            w.Wrapped($"private void Cell{d.Id}{tier.Name}", cell.ForwardParameters);
            w.Open();
            sizes.Add(Size.I);
            sizes.Add(Size.P);
            w.Line($"const int {string.Join(", ", new[] { Size.I, Size.H, Size.P }.Where(sizes.Contains).Select(s => $"{s} = {SizeConstant(d, s)}"))};");
            WriteReferences(w, cell, NeedsPaddedInput(cell, tier), nextHidden: true);
            w.Append(body.ToString());
            w.Line();
            w.Line($"_nextHidden.AsSpan(0, {output}).CopyTo(h);");
            w.Close();
            w.Line();
        }
    }

    /// <summary>
    /// How a tier covers <paramref name="rows"/> rows: <c>Loop</c> full blocks of the tier's width (in a loop), then one
    /// block of each narrower width the remainder still holds, then a last block of 4 that stores only the rows left.
    /// </summary>
    internal static (int Loop, IReadOnlyList<(int Offset, int Width, int? Count)> Tail) Plan(int rows, Tier tier)
    {
        int loop = rows / tier.Width, offset = loop * tier.Width;
        var tail = new List<(int, int, int?)>();
        foreach (int width in tier.Widths.Skip(1))
        {
            if (rows - offset < width) continue;
            tail.Add((offset, width, null));
            offset += width;
        }
        if (offset < rows)
            tail.Add((offset, tier.Widths[tier.Widths.Length - 1], rows - offset));
        return (loop, tail);
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
    private static void WritePass(SourceWriter w, CellEmitter cell, VectorPass pass, Tier tier, bool exact, HashSet<Size> sizes)
    {
        var d = cell.Direction;
        int rows = pass.Rows == Size.P ? d.Layer.Spec.OutputSize : d.Layer.Spec.HiddenSize;
        var (loop, tail) = Plan(rows, tier);
        w.Line();
        if (loop > 0)
        {
            sizes.Add(pass.Rows);
            w.Open($"for (int j = 0; j + {tier.Width} <= {pass.Rows}; j += {tier.Width})");
            pass.WriteBlock(w, new RowBlockWriter(cell, tier.Width, count: null, exact, sizes));
            w.Close();
        }
        foreach (var (offset, width, count) in tail)
        {
            string what = count is int c ? $"{c} row{(c == 1 ? "" : "s")} in a block of {width}" : $"a block of {width}";
            w.Open();
            w.Line($"// Rows {offset}…{offset + (count ?? width) - 1}: {what}");
            w.Line($"const int j = {SourceWriter.Number(offset)};");
            pass.WriteBlock(w, new RowBlockWriter(cell, width, count, exact, sizes));
            w.Close();
        }
    }

    private static string SizeConstant(DirectionLayout d, Size size) => size switch
    {
        Size.I => d.Layer.InputConstant,
        Size.H => d.Layer.HiddenConstant,
        Size.P => d.Layer.OutputConstant,
        _ => d.Layer.GatesConstant,
    };

    /// <summary>
    /// The opening lines every vectorised variant shares: refs to the weights, biases, x (or its padded copy), hPrev, the
    /// next-h target, every record and the previous carried state.
    /// </summary>
    private static void WriteReferences(SourceWriter w, CellEmitter cell, bool paddedInput, bool nextHidden)
    {
        var d = cell.Direction;
        w.Line($"ref float p = ref {Globals.MemoryMarshal}.GetArrayDataReference(_parameters);");
        w.Line($"ref float wIh = ref {Globals.Unsafe}.Add(ref p, {d.WeightIh});");
        w.Line($"ref float wHh = ref {Globals.Unsafe}.Add(ref p, {d.WeightHh});");
        if (d.BiasIh is not null)
        {
            w.Line($"ref float bIh = ref {Globals.Unsafe}.Add(ref p, {d.BiasIh});");
            w.Line($"ref float bHh = ref {Globals.Unsafe}.Add(ref p, {d.BiasHh});");
        }
        if (d.WeightHr is not null)
            w.Line($"ref float wHr = ref {Globals.Unsafe}.Add(ref p, {d.WeightHr});");
        if (paddedInput)
        {
            w.Line("x.CopyTo(_paddedInput);");
            w.Line($"ref float xRef = ref {Globals.MemoryMarshal}.GetArrayDataReference(_paddedInput);");
        }
        else
        {
            w.Line($"ref float xRef = ref {Globals.MemoryMarshal}.GetReference(x);");
        }
        w.Line($"ref float hRef = ref {Globals.MemoryMarshal}.GetReference(hPrev);");
        // The block variants write h to _nextHidden (h may alias hPrev, which later blocks still read); the paired-rows
        // variant writes h itself, after its last read of hPrev.
        w.Line(nextHidden
            ? $"ref float next = ref {Globals.MemoryMarshal}.GetArrayDataReference(_nextHidden);"
            : $"ref float next = ref {Globals.MemoryMarshal}.GetReference(h);");
        foreach (var record in cell.Records)
            w.Line($"ref float {record.Argument}Ref = ref {Globals.MemoryMarshal}.GetReference({record.Argument});");
        if (cell.CellState is { } c) w.Line($"ref float {c.Previous}Ref = ref {Globals.MemoryMarshal}.GetReference({c.Previous});");
    }
}

/// <summary>
/// The row-block strategy's <see cref="BlockWriter"/>: a block is <see cref="Width"/> rows j … j+Width−1 of one step
/// (of which the first <c>count</c> are stored, when given), gate q's rows starting at q·H + j, products from
/// <c>RowBlocks.Rows{Width}</c> over the row-major weights, every record written (Forward keeps them; Step writes its
/// scratch slot), h written to <c>_nextHidden</c>. It notes which size constants the block used.
/// </summary>
internal sealed class RowBlockWriter(CellEmitter cell, int width, int? count, bool exactActivations, HashSet<Size> sizesUsed) : BlockWriter(exactActivations)
{
    private readonly bool _bias = cell.Direction.BiasIh is not null;

    public int Width { get; } = width;

    /// <summary>The first row of gate <paramref name="q"/> in this block.</summary>
    private string Row(int q)
    {
        if (q > 0) sizesUsed.Add(Size.H);
        return q == 0 ? "j" : q == 1 ? "H + j" : $"{q} * H + j";
    }

    private string Columns(string columns)
    {
        sizesUsed.Add((Size)Enum.Parse(typeof(Size), columns));
        return columns;
    }

    /// <summary>The local holding a pre-activation's bias: <c>aI</c> → <c>bI</c>, <c>hn</c> → <c>bHn</c>.</summary>
    public static string BiasName(string preActivation) =>
        preActivation[0] == 'a' ? "b" + preActivation.Substring(1) : "b" + char.ToUpperInvariant(preActivation[0]) + preActivation.Substring(1);

    /// <summary>Width floats of <paramref name="reference"/> from <paramref name="offset"/>.</summary>
    private string LoadAt(string reference, string offset) => $"{Globals.RowBlocks}.Load{Width}(ref {reference}, {offset})";

    /// <summary>A statement storing <paramref name="value"/> (only the block's valid rows) to <paramref name="reference"/> at <paramref name="offset"/>.</summary>
    private string StoreAt(string value, string reference, string offset) => count is int rows
        ? $"{Globals.RowBlocks}.StorePartial({value}, ref {reference}, {offset}, {SourceWriter.Number(rows)});"
        : $"{Globals.RowBlocks}.Store{Width}({value}, ref {reference}, {offset});";

    public override string PreviousHidden => LoadAt("hRef", "j");

    public override string Previous(CarriedState state) => LoadAt($"{state.Previous}Ref", "j");

    public override string Load(RecordBuffer record, int? gate = null) => LoadAt($"{record.Argument}Ref", gate is int q ? Row(q) : "j");

    public override void Record(SourceWriter w, string value, RecordBuffer record, int? gate = null) =>
        w.Line(StoreAt(value, $"{record.Argument}Ref", gate is int q ? Row(q) : "j"));

    public override void Keep(SourceWriter w, string value, RecordBuffer record, int? gate = null) => Record(w, value, record, gate);

    public override void StoreCarried(SourceWriter w, string value, CarriedState state) => Record(w, value, state.Record);

    public override void StoreHidden(SourceWriter w, string value) => w.Line(StoreAt(value, "next", "j"));

    public override void PreActivation(SourceWriter w, string name, int q, Products products)
    {
        string row = Row(q), rows = $"{Globals.RowBlocks}.Rows{Width}";
        string input = $"ref wIh, {Columns("I")}, ref xRef", hidden = $"ref wHh, {Columns("P")}, ref hRef";
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
        string sum = products switch
        {
            Products.Both => $"{rows}({row}, {input}, {hidden}{(bias is null ? "" : ", " + bias)})",
            Products.InputOnly => $"{rows}({row}, {input}){(bias is null ? "" : " + " + bias)}",
            _ => $"{rows}({row}, {hidden}){(bias is null ? "" : " + " + bias)}",
        };
        w.Line($"var {name} = {sum};");
    }

    public override void Product(SourceWriter w, string name, int q, MatrixProduct product)
    {
        string row = Row(q);
        string? bias = null;
        if (product.Bias is { } b)
        {
            bias = BiasName(name);
            w.Line($"var {bias} = {LoadAt(b, row)};");
        }
        w.Line($"var {name} = {Globals.RowBlocks}.Rows{Width}({row}, ref {product.Matrix}, {Columns(product.Columns)}, ref {product.Vector}){(bias is null ? "" : " + " + bias)};");
    }
}

/// <summary>
/// Expressions for the paired-rows variant (AVX-512, H = 8): <c>Pairs16</c> yields 16 gate rows (two gates) in one
/// Vector512, <c>Pairs8</c> 8 rows (one gate) in a Vector256; rows start at <c>0</c> or <c>2 * H</c>.
/// </summary>
internal sealed class PairsWriter(CellEmitter cell, bool exactActivations)
{
    private readonly (string Sigmoid, string Tanh) _activations = BlockWriter.Activations(exactActivations);
    private readonly bool _bias = cell.Direction.BiasIh is not null;

    public string Sigmoid(string x) => $"{_activations.Sigmoid}({x})";
    public string Tanh(string x) => $"{_activations.Tanh}({x})";

    /// <summary>Declares <c>var {name}</c> = <paramref name="rows"/> gate rows from row <paramref name="row"/> (and the bias local first).</summary>
    public void PreActivation(SourceWriter w, string name, int rows, string row, Products products)
    {
        string vector = rows == 16 ? Globals.Vector512 : Globals.Vector256;
        string Load(string b) => $"{Globals.RowBlocks}.Load{rows}(ref {b}, {row})";
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
        string input = products == Products.HiddenOnly ? "ref wIh, 0, ref xRef" : "ref wIh, I, ref xRef";
        string hidden = products == Products.InputOnly ? "ref wHh, 0, ref hRef" : "ref wHh, H, ref hRef";
        w.Line($"var {name} = {Globals.RowBlocks}.Pairs{rows}({row}, {input}, {hidden}, {bias});");
    }

    public static string Relu(string x) => BlockWriter.Relu(x);

    public static string Lower(string v) => $"{Globals.Vector512}.GetLower({v})";
    public static string Upper(string v) => $"{Globals.Vector512}.GetUpper({v})";
    public static string Load8(string reference) => $"{Globals.Vector256}.LoadUnsafe(ref {reference})";

    /// <summary>A statement storing <paramref name="value"/> (Vector512 or Vector256 per <paramref name="rows"/>) at <paramref name="offset"/>.</summary>
    public static string Store(int rows, string value, string reference, string offset) =>
        $"{Globals.RowBlocks}.Store{rows}({value}, ref {reference}, {offset});";
}
