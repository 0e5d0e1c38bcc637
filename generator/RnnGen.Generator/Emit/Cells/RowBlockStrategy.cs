namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// The row-block strategy for a cell's forward step, picked per layer: when H is a multiple of the block width
/// (16 floats with AVX-512, 8 with AVX2), each block of hidden units gets its gate pre-activations from
/// <c>RowBlocks.Rows16/Rows8</c> (one accumulator per weight row, input and recurrent products in one reduction) and
/// runs its activations and state update in registers. The portable cell dispatches to it on a JIT-constant check,
/// <c>KernelSelection.Avx512</c> or <c>.Avx2</c> (false when the machine lacks it or <c>KernelSelection.Portable</c> is set). Records are written exactly as the portable path writes them,
/// so Backward is shared. A cell with H = 8 gets a third variant for AVX-512 machines, <c>Cell{Id}Pairs</c>: its
/// 8-float weight rows go two to a 512-bit product (<c>RowBlocks.Pairs16/Pairs8</c>).
/// </summary>
internal static class RowBlockStrategy
{
    /// <summary>Block widths this cell has a row-block variant for, widest first (empty: none).</summary>
    public static int[] Widths(CellEmitter cell)
    {
        if (cell is not IVectorCell { HasVectorBody: true }) return [];
        int hidden = cell.Direction.Layer.Spec.HiddenSize;
        if (hidden % 16 == 0) return [16, 8];
        return hidden % 8 == 0 ? [8] : [];
    }

    /// <summary>
    /// Whether the cell also gets the paired-rows variant: H = 8 and an input of one float or whole chunks of 8 (the
    /// pair kernels read columns 8 at a time and have no masked partial chunk).
    /// </summary>
    public static bool UsesPairs(CellEmitter cell)
    {
        var layer = cell.Direction.Layer;
        return Widths(cell).Length > 0 && layer.Spec.HiddenSize == 8 && (layer.Input == 1 || layer.Input % 8 == 0);
    }

    /// <summary>Whether the layer's input must be copied to <c>_paddedInput</c> for a block width: its last chunk is partial and read whole.</summary>
    private static bool NeedsPaddedInput(CellEmitter cell, int width) => cell.Direction.Layer.Input != 1 && cell.Direction.Layer.Input % width != 0;

    /// <summary>Scratch fields the row-block cells use, if any cell has them.</summary>
    public static void WriteFields(SourceWriter w, ModelLayout layout)
    {
        var cells = layout.Cells.Where(c => Widths(c).Length > 0).ToList();
        if (cells.Count == 0) return;
        w.Line("// Row-block cells: the next hidden state (h may alias hPrev in Step), and inputs with a readable partial last block.");
        w.Line("private readonly float[] _nextHidden = new float[MaxOutput];");
        var padded = cells.Where(c => Widths(c).Any(width => NeedsPaddedInput(c, width))).Select(c => c.Direction.Layer.Input).ToList();
        if (padded.Count > 0)
            w.Line($"private readonly float[] _paddedInput = new float[{SourceWriter.Number((padded.Max() + 15) / 16 * 16)}];");
    }

    /// <summary>The first lines of the portable cell: hand the step to the widest variant the machine runs.</summary>
    public static void WriteDispatch(SourceWriter w, CellEmitter cell)
    {
        string id = cell.Direction.Id;
        if (UsesPairs(cell))
        {
            w.Open($"if ({Globals.KernelSelection}.Avx512)");
            w.Wrapped($"Cell{id}Pairs", cell.ForwardArguments, ";");
            w.Line("return;");
            w.Close();
        }
        foreach (int width in Widths(cell))
        {
            w.Open($"if ({Globals.KernelSelection}.{(width == 16 ? "Avx512" : "Avx2")})");
            w.Wrapped($"Cell{id}Rows{width}", cell.ForwardArguments, ";");
            w.Line("return;");
            w.Close();
        }
    }

    /// <summary>Writes <c>Cell{Id}Pairs</c> and <c>Cell{Id}Rows{width}</c> for every width of <see cref="Widths"/>.</summary>
    public static void WriteVariants(SourceWriter w, CellEmitter cell, bool exactActivations)
    {
        if (cell is not IVectorCell vector) return;
        string id = cell.Direction.Id;
        if (UsesPairs(cell))
        {
            w.Line($"// Paired-rows variant of Cell{id} (AVX-512, H = 8): two 8-float gate rows per 512-bit product; same results and records.");
            w.Wrapped($"private void Cell{id}Pairs", cell.ForwardParameters);
            w.Open();
            WriteReferences(w, cell, paddedInput: false, nextHidden: false);
            w.Line();
            vector.WritePairs(w, new PairsWriter(cell, exactActivations));
            w.Close();
            w.Line();
        }
        foreach (int width in Widths(cell))
        {
            w.Line($"// Row-block variant of Cell{id}: {width} hidden units per block ({(width == 16 ? "AVX-512" : "AVX2")}), same results and records.");
            w.Wrapped($"private void Cell{id}Rows{width}", cell.ForwardParameters);
            w.Open();
            WriteReferences(w, cell, NeedsPaddedInput(cell, width), nextHidden: true);
            w.Line();
            w.Open($"for (int j = 0; j < H; j += {width})");
            vector.WriteBlock(w, new RowBlockWriter(cell, width, exactActivations));
            w.Close();
            w.Line();
            w.Line("_nextHidden.AsSpan(0, H).CopyTo(h);");
            w.Close();
            w.Line();
        }
    }

