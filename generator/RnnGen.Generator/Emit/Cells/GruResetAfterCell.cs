namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// GRU with the reset gate applied after the recurrent product (PyTorch <c>nn.GRU</c>, Keras <c>reset_after=True</c>,
/// ONNX <c>linear_before_reset=1</c>), gate order r, z, n:
/// <code>
/// gi = W_ih x + b_ih, gh = W_hh h + b_hh     r, z = σ(gi_r + gh_r, gi_z + gh_z)
/// n = tanh(gi_n + r ⊙ gh_n)                  h' = (1 − z) ⊙ n + z ⊙ h
/// </code>
/// Records per step: the activated gates r, z, n and the recurrent candidate gh_n.
/// </summary>
internal sealed partial class GruResetAfterCell : CellEmitter, IVectorCell, IPairedRowsCell
{
    private readonly RecordBuffer _gates, _recurrentCandidate;

    public GruResetAfterCell(DirectionLayout d) : base(d)
    {
        _gates = d.Record("gates", d.Layer.GatesConstant);
        _recurrentCandidate = d.Record("recurrentCandidate", d.Layer.HiddenConstant);
        Records = [_gates, _recurrentCandidate];
    }

    public override string Description => $"GRU({Layer.HiddenSize}, reset after)";

    public override IReadOnlyList<RecordBuffer> Records { get; }

    protected override IReadOnlyList<Size> ForwardSizes => [Size.I, Size.H, Size.P, Size.G];

    protected override IReadOnlyList<Size> BackwardSizes => [Size.I, Size.H, Size.P, Size.G];

    protected override void WriteForward(SourceWriter w)
    {
        const string tp = Globals.TensorPrimitives;
        var d = Direction;
        w.Line($"{Globals.Span} recurrent = _scratchGates.AsSpan(0, G);");
        w.Line("// gi = W_ih x + b_ih, gh = W_hh h + b_hh, stacked in gate order r, z, n");
        WriteBiasOrClear(w, d.BiasIh, "gates");
        WriteWeightProduct(w, "Ih", null, "G", "x", "gates");
        WriteBiasOrClear(w, d.BiasHh, "recurrent");
        WriteWeightProduct(w, "Hh", null, "G", "hPrev", "recurrent");
        w.Lines($$"""
            // r, z = σ(gi + gh)
            {{tp}}.Add(gates.Slice(0, 2 * H), recurrent.Slice(0, 2 * H), gates.Slice(0, 2 * H));
            {{tp}}.Sigmoid(gates.Slice(0, 2 * H), gates.Slice(0, 2 * H));
            // n = tanh(gi_n + r ⊙ (W_hn h + b_hn)): the reset gate applies after the matmul
            recurrent.Slice(2 * H, H).CopyTo(recurrentCandidate);
            {{tp}}.MultiplyAdd(gates.Slice(0, H), recurrentCandidate, gates.Slice(2 * H, H), gates.Slice(2 * H, H));
            {{tp}}.Tanh(gates.Slice(2 * H, H), gates.Slice(2 * H, H));
            """);
        GruResetBeforeCell.WriteStateUpdate(w);
    }

    protected override void WriteBackward(SourceWriter w)
    {
        const string tp = Globals.TensorPrimitives, mo = Globals.MatrixOps;
        var d = Direction;
        w.Line($"{Globals.Span} dgi = _gradGates.AsSpan(0, G);");
        w.Line($"{Globals.Span} dgh = _gradRecurrent.AsSpan(0, G);");
        w.Lines("""
            // h' = n + z ⊙ (h − n), n = tanh(gi_n + r ⊙ gh_n); dhCarry starts as the direct path z ⊙ dh
            for (int j = 0; j < H; j++)
            {
                float r = gates[j], z = gates[H + j], n = gates[2 * H + j];
                float dn = dh[j] * (1f - z) * (1f - n * n);
                float dz = dh[j] * (hPrev[j] - n) * z * (1f - z);
                float dr = dn * recurrentCandidate[j] * r * (1f - r);
                dgi[j] = dr; dgi[H + j] = dz; dgi[2 * H + j] = dn;
                dgh[j] = dr; dgh[H + j] = dz; dgh[2 * H + j] = dn * r;
                dhCarry[j] = dh[j] * z;
            }
            """);
        w.Line($"{mo}.OuterAdd(grad.Slice({d.WeightIh}, G * I), dgi, x);");
        w.Line($"{mo}.OuterAdd(grad.Slice({d.WeightHh}, G * P), dgh, hPrev);");
        if (d.BiasIh is not null)
        {
            w.Line($"{tp}.Add(grad.Slice({d.BiasIh}, G), dgi, grad.Slice({d.BiasIh}, G));");
            w.Line($"{tp}.Add(grad.Slice({d.BiasHh}, G), dgh, grad.Slice({d.BiasHh}, G));");
        }
        w.Line($"if (!dx.IsEmpty) {mo}.GemvTransposedAdd(p.Slice({d.WeightIh}, G * I), dgi, dx);");
        w.Line($"{mo}.GemvTransposedAdd(p.Slice({d.WeightHh}, G * P), dgh, dhCarry);");
    }

    public IReadOnlyList<VectorPass> Passes => [new(Size.H, WriteBlock)];

    private void WriteBlock(SourceWriter w, BlockWriter b)
    {
        w.Line("// r, z = σ(gi + gh) for the block's rows of each gate");
        b.Gate(w, "r", 0, b.Sigmoid);
        b.Gate(w, "z", 1, b.Sigmoid);
        w.Line("// n = tanh(gi_n + r ⊙ gh_n); h' = n + z ⊙ (h − n)");
        b.PreActivation(w, "hn", 2, Products.HiddenOnly);
        b.PreActivation(w, "aN", 2, Products.InputOnly);
        w.Line($"var n = {b.Tanh("aN + r * hn")};");
        w.Line("// What Backward needs (when recording), then the next h");
        b.Record(w, "r", _gates, 0);
        b.Record(w, "z", _gates, 1);
        b.Record(w, "n", _gates, 2);
        b.Record(w, "hn", _recurrentCandidate);
        b.StoreHidden(w, $"n + z * ({b.PreviousHidden} - n)");
    }

    public void WritePairs(SourceWriter w, PairsWriter b)
    {
        w.Line("// [r | z] = σ(gi + gh): 16 gate rows");
        b.PreActivation(w, "aRZ", 16, "0", Products.Both);
        w.Line($"var rZ = {b.Sigmoid("aRZ")};");
        w.Line($"var r = {PairsWriter.Lower("rZ")};");
        w.Line($"var z = {PairsWriter.Upper("rZ")};");
        w.Line("// n = tanh(gi_n + r ⊙ gh_n); h' = n + z ⊙ (h − n)");
        b.PreActivation(w, "hn", 8, "2 * H", Products.HiddenOnly);
        b.PreActivation(w, "aN", 8, "2 * H", Products.InputOnly);
        w.Line($"var n = {b.Tanh("aN + r * hn")};");
        w.Line("// What Backward needs (when recording), then h (written last: it may alias hPrev)");
        b.Record(w, 16, "rZ", _gates, "0");
        b.Record(w, 8, "n", _gates, "2 * H");
        b.Record(w, 8, "hn", _recurrentCandidate, "0");
        b.StoreHidden(w, $"n + z * ({b.PreviousHidden} - n)");
    }
}
