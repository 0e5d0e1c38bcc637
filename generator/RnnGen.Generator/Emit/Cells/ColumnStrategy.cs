using static RnnGen.Generator.Emit.Globals;

namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// The column strategy for an inference copy's Step (<c>{Model}.Inference</c>, AVX-512): the same passes and blocks as the
/// row-block strategy, with the products from <c>ColumnBlocks.Rows{16,8,4}</c> over a packed copy of W_ih, W_hh and W_hr
/// (<c>_columns</c>, packed once when the copy is made): each gate's whole tiles of 16 rows, then its last rows in one
/// tile of 4, 8 or 16, each tile stored column by column. A block is then one FMA per column and needs no transposing
/// reduction; an off-grid width costs its columns, not whole 16-float chunks.
/// Only an inference copy has <c>_columns</c>: its weights are its own and nothing can write them, so the copy cannot go
/// stale. A model's own Step keeps reading <c>Parameters</c>, which training and user code write.
/// </summary>
internal static class ColumnStrategy
{
    /// <summary>The variant's name and flag, and its block widths: whole tiles of 16, a gate's last rows in one of 4, 8 or 16.</summary>
    public static readonly RowBlockStrategy.Tier Tier = new("Columns", "Avx512", "AVX-512, packed column-major tiles of 16 rows (a gate's last rows in one of 4, 8 or 16)", [16, 8, 4]);

    /// <summary>
    /// Whether the model gets an inference copy: it can Step, runs float32 weights (a low-precision model already runs
    /// copies of its own) and its cells have vector bodies.
    /// </summary>
    public static bool Applies(ModelLayout layout) =>
        layout.Spec.CanStep && layout.Quantized is null && layout.Cells.Any() && layout.Cells.All(RowBlockStrategy.Applies);

    /// <summary>
    /// Whether a direction's inference Step takes the column cells: unless its packed matrices would overflow the 48 KB
    /// L1 data cache while its row-major ones fit, where the padding of the tail tiles costs more than the reductions it
    /// saves (measured when every gate was padded to whole tiles of 16: LSTM 8→50 packed to 59 KB against 46 KB
    /// row-major ran 1.25× slower). Such a layer runs the row cells (paired rows for H = 8, else blocks of 16) over the
    /// copy's own parameters. H = 8 itself takes the columns: a tile of 8 a gate measured faster than the paired rows
    /// (LSTM 8→8 48 against 64 ns, GRU 42 against 64, LSTM 1→8 58 against 61).
    /// </summary>
    public static bool UsesColumns(CellEmitter cell)
    {
        var d = cell.Direction;
        var s = d.Layer.Spec;
        // Floats of W_ih, W_hh and W_hr with a gate's rows counted as given: as they are, or as packed.
        long Floats(Func<int, int, int> rows) =>
            (long)rows(s.GateCount, s.HiddenSize) * (d.Layer.Input + s.OutputSize) + (d.WeightHr is null ? 0 : (long)rows(1, s.OutputSize) * s.HiddenSize);
        const long l1 = 48 * 1024 / sizeof(float);
        return !(Floats(PackedRows) > l1 && Floats((gates, rows) => gates * rows) <= l1);
    }

    /// <summary>Whether a direction of the model has a column cell: the model has an inference copy and the direction takes the columns.</summary>
    public static bool HasColumnCell(ModelLayout layout, CellEmitter cell) => Applies(layout) && UsesColumns(cell);

    /// <summary>Whether any direction of the model takes the column cells: then an inference copy packs and dispatches.</summary>
    public static bool AnyColumns(ModelLayout layout) => layout.Cells.Any(cell => HasColumnCell(layout, cell));

    // The tiling of ColumnBlocks.Pack (src/RnnGen/Kernels/ColumnBlocks.cs), which the generated code must address exactly
    // as the runtime packs it; the generator cannot call the runtime, so these three repeat TailWidth, PackedRows and
    // TileRow (InferenceTests and the conformance cases fail if they part).

    /// <summary>The width of the tile that holds a gate's last <paramref name="rows"/> mod 16 rows: 0 (none), 4, 8 or 16.</summary>
    public static int TailWidth(int rows) => (rows % 16) switch { 0 => 0, <= 4 => 4, <= 8 => 8, _ => 16 };

    /// <summary>The packed rows of a matrix of <paramref name="gates"/> × <paramref name="rows"/> rows.</summary>
    public static int PackedRows(int gates, int rows) => gates * (rows / 16 * 16 + TailWidth(rows));

