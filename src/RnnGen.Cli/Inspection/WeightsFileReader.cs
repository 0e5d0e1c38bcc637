using RnnGen.Cli.Commands;
using RnnGen.Generator.Parsing;

namespace RnnGen.Cli.Inspection;

/// <summary>Reads the header of a safetensors file from disk; a file of another kind is a message that says what to do.</summary>
internal static class WeightsFileReader
{
    /// <summary>The header, after warning on <paramref name="error"/> if it records another generator version (<see cref="GeneratorVersionCheck"/>).</summary>
    /// <exception cref="CommandException">The path is not a file, or not a safetensors file (exit code 2).</exception>
    /// <exception cref="IOException">The file cannot be read; <see cref="CommandRunner"/> reports it.</exception>
    public static WeightsFileHeader ReadHeader(string path, TextWriter? error)
    {
        var header = ReadHeader(path);
        GeneratorVersionCheck.Warn(path, header.MetadataValue(Weights.WeightsMetadata.GeneratorVersion), error);
        return header;
    }

    /// <exception cref="CommandException">The path is not a file, or not a safetensors file (exit code 2).</exception>
    /// <exception cref="IOException">The file cannot be read; <see cref="CommandRunner"/> reports it.</exception>
    public static WeightsFileHeader ReadHeader(string path)
    {
        CommandRunner.InputFile(path);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            long length = stream.Length;
            var lengthBytes = new byte[8];
            int got = stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false);
            if (got < 8) return WeightsFileHeader.Parse(lengthBytes[..got], length);
            ulong headerLength = BitConverter.ToUInt64(lengthBytes);
            if (headerLength > (ulong)(length - 8) || headerLength > WeightsFileHeader.MaxHeaderBytes)
                return WeightsFileHeader.Parse(lengthBytes, length);
            var prefix = new byte[8 + (int)headerLength];
            lengthBytes.CopyTo(prefix, 0);
            stream.ReadExactly(prefix, 8, (int)headerLength);
            return WeightsFileHeader.Parse(prefix, length);
        }
        catch (FormatException e)
        {
            throw new CommandException(ExitCodes.UnusableInput, $"{path}: not a readable safetensors file: {e.Message}{Hint(path)}");
        }
    }

    /// <summary>For files that are not safetensors, how to get one from the format the extension suggests.</summary>
    private static string Hint(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".safetensors" => "",
        ".pt" or ".pth" or ".bin" or ".ckpt" => ". This looks like a PyTorch checkpoint (pickles, usually in a zip); save the state_dict as safetensors instead, e.g. with the dependency-free save_safetensors in docs/weights.md",
        ".onnx" => ". This looks like an ONNX model; RnnGen reads safetensors with PyTorch state_dict names (see docs/weights.md for converting ONNX LSTM/GRU weights)",
        ".h5" or ".keras" => ". This looks like a Keras model; RnnGen reads safetensors with PyTorch state_dict names (see docs/weights.md for converting Keras weights)",
        _ => ". RnnGen reads .safetensors files",
    };
}
