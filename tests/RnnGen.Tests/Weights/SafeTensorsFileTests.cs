using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using RnnGen.Weights;
using static RnnGen.Tests.Weights.WeightTestData;

namespace RnnGen.Tests.Weights;

/// <summary>Reading PyTorch's exports, and writing files that read back (and that PyTorch's layout matches) exactly.</summary>
public class SafeTensorsFileTests
{
    [Fact]
    public void ReadsNamesShapesAndMetadataOfAPytorchExport()
    {
        SafeTensorsFile file = SafeTensorsFile.Read(PathOf(LstmHead));

        Assert.Equal(
            ["rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0", "head.weight", "head.bias"],
            file.Tensors.Select(t => t.Name));
        Assert.Equal(
            ["[32, 4]", "[32, 8]", "[32]", "[32]", "[5, 8]", "[5]"],
            file.Tensors.Select(t => t.ShapeText));
        Assert.All(file.Tensors, t => Assert.Equal("F32", t.DType));
        Assert.Equal(new[] { 5, 8 }, file["head.weight"].Shape);
        Assert.Equal(40, file["head.weight"].Data.Length);

        Assert.Equal(15, file.Metadata.Count);
        Assert.Equal("lstm_head_many_to_one", file.Metadata["case"]);
        Assert.Equal("rnn.", file.Metadata["param_prefix"]);
        Assert.Equal("i,f,g,o", file.Metadata["gate_order"]);
        Assert.Equal(PathOf(LstmHead), file.FileName);
    }

    /// <summary>Bit patterns decoded independently with Python's struct module from the same files.</summary>
    [Theory]
    [InlineData(LstmSmall, "weight_ih_l0", 0, 0x3ee3ee9eu)]
    [InlineData(LstmSmall, "weight_ih_l0", 59, 0x3d07f741u)]
    [InlineData(LstmSmall, "weight_hh_l0", 38, 0xbddc6429u)]
    [InlineData(LstmSmall, "bias_hh_l0", 0, 0xbe017472u)]
    [InlineData(LstmSmall, "bias_hh_l0", 19, 0x3edcb473u)]
    [InlineData(LstmHead, "rnn.weight_ih_l0", 0, 0x3e9cfe58u)]
    [InlineData(LstmHead, "head.weight", 22, 0x3cf2881bu)]
    [InlineData(LstmHead, "head.bias", 4, 0x3ea89237u)]
    [InlineData(LstmProj, "weight_ih_l1", 13, 0xbeb0bfd0u)]
    [InlineData(LstmProj, "weight_hr_l1_reverse", 9, 0x3ecf13c8u)]
    public void Values_match_an_independent_decoding(string caseName, string tensor, int index, uint expectedBits)
    {
        SafeTensorsFile file = SafeTensorsFile.Read(PathOf(caseName));

        Assert.Equal(expectedBits, Bits(file[tensor].Data[index]));
    }

    [Fact]
    public void PathStreamAndSpanGiveTheSameContents()
    {
        byte[] bytes = Bytes(LstmProj);
        SafeTensorsFile fromPath = SafeTensorsFile.Read(PathOf(LstmProj));
        SafeTensorsFile fromSpan = SafeTensorsFile.Parse(bytes);
        using var seekable = new MemoryStream(bytes);
        SafeTensorsFile fromStream = SafeTensorsFile.Read(seekable);
        SafeTensorsFile fromPipe = SafeTensorsFile.Read(new ForwardOnlyStream(bytes));

        Assert.Equal(20, fromPath.Tensors.Count);
        foreach (SafeTensorsFile other in new[] { fromSpan, fromStream, fromPipe })
        {
            Assert.Equal(fromPath.Metadata, other.Metadata);
            Assert.Equal(fromPath.Tensors.Select(t => t.ToString()), other.Tensors.Select(t => t.ToString()));
            for (int i = 0; i < fromPath.Tensors.Count; i++)
                Assert.Equal(fromPath.Tensors[i].Data, other.Tensors[i].Data);
        }
    }

    [Fact]
    public void AStreamIsReadFromItsCurrentPosition()
    {
        byte[] bytes = Bytes(LstmSmall);
        using var stream = new MemoryStream([0xAB, 0xCD, .. bytes]);
        stream.Position = 2;

        Assert.Equal(4, SafeTensorsFile.Read(stream).Tensors.Count);
    }

    [Theory]
    [InlineData(LstmSmall)]
    [InlineData(LstmHead)]
    [InlineData(LstmProj)]
    public void RewritingAPytorchExportGivesBackTheSameBytes(string caseName)
    {
        byte[] original = Bytes(caseName);

        Assert.Equal(original, SafeTensorsFile.Parse(original).ToBytes());
    }

    [Fact]
    public void ADirectoryIsAnIOExceptionThatSaysSo()
    {
        string directory = Directory.CreateTempSubdirectory("rnngen-dir-").FullName;
        try
        {
            var ex = Assert.ThrowsAny<IOException>(() => SafeTensorsFile.Read(directory));
            Assert.Contains("is a directory, not a file", ex.Message);
            Assert.ThrowsAny<IOException>(() => FakeModel.LstmSmall().LoadWeights(directory));
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    [LinuxFact]
    public void AFifoIsRefusedWithoutBlocking()
    {
        // Opening a FIFO that has no writer blocks until one appears; the reader must not wait for one.
        string fifo = Path.Combine(Path.GetTempPath(), $"rnngen-fifo-{Guid.NewGuid():N}");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
            mkfifo.WaitForExit();
        try
        {
            var ex = Deadline.Run(TimeSpan.FromSeconds(10), () => Assert.ThrowsAny<IOException>(() => SafeTensorsFile.Read(fifo)));
            Assert.Contains("is not a regular file", ex.Message);
        }
        finally
        {
            // Should a reader be stuck in open(), a writer that opens and closes releases it.
            using (var unblock = new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite)) { }
            File.Delete(fifo);
        }
    }

    [Fact]
    public void AMissingFileIsAFileNotFoundException()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-missing-{Guid.NewGuid():N}.safetensors");
        Assert.Throws<FileNotFoundException>(() => SafeTensorsFile.Read(path));
    }

