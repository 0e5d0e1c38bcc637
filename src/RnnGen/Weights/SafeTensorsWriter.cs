using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RnnGen.Weights;

/// <summary>Writes standard safetensors bytes, laid out as PyTorch's exports are.</summary>
internal static class SafeTensorsWriter
{
    private const int Float32Bytes = 4;
    private const int HeaderAlignment = 8;

    // The header is not HTML: keep names and metadata readable (as the reference implementation writes them)
    // instead of escaping '+', '<' or non-ASCII letters. Quotes, backslashes and control characters are still escaped.
    private static readonly JsonWriterOptions HeaderOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] ToBytes(IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        ReadOnlySpan<byte> json = WriteHeader(tensors, metadata, out long dataLength);
        int headerLength = (json.Length + HeaderAlignment - 1) / HeaderAlignment * HeaderAlignment;
        long total = sizeof(ulong) + (long)headerLength + dataLength;
        if (total > Array.MaxLength)
            throw new InvalidOperationException($"The tensors need {total} bytes; files over {Array.MaxLength} bytes are not supported.");

        var bytes = new byte[total];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)headerLength);
        Span<byte> header = bytes.AsSpan(sizeof(ulong), headerLength);
        json.CopyTo(header);
        header[json.Length..].Fill((byte)' ');

        Span<byte> data = bytes.AsSpan(sizeof(ulong) + headerLength);
        foreach (SafeTensor t in tensors)
        {
            int size = SafeTensor.ElementSize(t.DType);
            switch (t.DType)
            {
                case SafeTensor.Int8:
                    for (int i = 0; i < t.Data.Length; i++) data[i] = (byte)(sbyte)t.Data[i];
                    break;
                case SafeTensor.BFloat16:
                    for (int i = 0; i < t.Data.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(data.Slice(2 * i), (ushort)(BitConverter.SingleToUInt32Bits(t.Data[i]) >> 16));
                    break;
                default:
                    WriteLittleEndian(t.Data, data);
                    break;
            }
            data = data[(t.Data.Length * size)..];
        }
        return bytes;
    }

    private static ReadOnlySpan<byte> WriteHeader(IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string> metadata, out long dataLength)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, HeaderOptions))
        {
            writer.WriteStartObject();
            if (metadata.Count > 0)
            {
                writer.WriteStartObject(SafeTensorsFile.MetadataKey);
                foreach (KeyValuePair<string, string> pair in metadata)
                    writer.WriteString(pair.Key, pair.Value);
                writer.WriteEndObject();
            }

            long offset = 0;
            foreach (SafeTensor t in tensors)
            {
                writer.WriteStartObject(t.Name);
                writer.WriteString("dtype", t.DType);
                writer.WriteStartArray("shape");
                foreach (int d in t.ShapeSpan)
                    writer.WriteNumberValue(d);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                offset += (long)t.Data.Length * SafeTensor.ElementSize(t.DType);
                writer.WriteNumberValue(offset);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            dataLength = offset;
        }
        return buffer.WrittenSpan;
    }

    private static void WriteLittleEndian(float[] values, Span<byte> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(destination);
            return;
        }
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(destination.Slice(i * Float32Bytes), values[i]);
    }
}
