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
}
