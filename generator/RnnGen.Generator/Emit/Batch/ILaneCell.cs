using RnnGen.Generator.Emit.Cells;

namespace RnnGen.Generator.Emit.Batch;

/// <summary>
/// A cell the batched (lanes) strategy can run: its forward body is its single <see cref="IVectorCell.Passes">pass</see>, rendered with
/// entities in the lanes; this adds its backward step over lanes and says which gate gradients feed which products.
/// </summary>
internal interface ILaneCell
{
    /// <summary>Whether this layer's shape has a lanes backward body (and so runs on the lanes path at all).</summary>
    bool HasLaneBackward { get; }

    /// <summary>The gate gradients Backward keeps per step for the weight-gradient products (e.g. da; or dgi and dgh_n).</summary>
    IReadOnlyList<LaneGradient> LaneGradients { get; }

    /// <summary>The rows of dL/d(W_ih x): dW_ih, db_ih and dx = W_ihᵀ · these.</summary>
    IReadOnlyList<GradientSource> InputGradientSources { get; }

    /// <summary>The rows of dL/d(W_hh h): dW_hh, db_hh and dh_carry += W_hhᵀ · these.</summary>
    IReadOnlyList<GradientSource> HiddenGradientSources { get; }

    /// <summary>Whether the body stores a direct term of dL/d(h_prev) (the GRU's dh ⊙ z) that the product adds to.</summary>
    bool HasDirectHiddenGradient { get; }

    /// <summary>One lane block of one hidden unit j of the backward step: gate gradients, the carried state's gradient, the direct dh term.</summary>
    void WriteLaneBackward(SourceWriter w, LaneBackwardWriter b);
}

/// <summary>A gate-gradient buffer of the lanes Backward: <see cref="Name"/> (e.g. <c>da</c>), <see cref="Length"/> rows (G or H) per step.</summary>
internal sealed record LaneGradient(string Name, Size Length);

/// <summary>
/// Rows [<see cref="WeightRow"/>, + <see cref="Rows"/>) of a weight matrix whose gradient is read from
/// <see cref="Buffer"/> rows from <see cref="BufferRow"/>; the rows are C# expressions over the local constants H and G.
/// </summary>
internal sealed record GradientSource(LaneGradient Buffer, string WeightRow, string Rows, string BufferRow);
