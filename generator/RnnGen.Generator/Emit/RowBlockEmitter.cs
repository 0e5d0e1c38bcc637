using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>
/// The row-block strategy for a cell's forward step, picked per layer: when H is a multiple of the block width
/// (16 floats with AVX-512, 8 with AVX2), each block of hidden units gets its gate pre-activations from
/// <c>RowBlocks.Rows16/Rows8</c> (one accumulator per weight row, input and recurrent products in one reduction) and
/// runs its activations and state update in registers. The forward cell dispatches to it on a JIT-constant hardware
/// check and keeps the <c>TensorPrimitives</c> path for other machines and other shapes (projection, reset-before GRU,
/// H not a multiple of 8). Records are written exactly as that path writes them, so Backward is shared.
/// A cell with H = 8 gets a third variant for AVX-512 machines, <c>Cell{Id}Pairs</c>: its 8-float weight rows go two to a
/// 512-bit product (<c>RowBlocks.Pairs16/Pairs8</c>), halving the products and the reduction of the 8-wide block.
/// </summary>
internal static class RowBlockEmitter
{
    /// <summary>Block widths this direction's cell has a row-block variant for, widest first (empty: none).</summary>
    public static int[] Widths(DirectionLayout d)
    {
        var layer = d.Layer.Spec;
        bool supported = layer.Cell switch
        {
            CellKind.Lstm => layer.ProjectionSize == 0,
            CellKind.Gru => layer.ResetAfter,
            _ => true,
        };
        if (!supported) return [];
        if (layer.HiddenSize % 16 == 0) return [16, 8];
        return layer.HiddenSize % 8 == 0 ? [8] : [];
    }

    /// <summary>
    /// Whether the direction's cell also gets the paired-rows variant: H = 8 and an input of one float or whole chunks of
    /// 8 (the pair kernels read columns 8 at a time and have no masked partial chunk).
    /// </summary>
    public static bool UsesPairs(DirectionLayout d) =>
        Widths(d).Length > 0 && d.Layer.Spec.HiddenSize == 8 && (d.Layer.Input == 1 || d.Layer.Input % 8 == 0);

    /// <summary>Whether the layer's input must be copied to <c>_paddedInput</c> for a block width: its last chunk is partial and read whole.</summary>
    private static bool NeedsPaddedInput(DirectionLayout d, int width) => d.Layer.Input != 1 && d.Layer.Input % width != 0;

    /// <summary>Scratch fields the row-block cells use, if any layer has them.</summary>
    public static void EmitFields(SourceWriter w, ModelLayout layout)
    {
        var directions = layout.Layers.SelectMany(l => l.Directions).Where(d => Widths(d).Length > 0).ToList();
        if (directions.Count == 0) return;
        w.Line("// Row-block cells: the next hidden state (h may alias hPrev in Step), and inputs with a readable partial last block.");
        w.Line("private readonly float[] _nextHidden = new float[MaxOutput];");
        var padded = directions.Where(d => Widths(d).Any(width => NeedsPaddedInput(d, width))).Select(d => d.Layer.Input).ToList();
        if (padded.Count > 0)
            w.Line($"private readonly float[] _paddedInput = new float[{SourceWriter.Number((padded.Max() + 15) / 16 * 16)}];");
    }

    /// <summary>The first lines of the forward cell: hand the step to the widest row-block variant the machine runs.</summary>
    public static void EmitDispatch(SourceWriter w, DirectionLayout d, string arguments)
    {
        if (UsesPairs(d))
            w.Line($"if (global::System.Runtime.Intrinsics.X86.Avx512F.IsSupported) {{ Cell{d.Id}Pairs({arguments}); return; }}");
        foreach (int width in Widths(d))
        {
            string check = width == 16
                ? "global::System.Runtime.Intrinsics.X86.Avx512F.IsSupported"
                : "global::System.Runtime.Intrinsics.X86.Avx2.IsSupported && global::System.Runtime.Intrinsics.X86.Fma.IsSupported";
            w.Line($"if ({check}) {{ Cell{d.Id}Rows{width}({arguments}); return; }}");
        }
    }

