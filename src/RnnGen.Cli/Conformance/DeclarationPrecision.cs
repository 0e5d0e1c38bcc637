using System.Text.RegularExpressions;

namespace RnnGen.Cli.Conformance;

/// <summary>
/// The low-precision twin of a declaration: the same source with <c>Precision = …</c> set on its
/// <c>[RecurrentModel]</c> attribute, so verify, bench and quantize compile exactly the user's model in another precision.
/// </summary>
public static partial class DeclarationPrecision
{
    /// <summary>The command-line names of the precisions: <c>float32</c>, <c>int8</c>, <c>bf16</c>.</summary>
    public static readonly IReadOnlyList<string> Names = ["float32", "int8", "bf16"];

    /// <summary>The precision a command-line value names (also <c>f32</c>, <c>bfloat16</c>), case-insensitively.</summary>
    /// <exception cref="ArgumentException">Not one of the names.</exception>
    public static WeightPrecision Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "float32" or "f32" => WeightPrecision.Float32,
        "int8" or "i8" => WeightPrecision.Int8,
        "bf16" or "bfloat16" => WeightPrecision.BFloat16,
        _ => throw new ArgumentException($"'{value}' is not a precision; use float32, int8 or bf16"),
    };

    /// <summary>The command-line name of <paramref name="precision"/>.</summary>
    public static string Name(WeightPrecision precision) => precision switch
    {
        WeightPrecision.Int8 => "int8",
        WeightPrecision.BFloat16 => "bf16",
        _ => "float32",
    };

    /// <summary>
    /// <paramref name="source"/> with every <c>[RecurrentModel(…)]</c> (or <c>[RecurrentModel]</c>, any qualification)
    /// declaring <paramref name="precision"/>, replacing a Precision it already sets.
    /// </summary>
    /// <exception cref="CaseFormatException">The source has no RecurrentModel attribute.</exception>
    public static string Apply(string source, WeightPrecision precision)
    {
        string setting = $"Precision = global::RnnGen.WeightPrecision.{precision}";
        int found = 0;
        string result = Attribute().Replace(source, match =>
        {
            found++;
            string arguments = match.Groups["arguments"].Success ? match.Groups["arguments"].Value : "";
            arguments = Setting().Replace(arguments, "").Trim().Trim(',').Trim();
            return $"{match.Groups["name"].Value}({(arguments.Length == 0 ? setting : arguments + ", " + setting)})";
        });
        if (found == 0) throw new CaseFormatException("the declaration has no [RecurrentModel] attribute to set a precision on");
        return result;
    }

    /// <summary>Whether a <c>[RecurrentModel(…)]</c> attribute of <paramref name="source"/> sets a Precision (any, Float32 too).</summary>
    public static bool Declares(string source) =>
        Attribute().Matches(source).Any(m => m.Groups["arguments"].Success && Setting().IsMatch(m.Groups["arguments"].Value));

    [GeneratedRegex(@"(?<name>\b(?:[\w:]+\.)?RecurrentModel(?:Attribute)?)\s*(?:\((?<arguments>[^()]*)\))?(?=\s*\])", RegexOptions.CultureInvariant)]
    private static partial Regex Attribute();

    [GeneratedRegex(@"\bPrecision\s*=\s*[\w.:]+\s*,?", RegexOptions.CultureInvariant)]
    private static partial Regex Setting();
}
