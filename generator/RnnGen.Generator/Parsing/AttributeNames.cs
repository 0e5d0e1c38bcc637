using RnnGen.Generator.Contract;

namespace RnnGen.Generator.Parsing;

/// <summary>
/// The metadata names of the runtime's attributes. The attribute sources are compiled into the generator too
/// (<c>src/RnnGen/Attributes</c>, under <c>RnnGen.Generator.Contract</c>), so every name here is a <c>nameof</c> of the real
/// type: renaming an attribute breaks this build instead of silently matching nothing.
/// </summary>
internal static class AttributeNames
{
    /// <summary>The namespace the runtime declares the attributes in.</summary>
    public const string Namespace = "RnnGen";

    public const string RecurrentModel = Namespace + "." + nameof(RecurrentModelAttribute);
    public const string Embedding = Namespace + "." + nameof(EmbeddingAttribute);
    public const string Lstm = Namespace + "." + nameof(LstmAttribute);
    public const string Gru = Namespace + "." + nameof(GruAttribute);
    public const string Rnn = Namespace + "." + nameof(RnnAttribute);
    public const string Dense = Namespace + "." + nameof(DenseAttribute);

    /// <summary>The layer attributes, which mean nothing on a class without <see cref="RecurrentModel"/>.</summary>
    public static readonly IReadOnlyList<string> Layers = [Embedding, Lstm, Gru, Rnn, Dense];
}
