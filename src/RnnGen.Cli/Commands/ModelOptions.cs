using System.CommandLine;
using System.Globalization;
using System.Text;
using RnnGen.Cli.Inspection;

namespace RnnGen.Cli.Commands;

/// <summary>The options that name and size a model inferred from a weights file, shared by inspect, emit and bench.</summary>
internal sealed class ModelOptions
{
    public Option<string?> Name { get; } = new("--name") { Description = "Class name of the model (default: from the file name, e.g. gesture.safetensors → Gesture)." };
    public Option<string?> Namespace { get; } = new("--namespace") { Description = "Namespace of the model class (default: none)." };
    public Option<int?> SequenceLength { get; } = new("--sequence-length", "-T") { Description = $"The unroll window T for Forward/Backward (default: {InferenceOptions.DefaultSequenceLength})." };

    public ModelOptions()
    {
        Name.Validators.Add(r =>
        {
            if (r.GetValue(Name) is { } n && !IsIdentifier(n)) r.AddError($"--name '{n}' is not a C# identifier");
        });
        Namespace.Validators.Add(r =>
        {
            if (r.GetValue(Namespace) is { } n && !n.Split('.').All(IsIdentifier)) r.AddError($"--namespace '{n}' is not a C# namespace");
        });
        SequenceLength.Validators.Add(r =>
        {
            if (r.GetValue(SequenceLength) is int t && t <= 0) r.AddError($"--sequence-length must be positive, not {t}");
        });
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Name);
        command.Options.Add(Namespace);
        command.Options.Add(SequenceLength);
    }

    public InferenceOptions Read(ParseResult parse, string path) => new(
        parse.GetValue(Name) ?? TypeNameFromFile(path),
        parse.GetValue(Namespace) ?? "",
        parse.GetValue(SequenceLength));

    /// <summary>PascalCase of the file name's letters and digits: <c>gesture_net.safetensors</c> → <c>GestureNet</c>.</summary>
    public static string TypeNameFromFile(string path)
    {
        var name = new StringBuilder();
        bool upper = true;
        foreach (char c in Path.GetFileNameWithoutExtension(path))
        {
            if (!char.IsAsciiLetterOrDigit(c)) { upper = true; continue; }
            name.Append(upper ? char.ToUpper(c, CultureInfo.InvariantCulture) : c);
            upper = false;
        }
        if (name.Length == 0 || char.IsAsciiDigit(name[0])) name.Insert(0, "Model");
        return name.ToString();
    }

    private static bool IsIdentifier(string s)
        => s.Length > 0 && (char.IsLetter(s[0]) || s[0] == '_') && s.All(c => char.IsLetterOrDigit(c) || c == '_')
           && Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(s) == Microsoft.CodeAnalysis.CSharp.SyntaxKind.None;
}
