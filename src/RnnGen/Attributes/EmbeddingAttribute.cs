#if RNNGEN_GENERATOR
namespace RnnGen.Generator.Contract;
#else
namespace RnnGen;
#endif

/// <summary>
/// A token input: each step's input is an index in [0, vocabularySize) whose row of the embedding
/// table (<c>embedding.weight</c> [vocabularySize, dimension]) feeds the first recurrent layer. Must be declared first.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
#if RNNGEN_GENERATOR
internal
#else
public
#endif
sealed class EmbeddingAttribute(int vocabularySize, int dimension) : Attribute
{
    /// <summary>Number of distinct tokens.</summary>
    public int VocabularySize { get; } = vocabularySize;

    /// <summary>Length of each embedding vector (the first layer's input size).</summary>
    public int Dimension { get; } = dimension;

    /// <summary>
    /// The PyTorch module that holds the table, e.g. <c>"embed"</c> for <c>self.embed = nn.Embedding(…)</c>: the tensor is then
    /// <c>embed.weight</c>. Null (default): <c>embedding.weight</c>.
    /// </summary>
    public string? Module { get; set; }
}
