using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// The vanilla (Elman) cell of PyTorch <c>nn.RNN</c>: <c>h' = act(W_ih x + b_ih + W_hh h + b_hh)</c> with act = tanh or
/// relu. No records: Backward recovers act' from h' itself (1 − h'² for tanh; h' &gt; 0 for relu).
/// </summary>
internal sealed partial class RnnCell(DirectionLayout d) : CellEmitter(d), IVectorCell, IPairedRowsCell
{
    private bool Relu => Layer.Cell == CellKind.RnnRelu;

    public override string Description => $"RNN({Layer.HiddenSize}, {(Relu ? "relu" : "tanh")})";

    public override IReadOnlyList<RecordBuffer> Records => [];

    protected override IReadOnlyList<Size> ForwardSizes => [Size.I, Size.P, Size.G];

    protected override IReadOnlyList<Size> BackwardSizes => [Size.I, Size.H, Size.P, Size.G];

    protected override void WriteForward(SourceWriter w)
    {
        w.Line($"{Globals.Span} a = _scratchGates.AsSpan(0, G);");
        w.Line("// a = W_ih x + b_ih + W_hh h + b_hh");
        WritePreActivation(w, "a");
        if (Relu)
        {
            w.Line("// h' = relu(a)");
            w.Line($"{Globals.TensorPrimitives}.Max(a, 0f, h);");
        }
        else
        {
            w.Line("// h' = tanh(a)");
            w.Line($"{Globals.TensorPrimitives}.Tanh(a, h);");
        }
    }

    protected override void WriteBackward(SourceWriter w)
    {
        w.Line($"{Globals.Span} da = _gradGates.AsSpan(0, G);");
        if (Relu)
        {
            w.Line("// relu'(a) = 1 where h > 0, else 0 (also at 0, as PyTorch)");
            w.Line("for (int j = 0; j < H; j++) da[j] = h[j] > 0f ? dh[j] : 0f;");
        }
        else
        {
            w.Line("// tanh'(a) = 1 − h²");
            w.Line("for (int j = 0; j < H; j++) da[j] = dh[j] * (1f - h[j] * h[j]);");
        }
        WriteSharedGateGradients(w, "da");
    }

    public IReadOnlyList<VectorPass> Passes => [new(Size.H, WriteBlock)];

    private void WriteBlock(SourceWriter w, BlockWriter b)
    {
        w.Line($"// h' = {(Relu ? "relu" : "tanh")}(W_ih x + W_hh h + b) for the block's rows");
        b.PreActivation(w, "a", 0, Products.Both);
        b.StoreHidden(w, Relu ? BlockWriter.Relu("a") : b.Tanh("a"));
    }

    public void WritePairs(SourceWriter w, PairsWriter b)
    {
        w.Line($"// h' = {(Relu ? "relu" : "tanh")}(W_ih x + W_hh h + b)");
        b.PreActivation(w, "a", 8, "0", Products.Both);
        b.StoreHidden(w, Relu ? PairsWriter.Relu("a") : b.Tanh("a"));
    }
}