    /// <summary>Writes <c>Cell{Id}Rows{width}</c> for every width of <see cref="Widths"/>.</summary>
    public static void EmitCells(SourceWriter w, DirectionLayout d, string parameters, bool exactActivations)
    {
        if (UsesPairs(d))
            EmitPairsCell(w, d, parameters, exactActivations);
        foreach (int width in Widths(d))
            EmitCell(w, d, width, parameters, exactActivations);
    }

    /// <summary>
    /// <c>Cell{Id}Pairs</c>: the whole H = 8 step from 16-row (two gates) and 8-row pair products. h is written last,
    /// after every read of hPrev, so it may alias hPrev without the <c>_nextHidden</c> copy.
    /// </summary>
    private static void EmitPairsCell(SourceWriter w, DirectionLayout d, string parameters, bool exactActivations)
    {
        var layer = d.Layer.Spec;
        bool bias = d.BiasIh is not null;
        var (sigmoid, tanh) = Activations(exactActivations);

        w.Line($"// Paired-rows variant of Cell{d.Id} (AVX-512, H = 8): two 8-float gate rows per 512-bit product; same results and records.");
        w.Open($"private void Cell{d.Id}Pairs({parameters})");
        EmitReferences(w, d, paddedInput: false, nextHidden: false);

        // Gate rows from `row` on: 16 (two gates, Vector512) or 8 (one gate, Vector256), from W_ih x, W_hh h or both.
        string Offset(string reference, string row) => row == "0" ? $"ref {reference}" : $"ref Unsafe.Add(ref {reference}, {row})";
        string Bias(string v, string row, bool ih, bool hh)
        {
            if (!bias) return $"{v}.Create(0f)";
            string Load(string b) => $"{v}.LoadUnsafe({Offset(b, row)})";
            return ih && hh ? $"{Load("bIh")} + {Load("bHh")}" : Load(ih ? "bIh" : "bHh");
        }
        string Scaled(string row, string size) => row == "0" ? "0" : $"{row} * {size}";
        string Pairs(int rows, string row, bool ih, bool hh)
        {
            string v = rows == 16 ? "Vector512" : "Vector256";
            string input = ih ? $"{Offset("wIh", Scaled(row, "I"))}, I, ref xRef" : "ref wIh, 0, ref xRef";
            string hidden = hh ? $"{Offset("wHh", Scaled(row, "H"))}, H, ref hRef" : "ref wHh, 0, ref hRef";
            return $"RowBlocks.Pairs{rows}({input}, {hidden}, {Bias(v, row, ih, hh)})";
        }
        string Store(string v, string value, string reference, string offset) =>
            $"{v}.StoreUnsafe({value}, {Offset(reference, offset)});";

        switch (layer.Cell)
        {
            case CellKind.Lstm:
                w.Line("// [i | f] and [g | o]: 16 gate rows each; c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c')");
                w.Line($"var iF = {sigmoid}({Pairs(16, "0", true, true)});");
                w.Line($"var gO = {Pairs(16, "2 * H", true, true)};");
                w.Line("var i = Vector512.GetLower(iF);");
                w.Line("var f = Vector512.GetUpper(iF);");
                w.Line($"var g = {tanh}(Vector512.GetLower(gO));");
                w.Line($"var o = {sigmoid}(Vector512.GetUpper(gO));");
                w.Line("var c = f * Vector256.LoadUnsafe(ref cRef) + i * g;");
                w.Line($"var tc = {tanh}(c);");
                w.Line(Store("Vector512", "iF", "gatesRef", "0"));
                w.Line(Store("Vector256", "g", "gatesRef", "2 * H"));
                w.Line(Store("Vector256", "o", "gatesRef", "3 * H"));
                w.Line(Store("Vector256", "c", "cellRef", "0"));
                w.Line(Store("Vector256", "tc", "tanhCellRef", "0"));
                w.Line("Vector256.StoreUnsafe(o * tc, ref MemoryMarshal.GetReference(h));");
                break;
            case CellKind.Gru:
                w.Line("// [r | z] = σ(gi + gh); n = tanh(gi_n + r ⊙ gh_n); h' = n + z ⊙ (h − n)");
                w.Line($"var rZ = {sigmoid}({Pairs(16, "0", true, true)});");
                w.Line("var r = Vector512.GetLower(rZ);");
                w.Line("var z = Vector512.GetUpper(rZ);");
                w.Line($"var hn = {Pairs(8, "2 * H", false, true)};");
                w.Line($"var n = {tanh}({Pairs(8, "2 * H", true, false)} + r * hn);");
                w.Line(Store("Vector512", "rZ", "gatesRef", "0"));
                w.Line(Store("Vector256", "n", "gatesRef", "2 * H"));
                w.Line(Store("Vector256", "hn", "recurrentCandidateRef", "0"));
                w.Line("Vector256.StoreUnsafe(n + z * (Vector256.LoadUnsafe(ref hRef) - n), ref MemoryMarshal.GetReference(h));");
                break;
            case CellKind.RnnRelu:
                w.Line("// h' = relu(W_ih x + W_hh h + b)");
                w.Line($"Vector256.StoreUnsafe(Vector256.Max({Pairs(8, "0", true, true)}, Vector256.Create(0f)), ref MemoryMarshal.GetReference(h));");
                break;
            default:
                w.Line("// h' = tanh(W_ih x + W_hh h + b)");
                w.Line($"Vector256.StoreUnsafe({tanh}({Pairs(8, "0", true, true)}), ref MemoryMarshal.GetReference(h));");
                break;
        }
        w.Close();
    }

