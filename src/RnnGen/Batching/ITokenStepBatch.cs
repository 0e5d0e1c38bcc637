namespace RnnGen.Batching;

/// <summary>A batch of a token model with only unidirectional layers.</summary>
public interface ITokenStepBatch : ITokenSequenceBatch
{
    /// <summary>As <see cref="IStepBatch.Step(ReadOnlySpan{float}, Span{float})"/>, with one token per active slot.</summary>
    void Step(ReadOnlySpan<int> tokens, Span<float> outputs);

    /// <summary>As <see cref="IStepBatch.Step(ReadOnlySpan{int}, ReadOnlySpan{float}, Span{float})"/>, with one token per listed slot.</summary>
    void Step(ReadOnlySpan<int> slots, ReadOnlySpan<int> tokens, Span<float> outputs);
}
