using System.Buffers.Binary;
using System.Text;

namespace RnnGen.Tests.Weights;

/// <summary>The PyTorch exports copied from the reference cases, and a way to craft files byte by byte.</summary>
internal static class WeightTestData
{
    /// <summary>nn.LSTM(3, 5), names without prefix, metadata of the reference exporter.</summary>
    public const string LstmSmall = "lstm_small_L1_uni_bias";

    /// <summary>nn.LSTM(4, 8) + Linear(8, 5), names prefixed <c>rnn.</c> and <c>head.</c>, header not padded (760 bytes).</summary>
    public const string LstmHead = "lstm_head_many_to_one";

    /// <summary>2-layer bidirectional LSTM with proj_size=2: 20 tensors including weight_hr_l*.</summary>
    public const string LstmProj = "lstm_proj_small_L2_bi_bias";

    public static string PathOf(string caseName) => Path.Combine(AppContext.BaseDirectory, "TestData", "weights", caseName + ".safetensors");

    public static byte[] Bytes(string caseName) => File.ReadAllBytes(PathOf(caseName));

    /// <summary>
    /// A file with exactly this header text (space-padded to a multiple of 8) followed by <paramref name="data"/>,
    /// written without the code under test so that a test controls every byte.
    /// </summary>
    public static byte[] Craft(string header, byte[]? data = null)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        return Craft(json, data ?? []);
    }

    public static byte[] Craft(byte[] header, byte[] data)
    {
        int padded = (header.Length + 7) / 8 * 8;
        var file = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        header.CopyTo(file, 8);
        file.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        data.CopyTo(file, 8 + padded);
        return file;
    }

    /// <summary>The little-endian bytes of these floats.</summary>
    public static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    public static uint Bits(float value) => BitConverter.SingleToUInt32Bits(value);

    /// <summary>A path in the temp folder that is deleted when disposed.</summary>
    public sealed class TempFile : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"rnngen-{Guid.NewGuid():N}.safetensors");

        public void Dispose() => File.Delete(Path);
    }
}
