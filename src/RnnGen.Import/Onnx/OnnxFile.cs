using System.Buffers.Binary;
using Google.Protobuf;
using RnnGen.Import.Onnx.Proto;

namespace RnnGen.Import.Onnx;

/// <summary>
/// Reads an ONNX file as untrusted input: a size limit before anything is parsed, protobuf's own recursion limit, and
/// every tensor's data checked against its dims and type before it is used. Failures are <see cref="ImportException"/>s
/// that name the file.
/// </summary>
internal static class OnnxFile
{
    /// <summary>Recurrent models are kilobytes to megabytes; anything past this is not one, and is not read into memory.</summary>
    public const long MaxFileBytes = 512L * 1024 * 1024;

    /// <summary>No tensor the importer evaluates may hold more elements than this.</summary>
    public const long MaxTensorElements = 64L * 1024 * 1024;

    public static ModelProto Read(string path)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                throw new ImportException(ImportFailure.Unreadable, Directory.Exists(path) ? $"{path}: is a directory, not an ONNX file" : $"{path}: no such file");
            if (info.Length > MaxFileBytes)
                throw new ImportException(ImportFailure.Unreadable, $"{path}: {info.Length} bytes; ONNX files over {MaxFileBytes} bytes are not read (recurrent models are far smaller)");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImportException(ImportFailure.Unreadable, $"{path}: cannot be read: {e.Message}");
        }
        return Parse(bytes, path);
    }

    public static ModelProto Parse(byte[] bytes, string name)
    {
        if (bytes.Length == 0) throw new ImportException(ImportFailure.Unreadable, $"{name}: the file is empty, not an ONNX model");
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ImportException(ImportFailure.Unreadable, $"{name}: not an ONNX model (protobuf: {e.Message}){Hint(bytes)}");
        }
        if (model.Graph is null || (model.Graph.Node.Count == 0 && model.Graph.Input.Count == 0))
            throw new ImportException(ImportFailure.Unreadable, $"{name}: not an ONNX model: it has no graph{Hint(bytes)}");
        return model;
    }

    /// <summary>Protobuf accepts many byte strings; say what the file looks like when it is clearly something else.</summary>
    private static string Hint(byte[] bytes)
    {
        if (bytes.Length >= 8 && BinaryPrimitives.ReadUInt64LittleEndian(bytes) is > 0 and < 100_000_000 && bytes.Length > 8 && bytes[8] == (byte)'{')
            return ". It looks like a safetensors file: run 'rnngen inspect' on it";
        if (bytes.Length >= 2 && bytes[0] == (byte)'P' && bytes[1] == (byte)'K')
            return ". It looks like a zip archive (a PyTorch .pt checkpoint?): export the model with torch.onnx.export";
        return "";
    }

    /// <summary>Decodes an initializer or attribute tensor, checking its size against its dims.</summary>
    public static ConstValue Decode(TensorProto tensor, string what)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0)
            throw new ImportException(ImportFailure.Unsupported, $"{what}: its data is in an external file; save the model with its weights inside (onnx.save_model(model, path, save_as_external_data=False))");
        long count = 1;
        foreach (long d in tensor.Dims)
        {
            if (d < 0) throw new ImportException(ImportFailure.Unreadable, $"{what}: negative dimension in [{string.Join(", ", tensor.Dims)}]");
            count *= d;
            if (count > MaxTensorElements) throw new ImportException(ImportFailure.Unsupported, $"{what}: [{string.Join(", ", tensor.Dims)}] holds more than {MaxTensorElements} elements");
        }
        int n = (int)count;
        long[] dims = tensor.Dims.ToArray();
        var raw = tensor.RawData.Span;
        var type = (TensorProto.Types.DataType)tensor.DataType;
        switch (type)
        {
            case TensorProto.Types.DataType.Float:
            {
                var values = new double[n];
                if (!raw.IsEmpty)
                {
                    CheckRaw(raw.Length, n, 4, what);
                    for (int i = 0; i < n; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]);
                }
                else
                {
                    CheckCount(tensor.FloatData.Count, n, what);
                    for (int i = 0; i < n; i++) values[i] = tensor.FloatData[i];
                }
                return new ConstValue(dims, values, null);
            }
            case TensorProto.Types.DataType.Double:
            {
                var values = new double[n];
                if (!raw.IsEmpty)
                {
                    CheckRaw(raw.Length, n, 8, what);
                    for (int i = 0; i < n; i++) values[i] = BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]);
                }
                else
                {
                    CheckCount(tensor.DoubleData.Count, n, what);
                    for (int i = 0; i < n; i++) values[i] = tensor.DoubleData[i];
                }
                return new ConstValue(dims, values, null);
            }
            case TensorProto.Types.DataType.Int64:
            {
                var values = new long[n];
                if (!raw.IsEmpty)
                {
                    CheckRaw(raw.Length, n, 8, what);
                    for (int i = 0; i < n; i++) values[i] = BinaryPrimitives.ReadInt64LittleEndian(raw[(8 * i)..]);
                }
                else
                {
                    CheckCount(tensor.Int64Data.Count, n, what);
                    for (int i = 0; i < n; i++) values[i] = tensor.Int64Data[i];
                }
                return new ConstValue(dims, null, values);
            }
            case TensorProto.Types.DataType.Int32:
            case TensorProto.Types.DataType.Bool:
            case TensorProto.Types.DataType.Int8:
            case TensorProto.Types.DataType.Uint8:
            {
                int size = type == TensorProto.Types.DataType.Int32 ? 4 : 1;
                var values = new long[n];
                if (!raw.IsEmpty)
                {
                    CheckRaw(raw.Length, n, size, what);
                    for (int i = 0; i < n; i++)
                        values[i] = size == 4 ? BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]) : type == TensorProto.Types.DataType.Int8 ? (sbyte)raw[i] : raw[i];
                }
                else
                {
                    CheckCount(tensor.Int32Data.Count, n, what);
                    for (int i = 0; i < n; i++) values[i] = tensor.Int32Data[i];
                }
                return new ConstValue(dims, null, values);
            }
            default:
                throw new ImportException(ImportFailure.Unsupported, $"{what}: element type {type} is not supported (float, double, int32, int64, bool)");
        }
    }

    private static void CheckRaw(int bytes, int count, int size, string what)
    {
        if (bytes != (long)count * size)
            throw new ImportException(ImportFailure.Unreadable, $"{what}: raw_data has {bytes} bytes but its dims need {(long)count * size}");
    }

    private static void CheckCount(int got, int count, string what)
    {
        if (got != count)
            throw new ImportException(ImportFailure.Unreadable, $"{what}: holds {got} values but its dims need {count}");
    }
}
