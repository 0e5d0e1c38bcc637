using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RnnGen.Import.Tests.Oracles;

/// <summary>
/// A model declaration as the tests read it from C# text, independently of the importer's own model types: the
/// attributes in order, their arguments and named properties, parsed with Roslyn's syntax tree only.
/// </summary>
internal sealed record DeclaredModel(int InputSize, int SequenceLength, DeclaredModel.EmbeddingPart? Embedding,
    IReadOnlyList<DeclaredModel.LayerPart> Layers, IReadOnlyList<DeclaredModel.DensePart> Head, string Over)
{
    public sealed record EmbeddingPart(int Vocabulary, int Dimension, string? Module);

    public sealed record LayerPart(string Cell, int Hidden, bool Bidirectional, bool Bias, bool ResetAfter, bool Relu, int Projection, string? Module)
    {
        public int Output => Projection > 0 ? Projection : Hidden;

        public int Width => (Bidirectional ? 2 : 1) * Output;

        public int Gates => Cell switch { "Lstm" => 4, "Gru" => 3, _ => 1 };
    }

    public sealed record DensePart(int Outputs, string Activation, bool Bias, string? Module);

    /// <summary>Reads the first class with [RecurrentModel] in <paramref name="source"/>.</summary>
    public static DeclaredModel Parse(string source)
    {
        var root = CSharpSyntaxTree.ParseText(source).GetRoot();
        var errors = root.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "declaration does not parse: " + string.Join("; ", errors));
        var type = root.DescendantNodes().OfType<ClassDeclarationSyntax>()
            .First(c => c.AttributeLists.SelectMany(l => l.Attributes).Any(a => Name(a) == "RecurrentModel"));

        int input = 0, window = 0;
        EmbeddingPart? embedding = null;
        var layers = new List<LayerPart>();
        var head = new List<DensePart>();
        string over = "Last";
        foreach (var attribute in type.AttributeLists.SelectMany(l => l.Attributes))
        {
            var positional = attribute.ArgumentList?.Arguments.Where(a => a.NameEquals is null).Select(a => a.Expression).ToList() ?? [];
            var named = attribute.ArgumentList?.Arguments.Where(a => a.NameEquals is not null)
                .ToDictionary(a => a.NameEquals!.Name.Identifier.Text, a => a.Expression) ?? [];
            switch (Name(attribute))
            {
                case "RecurrentModel":
                    input = named.TryGetValue("InputSize", out var i) ? Int(i) : 0;
                    window = Int(named["SequenceLength"]);
                    break;
                case "Embedding":
                    embedding = new EmbeddingPart(Int(positional[0]), Int(positional[1]), Text(named, "Module"));
                    break;
                case "Lstm" or "Gru" or "Rnn":
                    layers.Add(new LayerPart(Name(attribute), Int(positional[0]), Bool(named, "Bidirectional", false), Bool(named, "Bias", true),
                        Bool(named, "ResetAfter", true), Member(named, "Activation") == "Relu", named.TryGetValue("ProjectionSize", out var p) ? Int(p) : 0, Text(named, "Module")));
                    break;
                case "Dense":
                    if (head.Count == 0 && Member(named, "Over") is { } o) over = o;
                    head.Add(new DensePart(Int(positional[0]), positional.Count > 1 ? Member(positional[1]) : "Linear", Bool(named, "Bias", true), Text(named, "Module")));
                    break;
            }
        }
        if (embedding is not null) input = embedding.Dimension;
        return new DeclaredModel(input, window, embedding, layers, head, over);
    }

    private static string Name(AttributeSyntax a) => a.Name.ToString().Split('.').Last().Replace("Attribute", "");

    private static int Int(ExpressionSyntax e) => int.Parse(e.ToString(), System.Globalization.CultureInfo.InvariantCulture);

    private static string Member(ExpressionSyntax e) => e.ToString().Split('.').Last();

    private static string? Member(Dictionary<string, ExpressionSyntax> named, string key) => named.TryGetValue(key, out var e) ? Member(e) : null;

    private static bool Bool(Dictionary<string, ExpressionSyntax> named, string key, bool fallback) => named.TryGetValue(key, out var e) ? e.ToString() == "true" : fallback;

    private static string? Text(Dictionary<string, ExpressionSyntax> named, string key) => named.TryGetValue(key, out var e) ? ((LiteralExpressionSyntax)e).Token.ValueText : null;
}
