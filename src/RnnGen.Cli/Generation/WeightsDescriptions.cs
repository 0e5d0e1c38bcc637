using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using RnnGen.Generator.Parsing;
using RnnGen.Weights;

namespace RnnGen.Cli.Generation;

/// <summary>
/// What the RnnGen build targets give the generator for build-time weights, made without MSBuild: for each
/// <c>Weights = "…"</c> in a declaration file, the <see cref="WeightsFile"/> description of that file, found relative
/// to the declaration's directory. Lets <c>rnngen emit</c> check and generate such models as a build would; an ONNX file
/// is imported in memory, as the build converts it (its safetensors is what <c>rnngen import</c> writes).
/// </summary>
internal static partial class WeightsDescriptions
{
    [GeneratedRegex("""Weights\s*=\s*"((?:[^"\\]|\\.)*)"\s*[,)]""")]
    private static partial Regex WeightsArgument();

    public static IReadOnlyList<AdditionalText> For(string sourcePath, string sourceText)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(sourcePath))!;
        var descriptions = new List<AdditionalText>();
        foreach (string declared in WeightsArgument().Matches(sourceText).Select(m => Regex.Unescape(m.Groups[1].Value)).Distinct())
        {
            string path = Path.Combine(directory, declared);
            if (File.Exists(path)) descriptions.Add(Describe(path, declared.Replace('\\', '/')));
        }
        return descriptions;
    }

    /// <summary>The description RnnGen.targets writes for the weights file at <paramref name="path"/>, listed in the project as <paramref name="projectPath"/>.</summary>
    public static AdditionalText Describe(string path, string projectPath)
    {
        bool onnx = Path.GetExtension(path).Equals(".onnx", StringComparison.OrdinalIgnoreCase);
        var text = new StringBuilder();
        text.Append("rnngen-weights/1\n");
        text.Append("path=").Append(projectPath).Append('\n');
        text.Append("resource=").Append(EmbeddedWeights.ResourcePrefix).Append(Path.GetFileName(projectPath)).Append(onnx ? ".safetensors" : "").Append('\n');
        try
        {
            byte[] bytes = onnx ? Import.OnnxImporter.Import(path).ToBuildTimeWeights(Path.GetFileName(path)).ToBytes() : File.ReadAllBytes(path);
            int keep = bytes.Length < 8 ? bytes.Length : (int)Math.Min(8 + (long)Math.Min(BitConverter.ToUInt64(bytes, 0), (ulong)WeightsFileHeader.MaxHeaderBytes), bytes.Length);
            text.Append("length=").Append(bytes.Length).Append('\n');
            text.Append("header=").Append(Convert.ToBase64String(bytes, 0, keep)).Append('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Import.ImportException)
        {
            text.Append("error=").Append(e.Message.ReplaceLineEndings(" ")).Append('\n');
        }
        return new Description(path + WeightsFile.Extension, text.ToString());
    }

    private sealed class Description(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;
        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }
}
