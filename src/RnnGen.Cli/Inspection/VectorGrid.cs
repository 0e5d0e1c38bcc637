using RnnGen.Import.Model;

namespace RnnGen.Cli.Inspection;

/// <summary>
/// Hidden and projection sizes on and off the vector grid (multiples of <see cref="Spacing"/>). The generated cells run
/// every size, but an off-grid H pays for its padded rows, masked tails and weight rows that straddle cache lines:
/// docs/PERFORMANCE.md (Uniformity) measured some of them at up to about 1.8× the time per multiply-add of the nearest
/// on-grid size. <c>rnngen inspect</c> names such layers (<see cref="Notes"/>), and <c>rnngen bench</c> times the model
/// against its <see cref="Twin"/> and warns when the ratio exceeds <see cref="Tolerance"/>.
/// </summary>
internal static class VectorGrid
{
    /// <summary>The grid: a multiple of 8 fills whole AVX2 rows and AVX-512 row pairs.</summary>
    public const int Spacing = 8;

    /// <summary>The time per multiply-add off the grid, over the twin's, above which bench warns (issue #13's goal).</summary>
    public const double Tolerance = 1.3;

    /// <summary>
    /// Whether <paramref name="size"/> is off the grid. Sizes up to <see cref="Spacing"/> are not: they are narrower than
    /// one row of vector lanes, so there is no on-grid size of the same work to compare them with.
    /// </summary>
    public static bool Off(int size) => size > Spacing && size % Spacing != 0;

    /// <summary>The nearest multiple of <see cref="Spacing"/> (the lower one on a tie), at least <see cref="Spacing"/>.</summary>
    public static int Nearest(int size) => Math.Max(Spacing, (size + Spacing / 2 - 1) / Spacing * Spacing);

    /// <summary>The on-grid sizes either side of an off-grid <paramref name="size"/>, to suggest.</summary>
    public static (int Below, int Above) Neighbours(int size) => (size / Spacing * Spacing, (size / Spacing + 1) * Spacing);

    /// <summary>One layer size moved to the grid: <c>layer 0 H = 50 → 48</c>.</summary>
    public sealed record Move(int Layer, string Size, int From, int To)
    {
        public override string ToString() => $"layer {Layer} {Size} = {From} → {To}";
    }

    /// <summary>
    /// The same model with every off-grid hidden size (and projection size, where it stays below the hidden size) moved to
    /// <see cref="Nearest"/>, and the moves; null when every size is on the grid. Input size, embedding and head stay.
    /// </summary>
    public static (ModelDescription Twin, IReadOnlyList<Move> Moves)? Twin(ModelDescription model)
    {
        var moves = new List<Move>();
        var layers = new List<RecurrentLayer>();
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            int hidden = Off(layer.HiddenSize) ? Nearest(layer.HiddenSize) : layer.HiddenSize;
            if (hidden != layer.HiddenSize) moves.Add(new Move(i, "H", layer.HiddenSize, hidden));
            int projection = layer.ProjectionSize;
            if (Off(projection) && Nearest(projection) < hidden)
            {
                projection = Nearest(projection);
                moves.Add(new Move(i, "P", layer.ProjectionSize, projection));
            }
            layers.Add(layer with { HiddenSize = hidden, ProjectionSize = projection });
        }
        return moves.Count == 0 ? null : (model with { Layers = layers }, moves);
    }

    /// <summary>For <c>rnngen inspect</c>: a line per layer whose hidden or projection size is off the grid.</summary>
    public static IEnumerable<string> Notes(ModelDescription model)
    {
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            foreach (var (name, size) in new[] { ("H", layer.HiddenSize), ("P", layer.ProjectionSize) })
            {
                if (!Off(size)) continue;
                var (below, above) = Neighbours(size);
                yield return $"layer {i}: {name} = {size} is off the vector grid (multiples of {Spacing}); off-grid sizes measured up to "
                    + $"about 1.8× the time per multiply-add of the nearest on-grid size (docs/PERFORMANCE.md, Uniformity). "
                    + $"{name} = {below} or {above} avoids that; 'rnngen bench' measures this model against its on-grid twin on this machine";
            }
        }
    }
}
