namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// LSTM, PyTorch <c>nn.LSTM</c> semantics, gate order i, f, g, o, with or without the <c>proj_size</c> projection:
/// <code>
/// a = W_ih x + b_ih + W_hh h + b_hh        i, f, o = σ(a_i, a_f, a_o), g = tanh(a_g)
/// c' = f ⊙ c + i ⊙ g                        h' = o ⊙ tanh(c')   (projected: h' = W_hr (o ⊙ tanh(c')))
/// </code>
/// Records per step: the activated gates, c', tanh(c') and, with a projection, the unprojected o ⊙ tanh(c').
/// The cell state c is carried from step to step through the c' record.
/// </summary>
internal sealed partial class LstmCell : CellEmitter, IVectorCell, IPairedRowsCell
{
    private readonly RecordBuffer _gates, _cell, _tanhCell;
    private readonly RecordBuffer? _unprojected;

    public LstmCell(DirectionLayout d) : base(d)
    {
        var layer = d.Layer;
        _gates = d.Record("gates", layer.GatesConstant);
        _cell = d.Record("cell", layer.HiddenConstant);
        _tanhCell = d.Record("tanhCell", layer.HiddenConstant);
        _unprojected = d.WeightHr is null ? null : d.Record("unprojected", layer.HiddenConstant);
        Records = _unprojected is null ? [_gates, _cell, _tanhCell] : [_gates, _cell, _tanhCell, _unprojected];
        CellState = new CarriedState("c", d.Tensors.Cell!.Key, layer.HiddenConstant, _cell, "_gradCellCarry");
    }

    public override string Description => Layer.ProjectionSize > 0 ? $"LSTM({Layer.HiddenSize}, projection {Layer.ProjectionSize})" : $"LSTM({Layer.HiddenSize})";

    public override IReadOnlyList<RecordBuffer> Records { get; }

    public override CarriedState? CellState { get; }

    protected override IReadOnlyList<Size> ForwardSizes => [Size.I, Size.H, Size.P, Size.G];

    protected override IReadOnlyList<Size> BackwardSizes => [Size.I, Size.H, Size.P, Size.G];

    protected override void WriteForward(SourceWriter w)
    {
        const string tp = Globals.TensorPrimitives;
        w.Line("// a = W_ih x + b_ih + W_hh h + b_hh, stacked in gate order i, f, g, o");
        WritePreActivation(w, "gates");
        w.Lines($$"""
            // i, f = σ(a_i, a_f); g = tanh(a_g); o = σ(a_o)
            {{tp}}.Sigmoid(gates.Slice(0, 2 * H), gates.Slice(0, 2 * H));
            {{tp}}.Tanh(gates.Slice(2 * H, H), gates.Slice(2 * H, H));
            {{tp}}.Sigmoid(gates.Slice(3 * H, H), gates.Slice(3 * H, H));
            // c' = f ⊙ c + i ⊙ g
            {{tp}}.Multiply(gates.Slice(H, H), cPrev, cell);
            {{tp}}.MultiplyAdd(gates.Slice(0, H), gates.Slice(2 * H, H), cell, cell);
            {{tp}}.Tanh(cell, tanhCell);
            """);
        if (Direction.WeightHr is null)
        {
            w.Line("// h' = o ⊙ tanh(c')");
            w.Line($"{tp}.Multiply(gates.Slice(3 * H, H), tanhCell, h);");
        }
        else
        {
            w.Line("// h' = W_hr (o ⊙ tanh(c'))");
            w.Line($"{tp}.Multiply(gates.Slice(3 * H, H), tanhCell, unprojected);");
            WriteWeightProduct(w, "Hr", null, "P", "unprojected", "h", accumulate: false);
        }
    }

