using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit.Cells;

/// <summary>
/// Emits one direction's cell: <c>Cell{Id}</c>, one time step forward that writes the records Backward needs, and
/// <c>CellBackward{Id}</c>, that step's vector–Jacobian product. A subclass per cell kind owns everything the kind decides:
/// its records, its doc text, its scalar forward and backward bodies and, through <see cref="IVectorCell"/>, its vector
/// body. The model emitter composes cells through this type and never asks which kind a cell is.
/// Both methods take <c>(x, hPrev, [cPrev,] h, records…)</c> first; the equations are in each emitted comment and in
/// docs/equations.md. Inside them the local constants I, H, P, G are the layer's input, hidden, output (P) and
/// stacked-gate (G·H) sizes.
/// </summary>
internal abstract class CellEmitter(DirectionLayout direction)
{
    /// <summary>The one place that maps a layer's spec to the emitter of its cell.</summary>
    public static CellEmitter For(DirectionLayout d) => d.Layer.Spec switch
    {
        { Cell: CellKind.Lstm } => new LstmCell(d),
        { Cell: CellKind.Gru, ResetAfter: true } => new GruResetAfterCell(d),
        { Cell: CellKind.Gru } => new GruResetBeforeCell(d),
        _ => new RnnCell(d),
    };

    public DirectionLayout Direction { get; } = direction;

    protected LayerSpec Layer => Direction.Layer.Spec;

    /// <summary>The cell as the class summary names it, e.g. <c>LSTM(32, projection 8)</c>.</summary>
    public abstract string Description { get; }

    /// <summary>What Forward keeps per step for Backward, in the order the cell methods take them.</summary>
    public abstract IReadOnlyList<RecordBuffer> Records { get; }

    /// <summary>The state carried besides h (the LSTM's c), or null.</summary>
    public virtual CarriedState? CellState => null;

    /// <summary>The local size constants the forward and backward bodies use (an unused local constant is a warning).</summary>
    protected abstract IReadOnlyList<Size> ForwardSizes { get; }
    protected abstract IReadOnlyList<Size> BackwardSizes { get; }

    /// <summary>The portable forward body: <c>p</c> is <c>_parameters</c>; write h and every record.</summary>
    protected abstract void WriteForward(SourceWriter w);

    /// <summary>
    /// The backward body: <c>p</c> is <c>_parameters</c>, <c>grad</c> is <c>_gradients</c>. Add this step's parameter
    /// gradients, add W_ihᵀ da to dx (unless empty), and leave dL/d(hPrev) in dhCarry (and dL/d(cPrev) in dcCarry).
    /// </summary>
    protected abstract void WriteBackward(SourceWriter w);

    /// <summary>The forward cell's parameters.</summary>
    public IReadOnlyList<string> ForwardParameters
    {
        get
        {
            var list = new List<string> { $"{Globals.ReadOnlySpan} x", $"{Globals.ReadOnlySpan} hPrev" };
            if (CellState is { } c) list.Add($"{Globals.ReadOnlySpan} {c.Previous}");
            list.Add($"{Globals.Span} h");
            list.AddRange(Records.Select(r => $"{Globals.Span} {r.Argument}"));
            return list;
        }
    }

    /// <summary>The names of <see cref="ForwardParameters"/>, to pass them on unchanged.</summary>
    public IReadOnlyList<string> ForwardArguments
    {
        get
        {
            var list = new List<string> { "x", "hPrev" };
            if (CellState is { } c) list.Add(c.Previous);
            list.Add("h");
            list.AddRange(Records.Select(r => r.Argument));
            return list;
        }
    }

    public void EmitForward(SourceWriter w, bool exactActivations)
    {
        w.Wrapped($"private void Cell{Direction.Id}", ForwardParameters);
        w.Open();
        RowBlockStrategy.WriteDispatch(w, this);
        WriteSizes(w, ForwardSizes);
        w.Line($"{Globals.ReadOnlySpan} p = _parameters.AsSpan(_origin);");
        WriteForward(w);
        w.Close();
        w.Line();
        RowBlockStrategy.WriteVariants(w, this, exactActivations);
    }

    public void EmitBackward(SourceWriter w)
    {
        var list = new List<string> { $"{Globals.ReadOnlySpan} x", $"{Globals.ReadOnlySpan} hPrev" };
        if (CellState is { } c) list.Add($"{Globals.ReadOnlySpan} {c.Previous}");
        list.Add($"{Globals.ReadOnlySpan} h");
        list.AddRange(Records.Select(r => $"{Globals.ReadOnlySpan} {r.Argument}"));
        list.Add($"{Globals.ReadOnlySpan} dh");
        list.Add($"{Globals.Span} dhCarry");
        if (CellState is { } carried) list.Add($"{Globals.Span} {carried.GradientCarry}");
        list.Add($"{Globals.Span} dx");
        w.Wrapped($"private void CellBackward{Direction.Id}", list);
        w.Open();
        WriteSizes(w, BackwardSizes);
        w.Line($"{Globals.ReadOnlySpan} p = _parameters.AsSpan(_origin);");
        w.Line($"{Globals.Span} grad = _gradients;");
        WriteBackward(w);
        w.Close();
        w.Line();
    }

