using RnnGen.Generator.Emit.Batch;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit.Cells;

// The vanilla cell's backward step over lanes: act' from h' itself (1 − h'² for tanh, h' > 0 for relu).
internal sealed partial class RnnCell : ILaneCell
{
    private static readonly LaneGradient s_da = new("da", Size.G);
    private static readonly GradientSource[] s_allRows = [new(s_da, "0", "G", "0")];

    public bool HasLaneBackward => true;

    public IReadOnlyList<LaneGradient> LaneGradients => [s_da];

    public IReadOnlyList<GradientSource> InputGradientSources => s_allRows;

    public IReadOnlyList<GradientSource> HiddenGradientSources => s_allRows;

    public bool HasDirectHiddenGradient => false;

    public void WriteLaneBackward(SourceWriter w, LaneBackwardWriter b)
    {
        w.Line($"var dh = {b.HiddenGradient};");
        w.Line($"var h = {b.Hidden};");
        if (Layer.Cell == CellKind.RnnRelu)
        {
            w.Line("// relu'(a) = 1 where h > 0, else 0 (also at 0, as PyTorch)");
            b.StoreGradient(w, $"{Globals.Vector512}.ConditionalSelect({Globals.Vector512}.GreaterThan(h, {Globals.Vector512}<float>.Zero), dh, {Globals.Vector512}<float>.Zero)", s_da, 0);
        }
        else
        {
            w.Line("// tanh'(a) = 1 − h²");
            b.StoreGradient(w, "dh * (one - h * h)", s_da, 0);
        }
    }
}