    [Fact]
    public void LookupOfAMissingTensorNamesItAndTheFile()
    {
        SafeTensorsFile file = SafeTensorsFile.Read(PathOf(LstmSmall));

        Assert.False(file.TryGetTensor("weight_hr_l0", out _));
        Assert.True(file.TryGetTensor("bias_ih_l0", out SafeTensor? bias));
        Assert.Equal(20, bias!.Data.Length);
        var ex = Assert.Throws<KeyNotFoundException>(() => file["weight_hr_l0"]);
        Assert.Contains("weight_hr_l0", ex.Message);
        Assert.Contains(LstmSmall, ex.Message);
    }

    [Fact]
    public void EveryFloatBitPatternSurvivesARoundTrip()
    {
        float[] special =
        [
            0f, -0f, float.Epsilon, -float.Epsilon, 1.17549421e-38f /* largest subnormal */, float.MaxValue, float.MinValue,
            float.PositiveInfinity, float.NegativeInfinity, BitConverter.UInt32BitsToSingle(0x7fc00001) /* NaN with payload */,
            BitConverter.UInt32BitsToSingle(0xffbadbad) /* negative NaN */, MathF.PI, 0.1f, -1e-30f,
        ];
        var file = new SafeTensorsFile([new SafeTensor("special", [2, 7], special)]);

        SafeTensorsFile back = SafeTensorsFile.Parse(file.ToBytes());

        Assert.Equal(special.Select(Bits), back["special"].Data.Select(Bits));
    }

    [Fact]
    public void WrittenLayoutIsStandardSafetensors()
    {
        var file = new SafeTensorsFile(
            [
                new SafeTensor("b", [2], [1f, 2f]),
                new SafeTensor("a", [1, 3], [3f, 4f, 5f]),
                new SafeTensor("empty", [0, 4], []),
            ],
            new Dictionary<string, string> { ["format"] = "pt", ["note"] = "x" });

        byte[] bytes = file.ToBytes();

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0ul, headerLength % 8);
        Assert.Equal(8 + (long)headerLength + 5 * 4, bytes.Length);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.Equal(
            """{"__metadata__":{"format":"pt","note":"x"},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[1,3],"data_offsets":[8,20]},"empty":{"dtype":"F32","shape":[0,4],"data_offsets":[20,20]}}""",
            header.TrimEnd(' '));
        Assert.Equal(Floats(1f, 2f, 3f, 4f, 5f), bytes[(8 + (int)headerLength)..]);
    }

    [Fact]
    public void NamesAndMetadataWithSpecialCharactersRoundTripAsValidJson()
    {
        const string name = "enc\"oder\\.größe+<x>\t.weight";
        var metadata = new Dictionary<string, string> { ["quote\"key"] = "line\nbreak \u00e9 \U0001F600 <b>&" };
        var file = new SafeTensorsFile([new SafeTensor(name, [1], [7f])], metadata);

        byte[] bytes = file.ToBytes();
        SafeTensorsFile back = SafeTensorsFile.Parse(bytes);

        using JsonDocument header = JsonDocument.Parse(bytes.AsMemory(8, (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes)));
        Assert.True(header.RootElement.TryGetProperty(name, out _));
        Assert.Equal(metadata, back.Metadata);
        Assert.Equal(7f, back[name].Data[0]);
    }

    [Fact]
    public void AFileWithoutMetadataWritesNoMetadataEntry()
    {
        byte[] bytes = new SafeTensorsFile([new SafeTensor("w", [1], [1f])]).ToBytes();

        Assert.DoesNotContain("__metadata__", Encoding.UTF8.GetString(bytes));
        Assert.Empty(SafeTensorsFile.Parse(bytes).Metadata);
    }

    [Fact]
    public void WritingToAPathAndAStreamGivesTheSameBytesAsToBytes()
    {
        SafeTensorsFile file = SafeTensorsFile.Read(PathOf(LstmHead));
        using var temp = new TempFile();
        File.WriteAllText(temp.Path, "an older file that must be replaced");

        file.Write(temp.Path);
        using var stream = new MemoryStream();
        stream.WriteByte(0x42);
        file.Write(stream);

        Assert.Equal(Bytes(LstmHead), File.ReadAllBytes(temp.Path));
        Assert.Equal([0x42, .. Bytes(LstmHead)], stream.ToArray());
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(temp.Path)!, Path.GetFileName(temp.Path) + ".*.tmp"));
    }

    [Fact]
    public void BuildingAFileRejectsWhatCannotBeWritten()
    {
        Assert.Throws<ArgumentException>(() => new SafeTensorsFile([new SafeTensor("w", [1], [1f]), new SafeTensor("w", [1], [2f])]));
        Assert.Throws<ArgumentException>(() => new SafeTensor("w", [2, 3], new float[5]));
        Assert.Throws<ArgumentException>(() => new SafeTensor("w", [-1], []));
        Assert.Throws<ArgumentException>(() => new SafeTensor("__metadata__", [1], [1f]));
        Assert.Throws<ArgumentException>(() => new SafeTensor("", [1], [1f]));
    }

    /// <summary>A stream that cannot seek, as a network or pipe stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
