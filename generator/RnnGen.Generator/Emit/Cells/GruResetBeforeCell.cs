namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// GRU with the reset gate applied before the recurrent product, the classic Cho et al. form (Keras
/// <c>reset_after=False</c>, ONNX's default <c>linear_before_reset=0</c>), gate order r, z, n:
/// <code>
/// r, z = σ(W_i{r,z} x + b_i{r,z} + W_h{r,z} h + b_h{r,z})
/// n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)      h' = (1 − z) ⊙ n + z ⊙ h
/// </code>
/// Records per step: the activated gates r, z, n and r ⊙ h. PyTorch has no such cell; it is checked against an
/// independent float64 network and finite differences.
/// </summary>
internal sealed class GruResetBeforeCell : CellEmitter, IVectorCell
{
    private readonly RecordBuffer _gates, _resetHidden;

    public GruResetBeforeCell(DirectionLayout d) : base(d)
    {
        _gates = d.Record("gates", d.Layer.GatesConstant);
        _resetHidden = d.Record("resetHidden", d.Layer.HiddenConstant);
        Records = [_gates, _resetHidden];
    }

    public override string Description => $"GRU({Layer.HiddenSize}, reset before)";

    public override IReadOnlyList<RecordBuffer> Records { get; }

    protected override IReadOnlyList<Size> ForwardSizes => [Size.I, Size.H, Size.P, Size.G];

    protected override IReadOnlyList<Size> BackwardSizes => [Size.I, Size.H, Size.P, Size.G];

    protected override void WriteForward(SourceWriter w)
    {
        const string tp = Globals.TensorPrimitives;
        var d = Direction;
        w.Line("// gi = W_ih x + b_ih, stacked in gate order r, z, n");
        WriteBiasOrClear(w, d.BiasIh, "gates");
        WriteWeightProduct(w, "Ih", null, "G", "x", "gates");
        w.Line("// r, z = σ(gi + W_h{r,z} h + b_h{r,z})");
        if (d.BiasHh is not null)
            w.Line($"{tp}.Add(gates.Slice(0, 2 * H), p.Slice({d.BiasHh}, 2 * H), gates.Slice(0, 2 * H));");
        WriteWeightProduct(w, "Hh", null, "2 * H", "hPrev", "gates.Slice(0, 2 * H)");
        w.Line($"{tp}.Sigmoid(gates.Slice(0, 2 * H), gates.Slice(0, 2 * H));");
        w.Line("// n = tanh(gi_n + W_hn (r ⊙ h) + b_hn): the reset gate applies before the matmul");
        w.Line($"{tp}.Multiply(gates.Slice(0, H), hPrev, resetHidden);");
        if (d.BiasHh is not null)
            w.Line($"{tp}.Add(gates.Slice(2 * H, H), p.Slice({d.BiasHh} + 2 * H, H), gates.Slice(2 * H, H));");
        WriteWeightProduct(w, "Hh", "2 * H", "H", "resetHidden", "gates.Slice(2 * H, H)");
        w.Line($"{tp}.Tanh(gates.Slice(2 * H, H), gates.Slice(2 * H, H));");
        WriteStateUpdate(w);
    }

