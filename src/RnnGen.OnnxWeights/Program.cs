using RnnGen.Import;
using RnnGen.Weights;

namespace RnnGen.OnnxWeights;

/// <summary>
/// The build's weights step, run by RnnGen.targets with <c>dotnet</c>:
/// <c>dotnet RnnGen.OnnxWeights.dll IN OUT.safetensors [--precision int8|bf16]</c>.
/// <list type="bullet">
/// <item>IN an ONNX model: imports it as <c>rnngen import</c> does and writes its weights under the declaration's default
/// names, the declaration recorded in the metadata.</item>
/// <item>With <c>--precision</c> (IN an ONNX model or a safetensors file): writes the recurrent weight matrices quantized
/// as a model of that precision quantizes them at load (<see cref="WeightQuantization.Quantize(SafeTensorsFile, WeightPrecision)"/>,
/// the runtime's own code), so the assembly embeds the small weights.</item>
/// </list>
/// When IN cannot be used (a graph RnnGen does not build, a malformed or non-finite safetensors file, a matrix in the
/// other low precision) it writes the message to <c>OUT.safetensors.error</c> instead (and removes a stale OUT), which the
/// build passes on to the generator: the model's <c>[RecurrentModel]</c> then has error RNN019 with that message, as any
/// unreadable weights file does. Exit code 0 either way; 2 for wrong arguments or an unwritable output.
/// </summary>
public static class Program
{
    private const string Usage = "usage: RnnGen.OnnxWeights IN.onnx|IN.safetensors OUT.safetensors [--precision int8|bf16]";

    public static int Main(string[] args)
    {
        WeightPrecision precision = WeightPrecision.Float32;
        if (args.Length == 4 && args[2] == "--precision")
        {
            switch (args[3].ToLowerInvariant())
            {
                case "int8": precision = WeightPrecision.Int8; break;
                case "bf16" or "bfloat16": precision = WeightPrecision.BFloat16; break;
                case "float32" or "fp32": break;
                default:
                    Console.Error.WriteLine($"unknown precision '{args[3]}': int8, bf16 or float32\n{Usage}");
                    return 2;
            }
        }
        else if (args.Length != 2)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        bool onnx = args[0].EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
        if (!onnx && precision == WeightPrecision.Float32)
        {
            Console.Error.WriteLine($"{args[0]}: nothing to do: a safetensors file is converted only to int8 or bf16\n{Usage}");
            return 2;
        }
        return Convert(args[0], args[1], Console.Error, precision);
    }

    internal static int Convert(string input, string output, TextWriter error, WeightPrecision precision = WeightPrecision.Float32)
    {
        string errorFile = output + ".error";
        try
        {
            if (Path.GetDirectoryName(Path.GetFullPath(output)) is { } directory) Directory.CreateDirectory(directory);
            File.Delete(errorFile);
            SafeTensorsFile weights;
            try
            {
                weights = input.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
                    ? OnnxImporter.Import(input).ToBuildTimeWeights(Path.GetFileName(input))
                    : SafeTensorsFile.Read(input);
                if (precision != WeightPrecision.Float32)
                    weights = WeightQuantization.Quantize(weights, precision);
            }
            catch (Exception e) when (e is ImportException or WeightFormatException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                // Reading failed (writing is below): the build reports it at the model, as RNN019.
                File.Delete(output);
                File.WriteAllText(errorFile, e.Message.ReplaceLineEndings(" "));
                return 0;
            }
            weights.Write(output);
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{input}: error : cannot write the converted weights {output}: {e.Message}");
            return 2;
        }
    }
}
