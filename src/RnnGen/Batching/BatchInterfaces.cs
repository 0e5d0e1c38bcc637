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

/// <summary>A batch of a float-input model with only unidirectional layers: one step for many entities.</summary>
public interface IStepBatch : ISequenceBatch
{
    /// <summary>
    /// Advances every active slot by one step: <paramref name="inputs"/> is [Count × InputSize] and
    /// <paramref name="outputs"/> receives [Count × OutputSize], row r belonging to <see cref="RecurrentBatch.ActiveSlots"/>[r].
    /// Allocates nothing.
    /// </summary>
    void Step(ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>
    /// Advances only the listed slots (distinct, active) by one step: row r of <paramref name="inputs"/> and
    /// <paramref name="outputs"/> belongs to <paramref name="slots"/>[r]. The other slots keep their state. Allocates nothing.
    /// </summary>
    void Step(ReadOnlySpan<int> slots, ReadOnlySpan<float> inputs, Span<float> outputs);
}

/// <summary>A batch of a token model: B token sequences through one Forward.</summary>
public interface ITokenSequenceBatch
{
    /// <summary>As <see cref="ISequenceBatch.Forward"/>, with [Count × steps] tokens in [0, VocabularySize).</summary>
    void Forward(ReadOnlySpan<int> tokens, Span<float> outputs);
}

/// <summary>A batch of a token model with only unidirectional layers.</summary>
public interface ITokenStepBatch : ITokenSequenceBatch
{
    /// <summary>As <see cref="IStepBatch.Step(ReadOnlySpan{float}, Span{float})"/>, with one token per active slot.</summary>
    void Step(ReadOnlySpan<int> tokens, Span<float> outputs);

    /// <summary>As <see cref="IStepBatch.Step(ReadOnlySpan{int}, ReadOnlySpan{float}, Span{float})"/>, with one token per listed slot.</summary>
    void Step(ReadOnlySpan<int> slots, ReadOnlySpan<int> tokens, Span<float> outputs);
}

/// <summary>How a batch computes: which path its calls take on this machine.</summary>
public enum BatchPath
{
    /// <summary>Entities in the lanes of 512-bit vectors, 16 to a block; register-blocked matrix–matrix products (AVX-512).</summary>
    Lanes16,

    /// <summary>
    /// One entity after another through the model's own single-entity Step, Forward and Backward: the path of cells that
    /// have no batched body yet (GRU with <c>ResetAfter = false</c>, LSTM with a projection), of machines without AVX-512,
    /// and of <c>RNNGEN_PORTABLE_KERNELS=1</c>. Same results to float rounding, without the batched speed-up.
    /// </summary>
    PerEntity,
}
