namespace RnnGen.Batching;

/// <summary>
/// Runs the parts of a batched call on threads: <see cref="BatchThreads"/> (what <see cref="RecurrentBatch.Threads"/>
/// creates), or a caller's own job system. A batch's results do not depend on how many parts it was split into or on
/// which threads they ran: every entity's numbers are computed by the same operations either way.
/// </summary>
public interface IBatchScheduler
{
    /// <summary>The most parts the scheduler runs at once (at least 1); a batch splits a call into at most this many.</summary>
    int Parallelism { get; }

    /// <summary>
    /// Runs <c>work.Run(p)</c> exactly once for every p in [0, <paramref name="parts"/>), on any threads and in any order,
    /// and returns when all have finished; an exception a part throws is rethrown here. It is called from one thread at a
    /// time and must not allocate if the batch's calls are to allocate nothing.
    /// </summary>
    void Run(IBatchWork work, int parts);
}
