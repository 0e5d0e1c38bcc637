using RnnGen.Generator.Emit.Batch;

namespace RnnGen.Generator.Emit.Cells;

// The LSTM's backward step over lanes (docs/equations.md, Backward): one gradient da serves both products.
internal sealed partial class LstmCell : ILaneCell
{
    private static readonly LaneGradient s_da = new("da", Size.G);
    private static readonly GradientSource[] s_allRows = [new(s_da, "0", "G", "0")];

    public bool HasLaneBackward => Direction.WeightHr is null;

    public IReadOnlyList<LaneGradient> LaneGradients => [s_da];

    public IReadOnlyList<GradientSource> InputGradientSources => s_allRows;

    public IReadOnlyList<GradientSource> HiddenGradientSources => s_allRows;

    public bool HasDirectHiddenGradient => false;

    public void WriteLaneBackward(SourceWriter w, LaneBackwardWriter b)
    {
        var c = CellState!;
        w.Line($"var dh = {b.HiddenGradient};");
        w.Line($"var i = {b.Recorded(_gates, 0)};");
        w.Line($"var f = {b.Recorded(_gates, 1)};");
        w.Line($"var g = {b.Recorded(_gates, 2)};");
        w.Line($"var o = {b.Recorded(_gates, 3)};");
        w.Line($"var tc = {b.Recorded(_tanhCell)};");
        w.Line("// dc = dc_carry + dh ⊙ o ⊙ (1 − tanh²c')");
        w.Line($"var dc = {b.CarriedGradient(c)} + dh * o * (one - tc * tc);");
        w.Line("// da_i = dc ⊙ g ⊙ i(1 − i), da_f = dc ⊙ c ⊙ f(1 − f), da_g = dc ⊙ i ⊙ (1 − g²), da_o = dh ⊙ tanh(c') ⊙ o(1 − o)");
        b.StoreGradient(w, "dc * g * i * (one - i)", s_da, 0);
        b.StoreGradient(w, $"dc * {b.PreviousCarried(c)} * f * (one - f)", s_da, 1);
        b.StoreGradient(w, "dc * i * (one - g * g)", s_da, 2);
        b.StoreGradient(w, "dh * tc * o * (one - o)", s_da, 3);
        w.Line("// dc_carry ← dc ⊙ f");
        b.StoreCarriedGradient(w, "dc * f", c);
    }
}