    protected override void WriteBackward(SourceWriter w)
    {
        const string tp = Globals.TensorPrimitives, mo = Globals.MatrixOps;
        var d = Direction;
        w.Line($"{Globals.Span} da = _gradGates.AsSpan(0, G);");
        w.Line($"{Globals.Span} dResetHidden = _gradRecurrent.AsSpan(0, H);");
        w.Lines("""
            // h' = n + z ⊙ (h − n); dhCarry starts as the direct path z ⊙ dh
            for (int j = 0; j < H; j++)
            {
                float z = gates[H + j], n = gates[2 * H + j];
                da[H + j] = dh[j] * (hPrev[j] - n) * z * (1f - z);
                da[2 * H + j] = dh[j] * (1f - z) * (1f - n * n);
                dhCarry[j] = dh[j] * z;
            }
            // n = tanh(... + W_hn (r ⊙ h)): d(r ⊙ h) = W_hnᵀ da_n, then split into r and h
            dResetHidden.Clear();
            """);
        w.Line($"{mo}.GemvTransposedAdd(p.Slice({d.WeightHh} + 2 * H * P, H * P), da.Slice(2 * H, H), dResetHidden);");
        w.Lines("""
            for (int j = 0; j < H; j++)
            {
                float r = gates[j];
                da[j] = dResetHidden[j] * hPrev[j] * r * (1f - r);
                dhCarry[j] += dResetHidden[j] * r;
            }
            """);
        w.Line($"{mo}.OuterAdd(grad.Slice({d.WeightIh}, G * I), da, x);");
        w.Line($"{mo}.OuterAdd(grad.Slice({d.WeightHh}, 2 * H * P), da.Slice(0, 2 * H), hPrev);");
        w.Line($"{mo}.OuterAdd(grad.Slice({d.WeightHh} + 2 * H * P, H * P), da.Slice(2 * H, H), resetHidden);");
        if (d.BiasIh is not null)
        {
            w.Line($"{tp}.Add(grad.Slice({d.BiasIh}, G), da, grad.Slice({d.BiasIh}, G));");
            w.Line($"{tp}.Add(grad.Slice({d.BiasHh}, G), da, grad.Slice({d.BiasHh}, G));");
        }
        w.Line($"if (!dx.IsEmpty) {mo}.GemvTransposedAdd(p.Slice({d.WeightIh}, G * I), da, dx);");
        w.Line($"{mo}.GemvTransposedAdd(p.Slice({d.WeightHh}, 2 * H * P), da.Slice(0, 2 * H), dhCarry);");
    }

    /// <summary>W_hn (r ⊙ h) needs r ⊙ h of every hidden unit: r, z and gi_n first, n and h' in a second pass.</summary>
    public IReadOnlyList<VectorPass> Passes => [new(Size.H, WriteGates), new(Size.H, WriteCandidate)];

    private void WriteGates(SourceWriter w, BlockWriter b)
    {
        w.Line("// r, z = σ(W_i{r,z} x + b_i{r,z} + W_h{r,z} h + b_h{r,z}); gi_n = W_in x + b_in");
        b.Gate(w, "r", 0, b.Sigmoid);
        b.Gate(w, "z", 1, b.Sigmoid);
        b.PreActivation(w, "aN", 2, Products.InputOnly);
        w.Line("// r for Backward; z, gi_n (in n's rows until the next pass) and r ⊙ h for the next pass");
        b.Record(w, "r", _gates, 0);
        b.Keep(w, "z", _gates, 1);
        b.Keep(w, "aN", _gates, 2);
        b.Keep(w, $"r * {b.PreviousHidden}", _resetHidden);
    }

    private void WriteCandidate(SourceWriter w, BlockWriter b)
    {
        w.Line("// n = tanh(gi_n + W_hn (r ⊙ h) + b_hn); h' = n + z ⊙ (h − n)");
        b.Product(w, "hn", 2, new MatrixProduct("wHh", Size.P, _resetHidden.Argument + "Ref", Direction.BiasHh is null ? null : "bHh"));
        w.Line($"var n = {b.Tanh($"{b.Load(_gates, 2)} + hn")};");
        w.Line($"var z = {b.Load(_gates, 1)};");
        w.Line("// n for Backward (when recording), then the next h");
        b.Record(w, "n", _gates, 2);
        b.StoreHidden(w, $"n + z * ({b.PreviousHidden} - n)");
    }

    /// <summary>The state update both GRU forms share, from the activated z and n in <c>gates</c>.</summary>
    internal static void WriteStateUpdate(SourceWriter w) => w.Lines("""
        // h' = (1 − z) ⊙ n + z ⊙ h
        for (int j = 0; j < H; j++)
        {
            float n = gates[2 * H + j];
            h[j] = n + gates[H + j] * (hPrev[j] - n);
        }
        """);
}