    /// <summary>
    /// The packed row of gate <paramref name="q"/>'s block at unit <c>j</c> of a matrix of <paramref name="gates"/> ×
    /// <paramref name="rows"/> rows: in the loop over whole tiles <c>q·whole + j</c>; the block of a gate's last rows,
    /// its tail tile after every gate's whole tiles.
    /// </summary>
    public static string Row(int gates, int rows, int q, bool inLoop)
    {
        int whole = rows / 16 * 16;
        if (inLoop) return q == 0 ? "j" : $"{SourceWriter.Number(q * whole)} + j";
        return SourceWriter.Number(gates * whole + q * TailWidth(rows));
    }

    /// <summary>The constant holding the offset of a direction's packed matrix (<c>cIh</c>, <c>cHh</c>, <c>cHr</c>) in <c>_columns</c>.</summary>
    public static string Offset(DirectionLayout d, string name) => name switch
    {
        "cIh" => "ColumnsIh" + d.Id,
        "cHh" => "ColumnsHh" + d.Id,
        _ => "ColumnsHr" + d.Id,
    };

    /// <summary>The offsets of the packed matrices, and their total.</summary>
    public static void WriteConstants(SourceWriter w, ModelLayout layout)
    {
        if (!AnyColumns(layout)) return;
        w.Line("// An inference copy's packed weights (_columns, ColumnBlocks.Pack): per direction W_ih, W_hh (and W_hr) as every");
        w.Line("// gate's tiles of 16 rows, then every gate's last rows in a tile of 4, 8 or 16, each tile column by column.");
        int offset = 0;
        foreach (var layer in layout.Layers)
            foreach (var d in layer.Directions.Where(d => UsesColumns(d.Cell)))
            {
                var s = layer.Spec;
                int rows = PackedRows(s.GateCount, s.HiddenSize);
                var parts = new List<string>
                {
                    $"{Offset(d, "cIh")} = {SourceWriter.Number(offset)}",
                    $"{Offset(d, "cHh")} = {SourceWriter.Number(offset += layer.Input * rows)}",
                };
                offset += s.OutputSize * rows;
                if (d.WeightHr is not null)
                {
                    parts.Add($"{Offset(d, "cHr")} = {SourceWriter.Number(offset)}");
                    offset += s.HiddenSize * PackedRows(1, s.OutputSize);
                }
                w.Line($"private const int {string.Join(", ", parts)};");
            }
        w.Line($"private const int ColumnCount = {SourceWriter.Number(offset)};");
        w.Line();
    }

    /// <summary>The packed weights: null except in an inference copy.</summary>
    public static void WriteFields(SourceWriter w, ModelLayout layout)
    {
        if (!AnyColumns(layout)) return;
        w.Line("// An inference copy's packed weights (null in a model): see the Inference class.");
        w.Line("private readonly float[]? _columns;");
        w.Line("private readonly int _columnsOrigin;");
    }

    /// <summary>The constructor of an inference copy: the source's parameters and state copied, the matrices packed.</summary>
    public static void WriteConstructor(SourceWriter w, ModelLayout layout)
    {
        if (!Applies(layout)) return;
        string type = layout.Spec.TypeName;
        w.Line("// An inference copy (see Inference): the source's parameters and state as they are now, its matrices packed by column.");
        w.Open($"private {type}({type} source) : this({AlignedArrays}.Allocate(ParameterCount + ParameterPadding, out int origin), origin, global::System.Array.Empty<float>())");
        w.Line("source.Parameters.CopyTo(Parameters);");
        w.Line("source.State.CopyTo(State);");
        if (AnyColumns(layout)) WritePacking(w, layout);
        w.Close();
        w.Line();
    }

