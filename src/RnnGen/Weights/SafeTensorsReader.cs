using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace RnnGen.Weights;

/// <summary>
/// Parses and validates safetensors bytes. Every size read from the file is checked against the bytes that are
/// really there before anything is allocated from it, so a corrupt or hostile file costs at most four times its own
/// length (an I8 or BF16 value becomes a float).
/// </summary>
internal static class SafeTensorsReader
{
    /// <summary>The reference implementation's limit (safetensors' MAX_HEADER_SIZE): a longer header is a corrupt length.</summary>
    internal const int MaxHeaderBytes = 100_000_000;

    private const int Float32Bytes = 4;

    /// <summary>Where one tensor's bytes lie, relative to the start of the data section, and their dtype.</summary>
    private readonly record struct Entry(string Name, string DType, int[] Shape, long Count, long Begin, long End);

    public static SafeTensorsFile Parse(ReadOnlySpan<byte> bytes, string fileName)
    {
        if (bytes.Length < sizeof(ulong))
            throw Error(fileName, null, $"is {bytes.Length} bytes long, shorter than the 8-byte header length every safetensors file starts with");

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        long available = bytes.Length - sizeof(ulong);
        if (headerLength > (ulong)available)
            throw Error(fileName, null, $"header length {headerLength} runs past the end of the file, which has {available} bytes after the length: truncated, or not a safetensors file");
        if (headerLength > MaxHeaderBytes)
            throw Error(fileName, null, $"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");

        ReadOnlySpan<byte> header = bytes.Slice(sizeof(ulong), (int)headerLength);
        ReadOnlySpan<byte> data = bytes.Slice(sizeof(ulong) + (int)headerLength);

        int invalidAt = IndexOfInvalidUtf8(header);
        if (invalidAt >= 0)
            throw Error(fileName, null, $"header is not valid UTF-8 (byte {invalidAt} of the header)");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header.ToArray());
        }
        catch (JsonException ex)
        {
            throw Error(fileName, null, $"header is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Error(fileName, null, $"header must be a JSON object, found {Describe(root)}");

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<Entry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in root.EnumerateObject())
            {
                string name = NameOf(property, fileName, null);
                if (!names.Add(name))
                    throw Error(fileName, null, $"header has two entries named '{name}'");
                if (name == SafeTensorsFile.MetadataKey)
                {
                    ReadMetadata(property.Value, metadata, fileName);
                    continue;
                }
                if (entries.Count == SafeTensorsFile.MaxTensorCount)
                    throw Error(fileName, null, $"header lists more than {SafeTensorsFile.MaxTensorCount} tensors, the limit");
                if (name.Length > SafeTensorsFile.MaxNameLength)
                    throw Error(fileName, null, $"a tensor name is {name.Length} characters long, more than {SafeTensorsFile.MaxNameLength} (it starts '{name[..40]}…')");
                entries.Add(ReadEntry(name, property.Value, data.Length, fileName));
            }

            CheckContiguous(entries, data.Length, fileName);

            var tensors = new SafeTensor[entries.Count];
            for (int i = 0; i < entries.Count; i++)
            {
                Entry e = entries[i];
                var values = new float[e.Count];
                ReadOnlySpan<byte> raw = data[(int)e.Begin..(int)e.End];
                switch (e.DType)
                {
                    case SafeTensor.Int8:
                        for (int k = 0; k < values.Length; k++) values[k] = (sbyte)raw[k];
                        break;
                    case SafeTensor.BFloat16:
                        for (int k = 0; k < values.Length; k++) values[k] = BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(raw.Slice(2 * k)) << 16);
                        break;
                    default:
                        CopyLittleEndian(raw, values);
                        break;
                }
                tensors[i] = new SafeTensor(e.Name, e.Shape, values, e.DType);
            }
            return new SafeTensorsFile(tensors, metadata, fileName);
        }
    }

    private static void ReadMetadata(JsonElement element, Dictionary<string, string> metadata, string fileName)
    {
        if (element.ValueKind == JsonValueKind.Null)
            return;
        if (element.ValueKind != JsonValueKind.Object)
            throw Error(fileName, null, $"'{SafeTensorsFile.MetadataKey}' must be an object of strings, found {Describe(element)}");
        foreach (JsonProperty property in element.EnumerateObject())
        {
            string key = NameOf(property, fileName, null);
            if (property.Value.ValueKind != JsonValueKind.String)
                throw Error(fileName, null, $"metadata value of '{key}' must be a string, found {Describe(property.Value)}");
            if (!metadata.TryAdd(key, StringOf(property.Value, fileName, null)))
                throw Error(fileName, null, $"metadata has two entries named '{key}'");
        }
    }

    private static Entry ReadEntry(string name, JsonElement element, long dataLength, string fileName)
    {
        if (name.Length == 0)
            throw Error(fileName, null, "a tensor has an empty name");
        if (element.ValueKind != JsonValueKind.Object)
            throw Error(fileName, name, $"entry must be an object with dtype, shape and data_offsets, found {Describe(element)}");

        JsonElement? dtype = null, shape = null, offsets = null;
        foreach (JsonProperty field in element.EnumerateObject())
        {
            switch (NameOf(field, fileName, name))
            {
                case "dtype": SetOnce(ref dtype, field, name, fileName); break;
                case "shape": SetOnce(ref shape, field, name, fileName); break;
                case "data_offsets": SetOnce(ref offsets, field, name, fileName); break;
                // Other fields are allowed, as in the reference implementation.
            }
        }
        if (dtype is null)
            throw Error(fileName, name, "entry has no 'dtype'");
        if (shape is null)
            throw Error(fileName, name, "entry has no 'shape'");
        if (offsets is null)
            throw Error(fileName, name, "entry has no 'data_offsets'");

        if (dtype.Value.ValueKind != JsonValueKind.String)
            throw Error(fileName, name, $"'dtype' must be a string, found {Describe(dtype.Value)}");
        string dtypeText = StringOf(dtype.Value, fileName, name);
        int elementSize = SafeTensor.ElementSize(dtypeText);
        if (elementSize == 0)
            throw Error(fileName, name, $"has dtype {dtypeText}, but only F32 (and the I8 and BF16 of quantized weights) is supported: export as float32 (e.g. call .float() on the model before saving)");

        int[] dims = ReadShape(shape.Value, name, fileName);
        long count = ElementCount(dims, name, fileName);

        long begin = -1, end = -1;
        if (offsets.Value.ValueKind != JsonValueKind.Array || offsets.Value.GetArrayLength() != 2
            || !TryGetNonNegative(offsets.Value[0], out begin) || !TryGetNonNegative(offsets.Value[1], out end))
            throw Error(fileName, name, $"'data_offsets' must be two non-negative integers [begin, end], found {Describe(offsets.Value)}");
        if (begin > end)
            throw Error(fileName, name, $"data_offsets [{begin}, {end}] begin after they end");
        if (end > dataLength)
            throw Error(fileName, name, $"data_offsets [{begin}, {end}] run past the end of the data, which has {dataLength} bytes");
        if (end - begin != count * elementSize)
            throw Error(fileName, name, $"shape {SafeTensor.FormatShape(dims)} of {dtypeText} needs {count * elementSize} bytes, but data_offsets [{begin}, {end}] hold {end - begin}");

        return new Entry(name, dtypeText, dims, count, begin, end);
    }

    private static void SetOnce(ref JsonElement? slot, JsonProperty field, string name, string fileName)
    {
        if (slot is not null)
            throw Error(fileName, name, $"entry has '{NameOf(field, fileName, name)}' twice");
        slot = field.Value;
    }

    /// <summary>An integer literal that fits a <see cref="long"/> and is not negative (not 2.5, not "3", not 1e3).</summary>
    private static bool TryGetNonNegative(JsonElement element, out long value)
    {
        value = -1;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value) && value >= 0;
    }

    private static int[] ReadShape(JsonElement shape, string name, string fileName)
    {
        if (shape.ValueKind != JsonValueKind.Array)
            throw Error(fileName, name, $"'shape' must be an array of non-negative integers, found {Describe(shape)}");
        var dims = new int[shape.GetArrayLength()];
        int i = 0;
        foreach (JsonElement dim in shape.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long value))
                throw Error(fileName, name, $"shape dimension {i} must be a non-negative integer, found {Describe(dim)}");
            if (value < 0)
                throw Error(fileName, name, $"shape dimension {i} is negative ({value})");
            if (value > int.MaxValue)
                throw Error(fileName, name, $"shape dimension {i} is {value}, more than {int.MaxValue}");
            dims[i++] = (int)value;
        }
        return dims;
    }

    /// <summary>The product of the dimensions, such that its F32 byte size fits a <see cref="long"/>.</summary>
    private static long ElementCount(int[] dims, string name, string fileName)
    {
        if (Array.IndexOf(dims, 0) >= 0)
            return 0;
        long count = 1;
        foreach (int d in dims)
        {
            if (count > long.MaxValue / Float32Bytes / d)
                throw Error(fileName, name, $"shape {SafeTensor.FormatShape(dims)} has more elements than any file can hold");
            count *= d;
        }
        return count;
    }

    /// <summary>
    /// As the format requires, the tensors' byte ranges, sorted, must tile the data section exactly: each begins where
    /// the previous ends, the first at 0 and the last at its end. An overlap, a hole or trailing bytes mean the header
    /// and the data disagree (a byte inserted or lost shifts every later tensor), so the file is refused.
    /// </summary>
    private static void CheckContiguous(List<Entry> entries, long dataLength, string fileName)
    {
        Entry[] byBegin = entries.ToArray();
        Array.Sort(byBegin, static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long covered = 0;
        Entry? previous = null;
        foreach (Entry current in byBegin)
        {
            if (current.Begin < covered)
                throw Error(fileName, current.Name, $"data_offsets [{current.Begin}, {current.End}] overlap those of '{previous!.Value.Name}' [{previous.Value.Begin}, {previous.Value.End}]");
            if (current.Begin > covered)
                throw Error(fileName, current.Name, $"data_offsets [{current.Begin}, {current.End}] leave bytes [{covered}, {current.Begin}) of the data in no tensor: the header and the data disagree");
            covered = current.End;
            if (current.End > current.Begin)
                previous = current;
        }
        if (covered != dataLength)
            throw Error(fileName, null, $"the data section has {dataLength} bytes but its tensors cover {covered}: bytes were added or the header is wrong");
    }

    /// <summary>
    /// A property name as a string. JSON allows an escaped lone UTF-16 surrogate (<c>\ud800</c>), which no valid string
    /// holds; System.Text.Json throws <see cref="InvalidOperationException"/> for it, reported here as a format error.
    /// </summary>
    private static string NameOf(JsonProperty property, string fileName, string? tensorName)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException ex)
        {
            throw Error(fileName, tensorName, $"a name in the header contains a lone UTF-16 surrogate escape ({Abbreviate(ex.Message)})", ex);
        }
    }

    /// <summary>A string value; see <see cref="NameOf"/> for why it is guarded.</summary>
    private static string StringOf(JsonElement element, string fileName, string? tensorName)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            throw Error(fileName, tensorName, $"a string in the header contains a lone UTF-16 surrogate escape ({Abbreviate(ex.Message)})", ex);
        }
    }

    private static string Abbreviate(string text) => text.Length <= 80 ? text : text[..80] + "…";

    private static void CopyLittleEndian(ReadOnlySpan<byte> source, float[] destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(destination.AsSpan()));
            return;
        }
        for (int i = 0; i < destination.Length; i++)
            destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source.Slice(i * Float32Bytes));
    }

    private static int IndexOfInvalidUtf8(ReadOnlySpan<byte> text)
    {
        int index = 0;
        while (index < text.Length)
        {
            if (Rune.DecodeFromUtf8(text.Slice(index), out _, out int consumed) != System.Buffers.OperationStatus.Done)
                return index;
            index += consumed;
        }
        return -1;
    }

    /// <summary>A JSON value for an error message: its kind and, if short, its text.</summary>
    private static string Describe(JsonElement element)
    {
        string raw = element.GetRawText();
        string kind = element.ValueKind.ToString().ToLower(CultureInfo.InvariantCulture);
        return raw.Length <= 40 ? $"{kind} {raw}" : $"{kind} {raw[..40]}…";
    }

    private static WeightFormatException Error(string fileName, string? tensorName, string problem, Exception? inner = null) =>
        WeightFormatException.For(fileName, tensorName, problem, inner);
}
