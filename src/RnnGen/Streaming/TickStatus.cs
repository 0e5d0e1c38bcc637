namespace RnnGen.Streaming;

/// <summary>What a source can say about one output tick.</summary>
internal enum TickStatus
{
    /// <summary>The source's data does not reach the tick yet.</summary>
    NotReady,
    /// <summary>The tick (or its anti-aliasing window) lies before the source's first sample since the stream started.</summary>
    SkipStartup,
    /// <summary>The tick (or its anti-aliasing window) touches a gap that is not to be filled.</summary>
    SkipGap,
    /// <summary>The source can give the tick's values.</summary>
    Ready,
}
