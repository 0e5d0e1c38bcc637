namespace RnnGen.Batching;

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