    /// <summary>The constructor's packing: each column cell's matrices into <c>_columns</c>.</summary>
    private static void WritePacking(SourceWriter w, ModelLayout layout)
    {
        w.Line($"_columns = {AlignedArrays}.Allocate(ColumnCount + Padding, out _columnsOrigin);");
        w.Line($"{Span} columns = _columns.AsSpan(_columnsOrigin, ColumnCount);");
        w.Line($"{Span} p = Parameters;");
        foreach (var layer in layout.Layers)
            foreach (var d in layer.Directions.Where(d => UsesColumns(d.Cell)))
            {
                var l = d.Layer;
                w.Line($"global::RnnGen.Kernels.ColumnBlocks.Pack(p.Slice({d.WeightIh}, {l.GatesConstant} * {l.InputConstant}), {l.Spec.GateCount}, {l.HiddenConstant}, {l.InputConstant}, columns.Slice({Offset(d, "cIh")}));");
                w.Line($"global::RnnGen.Kernels.ColumnBlocks.Pack(p.Slice({d.WeightHh}, {l.GatesConstant} * {l.OutputConstant}), {l.Spec.GateCount}, {l.HiddenConstant}, {l.OutputConstant}, columns.Slice({Offset(d, "cHh")}));");
                if (d.WeightHr is not null)
                    w.Line($"global::RnnGen.Kernels.ColumnBlocks.Pack(p.Slice({d.WeightHr}, {l.OutputConstant} * {l.HiddenConstant}), 1, {l.OutputConstant}, {l.HiddenConstant}, columns.Slice({Offset(d, "cHr")}));");
            }
    }

    /// <summary>The first lines of Step: an inference copy on AVX-512 takes the column cells.</summary>
    public static void WriteDispatch(SourceWriter w, ModelLayout layout, string input)
    {
        if (!AnyColumns(layout)) return;
        w.Open($"if (_columns is not null && {KernelSelection}.{Tier.Flag})");
        w.Line($"Step{Tier.Name}({input}, output);");
        w.Line("return;");
        w.Close();
    }

    /// <summary>
    /// The nested <c>Inference</c> class: an inference-only copy of the model whose weights nobody can write, and
    /// <c>ToInference()</c> on the model.
    /// </summary>
    public static void WriteInference(SourceWriter w, ModelLayout layout)
    {
        if (!Applies(layout)) return;
        string t = layout.Spec.TypeName;
        bool tokens = layout.Spec.Embedding is not null;
        string face = tokens ? "global::RnnGen.ITokenStepInference" : "global::RnnGen.IStepInference";
        w.Lines($$"""
            /// <summary>
            /// An inference-only copy of this model (<see cref="Inference"/>): its weights and state as they are now, its
            /// weights its own from then on. Make a new one after training or loading new weights.
            /// </summary>
            public Inference ToInference() => new(this);

            /// <summary>
            /// An inference-only copy of a <see cref="{{t}}"/>: the weights and state it was made from, its weights its own (no
            /// <c>Parameters</c>, no training), so its Step can run a layout of them made for inference. With AVX-512 it packs
            /// W_ih, W_hh (and W_hr) in column-major tiles of 16 rows (a gate's last rows in a tile of 4, 8 or 16), which saves the row blocks' reductions and makes a hidden
            /// size off the vector grid cost its columns rather than whole 16-float chunks (docs/inference.md); elsewhere its
            /// Step is the model's. Results match the model's Step to float32 rounding (the sums run in another order).
            /// Allocates nothing after construction.
            /// </summary>
            """);
        w.Open($"public sealed class Inference : {face}");
        w.Lines($$"""
            private readonly {{t}} _model;

            /// <summary>A copy of <paramref name="model"/>'s weights and state as they are now; later changes to the model do not reach it.</summary>
            public Inference({{t}} model)
            {
                global::System.ArgumentNullException.ThrowIfNull(model);
                _model = new {{t}}(model);
            }

            /// <inheritdoc />
            public int InputSize => {{t}}.InputSize;
            /// <inheritdoc />
            public int OutputSize => {{t}}.OutputSize;
            /// <inheritdoc />
            public {{Span}} State => _model.State;
            /// <inheritdoc />
            public global::System.Collections.Generic.IReadOnlyList<global::RnnGen.StateTensor> StateTensors => _model.StateTensors;
            /// <inheritdoc />
            public void ResetState() => _model.ResetState();
            """);
        if (tokens)
        {
            w.Line("/// <inheritdoc />");
            w.Line($"public void Step(int token, {Span} output) => _model.Step(token, output);");
            w.Line("/// <inheritdoc />");
            w.Line($"public bool TryStep(int token, {Span} output) => _model.TryStep(token, output);");
        }
        else
        {
            w.Line("/// <inheritdoc />");
            w.Line($"public void Step({ReadOnlySpan} input, {Span} output) => _model.Step(input, output);");
            w.Line("/// <inheritdoc />");
            w.Line($"public bool TryStep({ReadOnlySpan} input, {Span} output) => _model.TryStep(input, output);");
        }
        w.Close();
        w.Line();
    }
}
