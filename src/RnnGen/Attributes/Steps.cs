#if RNNGEN_GENERATOR
namespace RnnGen.Generator.Contract;
#else
namespace RnnGen;
#endif

/// <summary>Which time steps a head reads.</summary>
#if RNNGEN_GENERATOR
internal
#else
public
#endif
enum Steps
{
    /// <summary>Only the last step (many-to-one): <c>Forward</c> writes one output row.</summary>
    Last = 0,
    /// <summary>Every step (synced many-to-many): <c>Forward</c> writes one output row per step.</summary>
    Every = 1,
    /// <summary>
    /// The top layer's final state, PyTorch's <c>h_n</c> (many-to-one: one output row). Unidirectional: the state after the
    /// last step, the same as <see cref="Last"/>. Bidirectional: <c>[forward h after the last step, reverse h after it has
    /// read the whole sequence (t = 0)]</c>, i.e. <c>torch.cat((h_n[-2], h_n[-1]), dim=1)</c>, which is not the last step's
    /// output (its reverse half has read only the last step).
    /// </summary>
    Final = 2,
}