    /// <summary>Declares the local size constants, e.g. <c>const int I = L0Input, H = L0Hidden;</c>.</summary>
    protected void WriteSizes(SourceWriter w, IReadOnlyList<Size> sizes)
    {
        var l = Direction.Layer;
        string Constant(Size size) => size switch
        {
            Size.I => l.InputConstant,
            Size.H => l.HiddenConstant,
            Size.P => l.OutputConstant,
            _ => l.GatesConstant,
        };
        if (sizes.Count > 0)
            w.Line($"const int {string.Join(", ", sizes.Select(s => $"{s} = {Constant(s)}"))};");
    }

    // Building blocks several cells share, each one step of the equations.

    /// <summary>a = b_ih + b_hh + W_ih x + W_hh h into <paramref name="target"/> (all G rows).</summary>
    protected void WritePreActivation(SourceWriter w, string target)
    {
        var d = Direction;
        if (d.BiasIh is not null)
            w.Line($"{Globals.TensorPrimitives}.Add(p.Slice({d.BiasIh}, G), p.Slice({d.BiasHh}, G), {target});");
        else
            w.Line($"{target}.Clear();");
        WriteWeightProduct(w, "Ih", null, "G", "x", target);
        WriteWeightProduct(w, "Hh", null, "G", "hPrev", target);
    }

    /// <summary>
    /// <paramref name="target"/> += (or =, without <paramref name="accumulate"/>) rows [firstRow, firstRow + rows) of W_ih,
    /// W_hh or W_hr (<paramref name="matrix"/> = "Ih", "Hh", "Hr") times <paramref name="vector"/>: from <c>p</c> in a
    /// float32 model, from the quantized copies in a low-precision one. Row expressions use the local size constants.
    /// </summary>
    protected void WriteWeightProduct(SourceWriter w, string matrix, string? firstRow, string rows, string vector, string target, bool accumulate = true)
    {
        if (Direction.Quantized is { } quantized)
        {
            QuantizedProducts.WritePortable(w, quantized, matrix, firstRow, rows, vector, target, accumulate);
            return;
        }
        var d = Direction;
        var (offset, columns) = matrix switch { "Ih" => (d.WeightIh, "I"), "Hh" => (d.WeightHh, "P"), _ => (d.WeightHr!, "H") };
        string first = firstRow is null ? "" : $" + {firstRow} * {columns}";
        w.Line($"{Globals.MatrixOps}.{(accumulate ? "GemvAdd" : "Gemv")}(p.Slice({offset}{first}, {rows} * {columns}), {vector}, {target});");
    }

    /// <summary><paramref name="target"/> = the bias (all G rows), or zero without one.</summary>
    protected static void WriteBiasOrClear(SourceWriter w, string? bias, string target)
        => w.Line(bias is not null ? $"p.Slice({bias}, G).CopyTo({target});" : $"{target}.Clear();");

    /// <summary>
    /// For cells whose input and recurrent pre-activations share one gradient <paramref name="da"/> (LSTM, RNN):
    /// dW_ih += da ⊗ x, dW_hh += da ⊗ hPrev, db += da, dx += W_ihᵀ da, dhCarry = W_hhᵀ da.
    /// </summary>
    protected void WriteSharedGateGradients(SourceWriter w, string da)
    {
        var d = Direction;
        w.Line($"{Globals.MatrixOps}.OuterAdd(grad.Slice({d.WeightIh}, G * I), {da}, x);");
        w.Line($"{Globals.MatrixOps}.OuterAdd(grad.Slice({d.WeightHh}, G * P), {da}, hPrev);");
        if (d.BiasIh is not null)
        {
            w.Line($"{Globals.TensorPrimitives}.Add(grad.Slice({d.BiasIh}, G), {da}, grad.Slice({d.BiasIh}, G));");
            w.Line($"{Globals.TensorPrimitives}.Add(grad.Slice({d.BiasHh}, G), {da}, grad.Slice({d.BiasHh}, G));");
        }
        w.Line($"if (!dx.IsEmpty) {Globals.MatrixOps}.GemvTransposedAdd(p.Slice({d.WeightIh}, G * I), {da}, dx);");
        w.Line("dhCarry.Clear();");
        w.Line($"{Globals.MatrixOps}.GemvTransposedAdd(p.Slice({d.WeightHh}, G * P), {da}, dhCarry);");
    }
}

/// <summary>The size constants a cell body may use: input, hidden, output (P) and stacked gates (G·H).</summary>
internal enum Size { I, H, P, G }