    private static void EmitCell(SourceWriter w, DirectionLayout d, int width, string parameters, bool exactActivations)
    {
        var (sigmoid, tanh) = Activations(exactActivations);
        var layer = d.Layer.Spec;
        string v = width == 16 ? "Vector512" : "Vector256";
        string rows = $"RowBlocks.Rows{width}";
        bool bias = d.BiasIh is not null;

        w.Line($"// Row-block variant of Cell{d.Id}: {width} hidden units per block ({(width == 16 ? "AVX-512" : "AVX2")}), same results and records.");
        w.Open($"private void Cell{d.Id}Rows{width}({parameters})");
        EmitReferences(w, d, NeedsPaddedInput(d, width), nextHidden: true);

        string Load(string reference, string offset) => $"{v}.LoadUnsafe(ref Unsafe.Add(ref {reference}, {offset}))";
        string Store(string value, string reference, string offset) => $"{v}.StoreUnsafe({value}, ref Unsafe.Add(ref {reference}, {offset}));";
        // Pre-activation of gate q for this block: W_ih x + W_hh h (+ b_ih + b_hh), or one side of it.
        string Row(int q) => q == 0 ? "j" : q == 1 ? "H + j" : $"{q} * H + j";
        string Times(int q, string size) => q == 0 ? $"j * {size}" : $"({Row(q)}) * {size}";
        string Both(int q) => $"{rows}(ref Unsafe.Add(ref wIh, {Times(q, "I")}), I, ref xRef, ref Unsafe.Add(ref wHh, {Times(q, "H")}), H, ref hRef"
                              + (bias ? $", {Load("bIh", Row(q))} + {Load("bHh", Row(q))})" : ")");
        string InputOnly(int q) => $"{rows}(ref Unsafe.Add(ref wIh, {Times(q, "I")}), I, ref xRef)" + (bias ? $" + {Load("bIh", Row(q))}" : "");
        string HiddenOnly(int q) => $"{rows}(ref Unsafe.Add(ref wHh, {Times(q, "H")}), H, ref hRef)" + (bias ? $" + {Load("bHh", Row(q))}" : "");

        w.Open($"for (int j = 0; j < H; j += {width})");
        switch (layer.Cell)
        {
            case CellKind.Lstm:
                w.Line("// i, f, g, o from rows j… of each gate; c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c')");
                w.Line($"var i = {sigmoid}({Both(0)});");
                w.Line($"var f = {sigmoid}({Both(1)});");
                w.Line($"var g = {tanh}({Both(2)});");
                w.Line($"var o = {sigmoid}({Both(3)});");
                w.Line($"var c = f * {Load("cRef", "j")} + i * g;");
                w.Line($"var tc = {tanh}(c);");
                w.Line(Store("i", "gatesRef", Row(0)));
                w.Line(Store("f", "gatesRef", Row(1)));
                w.Line(Store("g", "gatesRef", Row(2)));
                w.Line(Store("o", "gatesRef", Row(3)));
                w.Line(Store("c", "cellRef", "j"));
                w.Line(Store("tc", "tanhCellRef", "j"));
                w.Line(Store("o * tc", "next", "j"));
                break;
            case CellKind.Gru:
                w.Line("// r, z = σ(gi + gh); n = tanh(gi_n + r ⊙ gh_n); h' = n + z ⊙ (h − n)");
                w.Line($"var r = {sigmoid}({Both(0)});");
                w.Line($"var z = {sigmoid}({Both(1)});");
                w.Line($"var hn = {HiddenOnly(2)};");
                w.Line($"var n = {tanh}({InputOnly(2)} + r * hn);");
                w.Line(Store("r", "gatesRef", Row(0)));
                w.Line(Store("z", "gatesRef", Row(1)));
                w.Line(Store("n", "gatesRef", Row(2)));
                w.Line(Store("hn", "recurrentCandidateRef", "j"));
                w.Line(Store($"n + z * ({Load("hRef", "j")} - n)", "next", "j"));
                break;
            case CellKind.RnnRelu:
                w.Line($"// h' = relu(W_ih x + W_hh h + b)");
                w.Line(Store($"{v}.Max({Both(0)}, {v}.Create(0f))", "next", "j"));
                break;
            default:
                w.Line($"// h' = tanh(W_ih x + W_hh h + b)");
                w.Line(Store($"{tanh}({Both(0)})", "next", "j"));
                break;
        }
        w.Close();
        w.Line($"_nextHidden.AsSpan(0, H).CopyTo(h);");
        w.Close();
    }

