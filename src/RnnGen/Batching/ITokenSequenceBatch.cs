namespace RnnGen.Batching;

/// <summary>A batch of a token model: B token sequences through one Forward.</summary>
public interface ITokenSequenceBatch
{
    /// <summary>As <see cref="ISequenceBatch.Forward"/>, with [Count × steps] tokens in [0, VocabularySize).</summary>
    void Forward(ReadOnlySpan<int> tokens, Span<float> outputs);
}
