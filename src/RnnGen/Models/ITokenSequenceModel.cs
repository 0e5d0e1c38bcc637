namespace RnnGen;

/// <summary>A model whose steps are token indices (it starts with an embedding).</summary>
public interface ITokenSequenceModel : IRecurrentModel
{
    /// <summary>As <see cref="ISequenceModel.Forward"/>, with one token index in [0, VocabularySize) per step.</summary>
    void Forward(ReadOnlySpan<int> tokens, Span<float> outputs);
}
