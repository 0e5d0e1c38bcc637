using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace RnnGen.Generator.Parsing;

/// <summary>
/// A build-time weights file as the compilation sees it. The compiler refuses binary additional files (error CS2015),
/// so the RnnGen build targets describe each <c>RnnGenWeights</c> item in a small text file ending in
/// <see cref="Extension"/>: the path as listed in the project, the manifest resource the file is embedded under, its
/// length, and its first bytes (the safetensors header) in base64. <see cref="Header"/> is parsed from those, or
/// <see cref="Error"/> says why it could not be. <see cref="Precision"/> is the item's <c>Precision</c> (or the project's
/// <c>RnnGenWeightsPrecision</c>) when one is set, <c>Float32</c>, <c>Int8</c> or <c>BFloat16</c>: the build then
/// embeds (and describes) the file the tool quantized to it.
/// </summary>
internal sealed record WeightsFile(string ProjectPath, string ResourceName, WeightsFileHeader? Header, string? Error, string? Precision = null)
{
    public const string Extension = ".rnngenweights";
    private const string FormatLine = "rnngen-weights/1";

    /// <summary>Reads a description written by the build targets; a malformed one becomes an <see cref="Error"/>.</summary>
    public static WeightsFile Read(AdditionalText file, CancellationToken ct)
    {
        SourceText? text = file.GetText(ct);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (text is not null)
        {
            foreach (TextLine line in text.Lines)
            {
                string content = line.ToString();
                int equals = content.IndexOf('=');
                if (equals > 0) fields[content.Substring(0, equals)] = content.Substring(equals + 1);
            }
        }
        string path = fields.TryGetValue("path", out var p) ? p : System.IO.Path.GetFileNameWithoutExtension(file.Path);
        string resource = fields.TryGetValue("resource", out var r) ? r : "";
        string? precision = fields.TryGetValue("precision", out var stated) && stated.Length > 0 ? stated : null;
        if (text is null || text.Lines.Count == 0 || text.Lines[0].ToString() != FormatLine)
            return new WeightsFile(path, resource, null, $"its build description {file.Path} is not an {FormatLine} file; rebuild");
        if (fields.TryGetValue("error", out var error))
            return new WeightsFile(path, resource, null, error, precision);
        if (!fields.TryGetValue("length", out var lengthText) || !long.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out long length)
            || !fields.TryGetValue("header", out var base64))
            return new WeightsFile(path, resource, null, $"its build description {file.Path} lacks the length or header; rebuild", precision);
        try
        {
            return new WeightsFile(path, resource, WeightsFileHeader.Parse(Convert.FromBase64String(base64), length), null, precision);
        }
        catch (FormatException e)
        {
            return new WeightsFile(path, resource, null, e.Message, precision);
        }
    }

    /// <summary>
    /// Whether the declared <c>Weights</c> path names this file: equal to the path listed in the project, or its end
    /// after a '/' (so <c>"gesture.safetensors"</c> finds <c>models/gesture.safetensors</c>). Separators and case of
    /// '\' versus '/' do not matter.
    /// </summary>
    public bool IsNamedBy(string declared)
    {
        string listed = Normalize(ProjectPath);
        string wanted = Normalize(declared);
        return string.Equals(listed, wanted, StringComparison.OrdinalIgnoreCase)
            || listed.EndsWith("/" + wanted, StringComparison.OrdinalIgnoreCase);
    }

    private static string Normalize(string path)
    {
        string normalized = path.Replace('\\', '/');
        while (normalized.StartsWith("./", StringComparison.Ordinal)) normalized = normalized.Substring(2);
        return normalized;
    }
}
