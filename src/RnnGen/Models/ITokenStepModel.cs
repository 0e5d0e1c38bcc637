namespace RnnGen;

/// <summary>A token model with only unidirectional layers.</summary>
public interface ITokenStepModel : ITokenSequenceModel
{
    /// <summary>Advances the state by one token and writes one output row. Allocates nothing.</summary>
    void Step(int token, Span<float> output);
}
