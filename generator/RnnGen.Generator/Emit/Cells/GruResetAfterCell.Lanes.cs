using RnnGen.Generator.Emit.Batch;

namespace RnnGen.Generator.Emit.Cells;

// The reset-after GRU's backward step over lanes (docs/equations.md, Backward): dgi = [dr, dz, dn] feeds the input
// products, dgh = [dr, dz, dn ⊙ r] the recurrent ones, so the n rows keep a second buffer dgh_n.
internal sealed partial class GruResetAfterCell : ILaneCell
{
    private static readonly LaneGradient s_dgi = new("dgi", Size.G), s_dghn = new("dghn", Size.H);

    public bool HasLaneBackward => true;

    public IReadOnlyList<LaneGradient> LaneGradients => [s_dgi, s_dghn];

    public IReadOnlyList<GradientSource> InputGradientSources => [new(s_dgi, "0", "G", "0")];

    public IReadOnlyList<GradientSource> HiddenGradientSources => [new(s_dgi, "0", "2 * H", "0"), new(s_dghn, "2 * H", "H", "0")];

    public bool HasDirectHiddenGradient => true;

    public void WriteLaneBackward(SourceWriter w, LaneBackwardWriter b)
    {
        w.Line($"var dh = {b.HiddenGradient};");
        w.Line($"var r = {b.Recorded(_gates, 0)};");
        w.Line($"var z = {b.Recorded(_gates, 1)};");
        w.Line($"var n = {b.Recorded(_gates, 2)};");
        w.Line($"var hn = {b.Recorded(_recurrentCandidate)};");
        w.Line("// dn = dh ⊙ (1 − z) ⊙ (1 − n²), dz = dh ⊙ (h − n) ⊙ z(1 − z), dr = dn ⊙ gh_n ⊙ r(1 − r)");
        w.Line("var dn = dh * (one - z) * (one - n * n);");
        w.Line($"var dz = dh * ({b.PreviousHidden} - n) * z * (one - z);");
        w.Line("var dr = dn * hn * r * (one - r);");
        w.Line("// dgi = [dr, dz, dn], dgh = [dr, dz, dn ⊙ r]; dh_carry starts as the direct path z ⊙ dh");
        b.StoreGradient(w, "dr", s_dgi, 0);
        b.StoreGradient(w, "dz", s_dgi, 1);
        b.StoreGradient(w, "dn", s_dgi, 2);
        b.StoreGradient(w, "dn * r", s_dghn, null);
        b.StoreDirectHiddenGradient(w, "dh * z");
    }
}