    /// <summary>
    /// The opening lines both vectorised variants share: the size constants, and refs to the weights, biases, x (or its padded
    /// copy), hPrev, the <c>_nextHidden</c> scratch if used, every record and cPrev (LSTM).
    /// </summary>
    private static void EmitReferences(SourceWriter w, DirectionLayout d, bool paddedInput, bool nextHidden)
    {
        w.Line($"const int I = {d.Layer.Name}Input, H = {d.Layer.Name}Hidden;");
        w.Line("ref float p = ref MemoryMarshal.GetArrayDataReference(_parameters);");
        w.Line($"ref float wIh = ref Unsafe.Add(ref p, {d.WeightIh});");
        w.Line($"ref float wHh = ref Unsafe.Add(ref p, {d.WeightHh});");
        if (d.BiasIh is not null)
        {
            w.Line($"ref float bIh = ref Unsafe.Add(ref p, {d.BiasIh});");
            w.Line($"ref float bHh = ref Unsafe.Add(ref p, {d.BiasHh});");
        }
        if (paddedInput)
        {
            w.Line("x.CopyTo(_paddedInput);");
            w.Line("ref float xRef = ref MemoryMarshal.GetArrayDataReference(_paddedInput);");
        }
        else
        {
            w.Line("ref float xRef = ref MemoryMarshal.GetReference(x);");
        }
        w.Line("ref float hRef = ref MemoryMarshal.GetReference(hPrev);");
        if (nextHidden) w.Line("ref float next = ref MemoryMarshal.GetArrayDataReference(_nextHidden);");
        foreach (var record in d.Records)
        {
            string name = CellEmitter.RecordName(record, d);
            w.Line($"ref float {name}Ref = ref MemoryMarshal.GetReference({name});");
        }
        if (d.Layer.Spec.Cell == CellKind.Lstm) w.Line("ref float cRef = ref MemoryMarshal.GetReference(cPrev);");
    }

    /// <summary>The σ and tanh a vectorised cell calls: <c>[RecurrentModel(Activations = ...)]</c> picks the rational (Fast) or e^x-based (Exact) pair.</summary>
    private static (string Sigmoid, string Tanh) Activations(bool exact) =>
        exact ? ("RowBlocks.Sigmoid", "RowBlocks.Tanh") : ("RowBlocks.FastSigmoid", "RowBlocks.FastTanh");
}
