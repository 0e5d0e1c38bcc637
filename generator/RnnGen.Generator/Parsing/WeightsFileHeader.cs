using System.Globalization;
using System.Text;
using RnnGen.Generator.Helpers;

namespace RnnGen.Generator.Parsing;

/// <summary>One tensor entry of a safetensors header: name, dtype and shape (row-major).</summary>
internal sealed record WeightsFileTensor(string Name, string DType, EquatableArray<int> Shape)
{
    public string ShapeText => "[" + string.Join(", ", Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    public override string ToString() => $"{Name} {ShapeText}";
}

/// <summary>One <c>__metadata__</c> entry of a safetensors header.</summary>
internal sealed record WeightsFileMetadata(string Key, string Value);

/// <summary>
/// The header of a safetensors file: an 8-byte little-endian length N, N bytes of UTF-8 JSON mapping each tensor name to
/// <c>{dtype, shape, data_offsets}</c> (plus an optional <c>__metadata__</c> object of strings), then the data.
/// Only the header is parsed, and every entry is checked against the data that is really there, so that a build (or
/// <c>rnngen inspect</c>) can tell shapes and problems without reading the values. netstandard2.0 has no JSON reader
/// the compiler is guaranteed to load, so this holds a small one of its own.
/// </summary>
internal sealed record WeightsFileHeader(
    EquatableArray<WeightsFileTensor> Tensors,
    EquatableArray<WeightsFileMetadata> Metadata)
{
    /// <summary>safetensors' own limit on the header length; a longer one is a corrupt length field.</summary>
    public const int MaxHeaderBytes = 100_000_000;

    /// <summary>The runtime reader's limits (<c>SafeTensorsFile.MaxTensorCount</c>, <c>MaxNameLength</c>; a test pins them equal), so the build refuses what loading would.</summary>
    public const int MaxTensorCount = 65_536, MaxNameLength = 1024;

    /// <summary>Bytes per element of each safetensors dtype.</summary>
    public static int? ElementBytes(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => null,
    };

    public string? MetadataValue(string key)
    {
        foreach (var pair in Metadata)
            if (pair.Key == key) return pair.Value;
        return null;
    }

    /// <summary>
    /// Parses a header from <paramref name="prefix"/>, the first bytes of a file that is <paramref name="fileLength"/>
    /// bytes long (at least the 8-byte length and the header itself).
    /// </summary>
    /// <exception cref="FormatException">The bytes are not a well-formed safetensors file; the message says why.</exception>
    public static WeightsFileHeader Parse(byte[] prefix, long fileLength)
    {
        if (fileLength < 8 || prefix.Length < 8)
            throw new FormatException($"the file is {fileLength} bytes long, shorter than the 8-byte header length every safetensors file starts with");
        ulong headerLength = 0;
        for (int i = 7; i >= 0; i--) headerLength = (headerLength << 8) | prefix[i];
        if (headerLength > (ulong)(fileLength - 8))
            throw new FormatException($"the header length {headerLength} runs past the end of the file ({fileLength} bytes): truncated, or not a safetensors file");
        if (headerLength > MaxHeaderBytes)
            throw new FormatException($"the header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
        if ((ulong)prefix.Length < 8 + headerLength)
            throw new FormatException("the header was not read completely");

        string json;
        try
        {
            json = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(prefix, 8, (int)headerLength);
        }
        catch (ArgumentException)
        {
            throw new FormatException("the header is not valid UTF-8: not a safetensors file");
        }

        long dataBytes = fileLength - 8 - (long)headerLength;
        object? root = new JsonReader(json).ReadDocument();
        if (root is not List<KeyValuePair<string, object?>> entries)
            throw new FormatException("the header is not a JSON object");

        var tensors = new List<WeightsFileTensor>();
        var metadata = new List<WeightsFileMetadata>();
        var ranges = new List<(long Begin, long End, string Name)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (!names.Add(entry.Key))
                throw new FormatException($"the header has two entries named '{entry.Key}'");
            if (entry.Key.Length > MaxNameLength)
                throw new FormatException($"a tensor name is {entry.Key.Length} characters long, over the {MaxNameLength}-character limit");
            if (entry.Key == "__metadata__")
            {
                if (entry.Value is null) continue;
                if (entry.Value is not List<KeyValuePair<string, object?>> pairs)
                    throw new FormatException("'__metadata__' is not an object of strings");
                foreach (var pair in pairs)
                {
                    if (pair.Value is not string value)
                        throw new FormatException($"metadata '{pair.Key}' is not a string");
                    metadata.Add(new WeightsFileMetadata(pair.Key, value));
                }
                continue;
            }
            if (tensors.Count == MaxTensorCount)
                throw new FormatException($"the header lists more than {MaxTensorCount} tensors, the limit");
            tensors.Add(ReadTensor(entry.Key, entry.Value, dataBytes, ranges));
        }
        CheckCoverage(ranges, dataBytes);
        return new WeightsFileHeader(tensors.ToEquatableArray(), metadata.ToEquatableArray());
    }

    /// <summary>
    /// safetensors requires the tensors to index the whole data buffer, in order, with no hole and nothing after the last:
    /// a byte inserted into the data would otherwise shift every later tensor silently.
    /// </summary>
    private static void CheckCoverage(List<(long Begin, long End, string Name)> ranges, long dataBytes)
    {
        long expected = 0;
        foreach (var (begin, end, name) in ranges.OrderBy(r => r.Begin).ThenBy(r => r.End))
        {
            if (begin != expected)
                throw new FormatException(begin > expected
                    ? $"tensor '{name}' starts at byte {begin} of the data, leaving bytes {expected}–{begin - 1} unused: the data is not fully indexed"
                    : $"tensor '{name}' starts at byte {begin} of the data, overlapping the tensor before it");
            expected = end;
        }
        if (expected != dataBytes)
            throw new FormatException($"the tensors index {expected} bytes of data, but the file holds {dataBytes}: trailing bytes");
    }

    private static WeightsFileTensor ReadTensor(string name, object? value, long dataBytes, List<(long Begin, long End, string Name)> ranges)
    {
        if (value is not List<KeyValuePair<string, object?>> fields)
            throw new FormatException($"tensor '{name}': the entry is not an object with dtype, shape and data_offsets");
        object? dtype = null, shape = null, offsets = null;
        foreach (var field in fields)
        {
            if (field.Key == "dtype") dtype = field.Value;
            else if (field.Key == "shape") shape = field.Value;
            else if (field.Key == "data_offsets") offsets = field.Value;
        }
        if (dtype is not string dtypeText)
            throw new FormatException($"tensor '{name}': no string 'dtype'");
        if (shape is not List<object?> dims || dims.Any(d => d is not long))
            throw new FormatException($"tensor '{name}': 'shape' is not an array of integers");
        if (offsets is not List<object?> range || range.Count != 2 || range[0] is not long begin || range[1] is not long end)
            throw new FormatException($"tensor '{name}': 'data_offsets' is not two integers [begin, end]");

        var shapeValues = new List<int>();
        long count = 1;
        foreach (long d in dims.Cast<long>())
        {
            if (d < 0 || d > int.MaxValue)
                throw new FormatException($"tensor '{name}': shape dimension {d} is out of range");
            shapeValues.Add((int)d);
            count = d == 0 || count == 0 ? 0 : (count > long.MaxValue / 8 / d ? throw new FormatException($"tensor '{name}': the shape is too large") : count * d);
        }
        if (begin < 0 || end < begin)
            throw new FormatException($"tensor '{name}': data_offsets [{begin}, {end}] are not an ordered range");
        if (end > dataBytes)
            throw new FormatException($"tensor '{name}': data_offsets [{begin}, {end}] run past the end of the data, which has {dataBytes} bytes: the file is truncated");
        if (ElementBytes(dtypeText) is int size && end - begin != count * size)
            throw new FormatException($"tensor '{name}': a {dtypeText} tensor of {count} elements needs {count * size} bytes, but data_offsets [{begin}, {end}] hold {end - begin}");
        ranges.Add((begin, end, name));
        return new WeightsFileTensor(name, dtypeText, shapeValues.ToEquatableArray());
    }

    /// <summary>
    /// A strict reader for the JSON a safetensors header holds: objects become ordered key/value lists, arrays lists,
    /// integers <see cref="long"/>, other numbers <see cref="double"/>, and strings, booleans and null themselves.
    /// </summary>
    private sealed class JsonReader(string text)
    {
        private const int MaxDepth = 64;
        private int _position;

        public object? ReadDocument()
        {
            object? value = ReadValue(0);
            SkipWhitespace();
            if (_position != text.Length) throw Error("text after the JSON value");
            return value;
        }

        private object? ReadValue(int depth)
        {
            if (depth > MaxDepth) throw Error("nesting too deep");
            SkipWhitespace();
            if (_position >= text.Length) throw Error("unexpected end");
            char c = text[_position];
            switch (c)
            {
                case '{': return ReadObject(depth);
                case '[': return ReadArray(depth);
                case '"': return ReadString();
                case 't': Expect("true"); return true;
                case 'f': Expect("false"); return false;
                case 'n': Expect("null"); return null;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber();
                    throw Error($"unexpected character '{c}'");
            }
        }

        private List<KeyValuePair<string, object?>> ReadObject(int depth)
        {
            var members = new List<KeyValuePair<string, object?>>();
            _position++;
            SkipWhitespace();
            if (Peek() == '}') { _position++; return members; }
            while (true)
            {
                SkipWhitespace();
                if (Peek() != '"') throw Error("expected a member name");
                string key = ReadString();
                SkipWhitespace();
                if (Peek() != ':') throw Error("expected ':'");
                _position++;
                members.Add(new KeyValuePair<string, object?>(key, ReadValue(depth + 1)));
                SkipWhitespace();
                char next = Peek();
                _position++;
                if (next == '}') return members;
                if (next != ',') throw Error("expected ',' or '}'");
            }
        }

        private List<object?> ReadArray(int depth)
        {
            var items = new List<object?>();
            _position++;
            SkipWhitespace();
            if (Peek() == ']') { _position++; return items; }
            while (true)
            {
                items.Add(ReadValue(depth + 1));
                SkipWhitespace();
                char next = Peek();
                _position++;
                if (next == ']') return items;
                if (next != ',') throw Error("expected ',' or ']'");
            }
        }

        private string ReadString()
        {
            var builder = new StringBuilder();
            _position++;
            while (true)
            {
                if (_position >= text.Length) throw Error("unterminated string");
                char c = text[_position++];
                if (c == '"') return WellFormed(builder.ToString());
                if (c < ' ') throw Error("control character in a string");
                if (c != '\\') { builder.Append(c); continue; }
                if (_position >= text.Length) throw Error("unterminated escape");
                char e = text[_position++];
                switch (e)
                {
                    case '"': case '\\': case '/': builder.Append(e); break;
                    case 'b': builder.Append('\b'); break;
                    case 'f': builder.Append('\f'); break;
                    case 'n': builder.Append('\n'); break;
                    case 'r': builder.Append('\r'); break;
                    case 't': builder.Append('\t'); break;
                    case 'u':
                        if (_position + 4 > text.Length || !int.TryParse(text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                            throw Error("bad \\u escape");
                        builder.Append((char)code);
                        _position += 4;
                        break;
                    default: throw Error($"bad escape '\\{e}'");
                }
            }
        }

        /// <summary>A string with every UTF-16 surrogate paired (a lone one, from a \uD800 escape, is not text).</summary>
        private string WellFormed(string value)
        {
            for (int i = 0; i < value.Length; i++)
            {
                if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) i++;
                else if (char.IsSurrogate(value[i])) throw Error("a string holds a lone UTF-16 surrogate");
            }
            return value;
        }

        private object ReadNumber()
        {
            int start = _position;
            if (Peek() == '-') _position++;
            while (_position < text.Length && "0123456789+-.eE".IndexOf(text[_position]) >= 0) _position++;
            string number = text.Substring(start, _position - start);
            if (long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer)) return integer;
            if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double real)) return real;
            throw Error($"bad number '{number}'");
        }

        private void Expect(string word)
        {
            if (string.CompareOrdinal(text, _position, word, 0, word.Length) != 0) throw Error($"expected '{word}'");
            _position += word.Length;
        }

        private char Peek() => _position < text.Length ? text[_position] : '\0';

        private void SkipWhitespace()
        {
            while (_position < text.Length && text[_position] is ' ' or '\t' or '\n' or '\r') _position++;
        }

        private FormatException Error(string problem) => new($"the header is not valid JSON: {problem} at character {_position}");
    }
}
