namespace RnnGen.Batching;

/// <summary>A batch of a float-input model: B sequences through one Forward.</summary>
public interface ISequenceBatch
{
    /// <summary>
    /// Runs one sequence per active slot, all of the same length (1..SequenceLength steps), each from its slot's current
    /// state, and leaves the final states in the slots. <paramref name="sequences"/> is [Count × steps × InputSize], row r
    /// belonging to <see cref="RecurrentBatch.ActiveSlots"/>[r]; <paramref name="outputs"/> receives [Count × rows ×
    /// OutputSize] (rows = steps, or 1 for a last-step head). Records what Backward needs. Allocates nothing once the
    /// batch has run a Forward of this many sequences.
    /// </summary>
    void Forward(ReadOnlySpan<float> sequences, Span<float> outputs);
}
