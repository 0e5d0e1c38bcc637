namespace RnnGen.Batching;

/// <summary>
/// One batched call's work, split into parts. A batch hands the scheduler the same object on every call, so scheduling
/// allocates nothing.
/// </summary>
public interface IBatchWork
{
    /// <summary>Runs part <paramref name="part"/> of the current call. Parts touch disjoint data and may run concurrently.</summary>
    void Run(int part);
}