    /// <summary>
    /// The opening lines every vectorised variant shares: the size constants, and refs to the weights, biases, x (or its
    /// padded copy), hPrev, the <c>_nextHidden</c> scratch if used, every record and the previous cell state.
    /// </summary>
    private static void WriteReferences(SourceWriter w, CellEmitter cell, bool paddedInput, bool nextHidden)
    {
        var d = cell.Direction;
        w.Line($"const int I = {d.Layer.InputConstant}, H = {d.Layer.HiddenConstant};");
        w.Line($"ref float p = ref {Globals.MemoryMarshal}.GetArrayDataReference(_parameters);");
        w.Line($"ref float wIh = ref {Globals.Unsafe}.Add(ref p, {d.WeightIh});");
        w.Line($"ref float wHh = ref {Globals.Unsafe}.Add(ref p, {d.WeightHh});");
        if (d.BiasIh is not null)
        {
            w.Line($"ref float bIh = ref {Globals.Unsafe}.Add(ref p, {d.BiasIh});");
            w.Line($"ref float bHh = ref {Globals.Unsafe}.Add(ref p, {d.BiasHh});");
        }
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
/// The row-block strategy's <see cref="BlockWriter"/>: a block is <see cref="Width"/> hidden units j … j+Width−1 of one
/// step, gate q's rows starting at q·H + j, pre-activations from <c>RowBlocks.Rows{Width}</c> over the row-major weights,
/// every record written (Forward keeps them; Step writes its scratch slot), h written to <c>_nextHidden</c>.
/// </summary>
internal sealed class RowBlockWriter(CellEmitter cell, int width, bool exactActivations) : BlockWriter(exactActivations)
{
    private readonly bool _bias = cell.Direction.BiasIh is not null;

    public int Width { get; } = width;

    /// <summary>The first row of gate <paramref name="q"/> in this block.</summary>
    public static string Row(int q) => q == 0 ? "j" : q == 1 ? "H + j" : $"{q} * H + j";

    /// <summary>The local holding a pre-activation's bias: <c>aI</c> → <c>bI</c>, <c>hn</c> → <c>bHn</c>.</summary>
    public static string BiasName(string preActivation) =>
        preActivation[0] == 'a' ? "b" + preActivation.Substring(1) : "b" + char.ToUpperInvariant(preActivation[0]) + preActivation.Substring(1);

    /// <summary>Width floats of <paramref name="reference"/> from <paramref name="offset"/>.</summary>
    private string Load(string reference, string offset) => $"{Globals.RowBlocks}.Load{Width}(ref {reference}, {offset})";

    /// <summary>A statement storing <paramref name="value"/> to <paramref name="reference"/> at <paramref name="offset"/>.</summary>
    private string Store(string value, string reference, string offset) => $"{Globals.RowBlocks}.Store{Width}({value}, ref {reference}, {offset});";

    public override string PreviousHidden => Load("hRef", "j");

    public override string Previous(CarriedState state) => Load($"{state.Previous}Ref", "j");

    public override void Record(SourceWriter w, string value, RecordBuffer record, int? gate = null) =>
        w.Line(Store(value, $"{record.Argument}Ref", gate is int q ? Row(q) : "j"));

    public override void StoreCarried(SourceWriter w, string value, CarriedState state) => Record(w, value, state.Record);

    public override void StoreHidden(SourceWriter w, string value) => w.Line(Store(value, "next", "j"));

    public override void PreActivation(SourceWriter w, string name, int q, Products products)
    {
        string row = Row(q), rows = $"{Globals.RowBlocks}.Rows{Width}";
        string input = "ref wIh, I, ref xRef", hidden = "ref wHh, H, ref hRef";
        string? bias = null;
        if (_bias)
        {
            bias = BiasName(name);
            string value = products switch
            {
                Products.Both => $"{Load("bIh", row)} + {Load("bHh", row)}",
                Products.InputOnly => Load("bIh", row),
                _ => Load("bHh", row),
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