    protected override void WriteBackward(SourceWriter w)
    {
        w.Line($"{Globals.Span} da = _gradGates.AsSpan(0, G);");
        if (Direction.WeightHr is null)
        {
            w.Line($"{Globals.ReadOnlySpan} dm = dh;");
        }
        else
        {
            w.Line("// h = W_hr m: dW_hr += dh ⊗ m, dm = W_hrᵀ dh");
            w.Line($"{Globals.MatrixOps}.OuterAdd(grad.Slice({Direction.WeightHr}, P * H), dh, unprojected);");
            w.Line($"{Globals.Span} dmBuffer = _gradUnprojected.AsSpan(0, H);");
            w.Line("dmBuffer.Clear();");
            w.Line($"{Globals.MatrixOps}.GemvTransposedAdd(p.Slice({Direction.WeightHr}, P * H), dh, dmBuffer);");
            w.Line($"{Globals.ReadOnlySpan} dm = dmBuffer;");
        }
        w.Lines("""
            // m = o ⊙ tanh(c), c = f ⊙ cPrev + i ⊙ g; da = dL/d(pre-activations), dcCarry becomes dL/d(cPrev)
            for (int j = 0; j < H; j++)
            {
                float i = gates[j], f = gates[H + j], g = gates[2 * H + j], o = gates[3 * H + j], tc = tanhCell[j];
                float dc = dcCarry[j] + dm[j] * o * (1f - tc * tc);
                da[j] = dc * g * i * (1f - i);
                da[H + j] = dc * cPrev[j] * f * (1f - f);
                da[2 * H + j] = dc * i * (1f - g * g);
                da[3 * H + j] = dm[j] * tc * o * (1f - o);
                dcCarry[j] = dc * f;
            }
            """);
        WriteSharedGateGradients(w, "da");
    }

    public IReadOnlyList<VectorPass> Passes => _unprojected is null
        ? [new(Size.H, WriteGates)]
        : [new(Size.H, WriteGates), new(Size.P, WriteProjection)];

    /// <summary>The gates, c' and m = o ⊙ tanh(c') for a block of hidden units; m is h' itself without a projection.</summary>
    private void WriteGates(SourceWriter w, BlockWriter b)
    {
        var c = CellState!;
        w.Line("// a = W_ih x + W_hh h + b_ih + b_hh for the block's rows of each gate; i, f, o = σ(a_i, a_f, a_o); g = tanh(a_g)");
        b.Gate(w, "i", 0, b.Sigmoid);
        b.Gate(w, "f", 1, b.Sigmoid);
        b.Gate(w, "g", 2, b.Tanh);
        b.Gate(w, "o", 3, b.Sigmoid);
        w.Line(_unprojected is null ? "// c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c')" : "// c' = f ⊙ c + i ⊙ g; m = o ⊙ tanh(c'), projected in the next pass");
        w.Line($"var c = f * {b.Previous(c)} + i * g;");
        w.Line($"var tc = {b.Tanh("c")};");
        w.Line(_unprojected is null ? "// What Backward needs (when recording), then the next c and h" : "// What Backward needs (when recording), the next c, and m for the projection");
        b.Record(w, "i", _gates, 0);
        b.Record(w, "f", _gates, 1);
        b.Record(w, "g", _gates, 2);
        b.Record(w, "o", _gates, 3);
        b.StoreCarried(w, "c", c);
        b.Record(w, "tc", _tanhCell);
        if (_unprojected is null)
            b.StoreHidden(w, "o * tc");
        else
            b.Keep(w, "o * tc", _unprojected);
    }

    /// <summary>h' = W_hr m for a block of the P rows of h.</summary>
    private void WriteProjection(SourceWriter w, BlockWriter b)
    {
        w.Line("// h' = W_hr m for the block's rows of h");
        b.Product(w, "projected", 0, new MatrixProduct("wHr", Size.H, _unprojected!.Argument + "Ref"));
        b.StoreHidden(w, "projected");
    }

    public void WritePairs(SourceWriter w, PairsWriter b)
    {
        w.Line("// [i | f] and [g | o]: 16 gate rows each; i, f, o = σ(a_i, a_f, a_o); g = tanh(a_g)");
        b.PreActivation(w, "aIF", 16, "0", Products.Both);
        w.Line($"var iF = {b.Sigmoid("aIF")};");
        b.PreActivation(w, "aGO", 16, "2 * H", Products.Both);
        w.Line($"var i = {PairsWriter.Lower("iF")};");
        w.Line($"var f = {PairsWriter.Upper("iF")};");
        w.Line($"var g = {b.Tanh(PairsWriter.Lower("aGO"))};");
        w.Line($"var o = {b.Sigmoid(PairsWriter.Upper("aGO"))};");
        w.Line("// c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c')");
        w.Line($"var c = f * {b.Previous(CellState!)} + i * g;");
        w.Line($"var tc = {b.Tanh("c")};");
        w.Line("// What Backward needs (when recording), the next c, then h (written last: it may alias hPrev)");
        b.Record(w, 16, "iF", _gates, "0");
        b.Record(w, 8, "g", _gates, "2 * H");
        b.Record(w, 8, "o", _gates, "3 * H");
        b.StoreCarried(w, "c", CellState!);
        b.Record(w, 8, "tc", _tanhCell, "0");
        b.StoreHidden(w, "o * tc");
    }
}
