using System.Diagnostics.CodeAnalysis;

namespace RnnGen.Weights;

/// <summary>
/// A safetensors file held in memory: its tensors (F32, or the I8 and BF16 of quantized weights) in file order and its <c>__metadata__</c>.
/// The format is an 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping each tensor name to
/// <c>{"dtype","shape","data_offsets"}</c>, then the tensor data; see https://github.com/huggingface/safetensors.
/// </summary>
/// <remarks>
/// Reading validates the whole file and throws <see cref="WeightFormatException"/> for anything malformed,
/// including tensors of a dtype other than F32, I8 and BF16. Values are kept bit for bit (NaN payloads, signed zeros, subnormals).
/// </remarks>
public sealed class SafeTensorsFile
{
    /// <summary>The header key that holds the string-to-string metadata rather than a tensor.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>
    /// The most tensors a file may list. RNN exports hold a few dozen; the limit keeps a corrupt or hostile header from
    /// costing more than a bounded amount of work and memory.
    /// </summary>
    public const int MaxTensorCount = 65_536;

    /// <summary>The longest tensor name accepted, in UTF-16 characters (PyTorch module paths are far shorter).</summary>
    public const int MaxNameLength = 1024;

    /// <summary>What messages call data that did not come from a named file or stream.</summary>
    internal const string UnnamedSource = "<safetensors data>";

    private readonly SafeTensor[] _tensors;
    private readonly Dictionary<string, SafeTensor> _byName;

    /// <summary>Creates a file from tensors (written in this order) and optional metadata.</summary>
    /// <exception cref="ArgumentException">Two tensors share a name, or a metadata value is null.</exception>
    public SafeTensorsFile(IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
        : this(ToArray(tensors), CopyMetadata(metadata), fileName: null)
    {
    }

    internal SafeTensorsFile(SafeTensor[] tensors, Dictionary<string, string> metadata, string? fileName)
    {
        _tensors = tensors;
        _byName = new Dictionary<string, SafeTensor>(tensors.Length, StringComparer.Ordinal);
        foreach (SafeTensor t in tensors)
        {
            if (!_byName.TryAdd(t.Name, t))
                throw new ArgumentException($"Two tensors are named '{t.Name}'.", nameof(tensors));
        }
        // Dictionary enumerates in insertion order while nothing is removed, and nothing ever is:
        // metadata is written back in the order it was read.
        Metadata = metadata.AsReadOnly();
        FileName = fileName;
    }

    /// <summary>The path or name this was read from, used in error messages; null when built in memory.</summary>
    public string? FileName { get; }

    /// <summary>The header's <c>__metadata__</c>; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors in file (header) order.</summary>
    public IReadOnlyList<SafeTensor> Tensors => _tensors;

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The file has no such tensor.</exception>
    public SafeTensor this[string name] =>
        _byName.TryGetValue(name, out SafeTensor? t)
            ? t
            : throw new KeyNotFoundException($"{FileName ?? UnnamedSource}: no tensor named '{name}'.");

    /// <summary>Looks a tensor up by name.</summary>
    public bool TryGetTensor(string name, [NotNullWhen(true)] out SafeTensor? tensor) => _byName.TryGetValue(name, out tensor);

    /// <summary>Reads and validates the safetensors file at <paramref name="path"/>.</summary>
    /// <exception cref="WeightFormatException">The file is not valid safetensors, or holds a tensor that is not F32, I8 or BF16.</exception>
    /// <exception cref="IOException">
    /// The file cannot be read: <see cref="FileNotFoundException"/> when it does not exist, an <see cref="IOException"/>
    /// when the path is a directory, a FIFO, a socket or another file that is not a regular file (refused without
    /// waiting for a writer).
    /// </exception>
    /// <exception cref="UnauthorizedAccessException">The process may not read the file.</exception>
    public static SafeTensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream stream = RegularFile.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads and validates safetensors data from the current position of <paramref name="stream"/> to its end.</summary>
    /// <param name="stream">The stream to read; it is not closed.</param>
    /// <param name="fileName">What error messages call the data; by default the <see cref="FileStream"/>'s name, or a placeholder.</param>
    /// <exception cref="WeightFormatException">The data is not valid safetensors, or holds a tensor that is not F32, I8 or BF16.</exception>
    public static SafeTensorsFile Read(Stream stream, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        fileName ??= (stream as FileStream)?.Name ?? UnnamedSource;
        byte[] bytes;
        if (stream.CanSeek)
        {
            long remaining = Math.Max(0, stream.Length - stream.Position);
            if (remaining > Array.MaxLength)
                throw WeightFormatException.For(fileName, null, $"is {remaining} bytes; files over {Array.MaxLength} bytes are not supported");
            bytes = new byte[remaining];
            stream.ReadExactly(bytes);
        }
        else
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            bytes = copy.ToArray();
        }
        return SafeTensorsReader.Parse(bytes, fileName);
    }

    /// <summary>Parses and validates safetensors data held in memory.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="fileName">What error messages call the data.</param>
    /// <exception cref="WeightFormatException">The data is not valid safetensors, or holds a tensor that is not F32, I8 or BF16.</exception>
    public static SafeTensorsFile Parse(ReadOnlySpan<byte> bytes, string? fileName = null) =>
        SafeTensorsReader.Parse(bytes, fileName ?? UnnamedSource);

    /// <summary>
    /// Writes the file to <paramref name="path"/>, replacing any file there. The data goes to a temporary file in the
    /// same folder first, so a failure part way leaves the previous file intact.
    /// </summary>
    public void Write(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = ToBytes();
        string target = Path.GetFullPath(path);
        string temporary = $"{target}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Writes the file to <paramref name="stream"/> at its current position; the stream is not closed.</summary>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(ToBytes());
    }

    /// <summary>
    /// The file as bytes: standard safetensors with a compact JSON header space-padded to a multiple of 8 bytes,
    /// <c>__metadata__</c> first when there is any, and little-endian data (F32, I8 or BF16) packed in tensor order.
    /// </summary>
    public byte[] ToBytes() => SafeTensorsWriter.ToBytes(_tensors, Metadata);

    private static SafeTensor[] ToArray(IEnumerable<SafeTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        SafeTensor[] array = tensors.ToArray();
        if (Array.IndexOf(array, null) >= 0)
            throw new ArgumentException("A tensor is null.", nameof(tensors));
        return array;
    }

    private static Dictionary<string, string> CopyMetadata(IReadOnlyDictionary<string, string>? metadata)
    {
        var copy = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata is null)
            return copy;
        foreach (KeyValuePair<string, string> pair in metadata)
        {
            if (pair.Value is null)
                throw new ArgumentException($"Metadata value of '{pair.Key}' is null; safetensors metadata values are strings.", nameof(metadata));
            copy.Add(pair.Key, pair.Value);
        }
        return copy;
    }
}
