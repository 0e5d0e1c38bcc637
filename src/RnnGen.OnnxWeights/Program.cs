using RnnGen.Import;

namespace RnnGen.OnnxWeights;

/// <summary>
/// <c>dotnet RnnGen.OnnxWeights.dll MODEL.onnx OUT.safetensors</c>: imports the ONNX model as <c>rnngen import</c> does and
/// writes its weights under the declaration's default names, the declaration recorded in the metadata. When the graph is
/// not one RnnGen builds, it writes the importer's message to <c>OUT.safetensors.error</c> instead (and removes a stale
/// OUT), which the build passes on to the generator: the model's <c>[RecurrentModel]</c> then has error RNN019 with that
/// message, as any unreadable weights file does. Exit code 0 either way; 2 for wrong arguments or an unwritable output.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: RnnGen.OnnxWeights MODEL.onnx OUT.safetensors");
            return 2;
        }
        return Convert(args[0], args[1], Console.Error);
    }

    internal static int Convert(string onnx, string output, TextWriter error)
    {
        string errorFile = output + ".error";
        try
        {
            if (Path.GetDirectoryName(Path.GetFullPath(output)) is { } directory) Directory.CreateDirectory(directory);
            File.Delete(errorFile);
            ImportedModel imported;
            try
            {
                imported = OnnxImporter.Import(onnx);
            }
            catch (ImportException e)
            {
                File.Delete(output);
                File.WriteAllText(errorFile, e.Message.ReplaceLineEndings(" "));
                return 0;
            }
            imported.ToBuildTimeWeights(Path.GetFileName(onnx)).Write(output);
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{onnx}: error : cannot write the converted weights {output}: {e.Message}");
            return 2;
        }
    }
}
