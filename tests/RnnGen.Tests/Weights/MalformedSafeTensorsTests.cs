using System.Buffers.Binary;
using RnnGen.Weights;
using static RnnGen.Tests.Weights.WeightTestData;

namespace RnnGen.Tests.Weights;

/// <summary>Every malformed file is a <see cref="WeightFormatException"/> that says what is wrong, never a crash.</summary>
public class MalformedSafeTensorsTests
{
    private const string FileName = "crafted.safetensors";

    private static WeightFormatException Rejected(byte[] bytes, string? tensor, params string[] fragments)
    {
        var ex = Assert.Throws<WeightFormatException>(() => SafeTensorsFile.Parse(bytes, FileName));
        Assert.StartsWith(FileName + ": ", ex.Message);
        Assert.Equal(FileName, ex.FileName);
        Assert.Equal(tensor, ex.TensorName);
        if (tensor is not null)
            Assert.Contains($"'{tensor}'", ex.Message);
        foreach (string fragment in fragments)
            Assert.Contains(fragment, ex.Message);
        return ex;
    }

    private static string Entry(string dtype = "\"F32\"", string shape = "[2]", string offsets = "[0,8]") =>
        $$"""{"dtype":{{dtype}},"shape":{{shape}},"data_offsets":{{offsets}}}""";

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(7)]
    public void FileShorterThanTheLengthField(int length) =>
        Rejected(new byte[length], null, $"is {length} bytes long", "shorter than the 8-byte header length");

    [Fact]
    public void HeaderLengthPastTheEndOfTheFile()
    {
        byte[] bytes = Craft("{}", new byte[4]);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1000);

        Rejected(bytes, null, "header length 1000 runs past the end", "has 12 bytes after the length");
    }

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(1ul << 62)]
    [InlineData((ulong)int.MaxValue + 1)]
    public void AbsurdHeaderLengthIsRejectedWithoutAllocatingIt(ulong headerLength)
    {
        byte[] bytes = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Rejected(bytes, null, $"header length {headerLength} runs past the end");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "a bad length must not be allocated");
    }

    [Fact]
    public void HeaderOverTheSizeLimit()
    {
        byte[] bytes = new byte[8 + 100_000_008];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 100_000_008);

        Rejected(bytes, null, "header length 100000008 exceeds the 100000000-byte limit");
    }

    [Fact]
    public void HeaderThatIsNotUtf8() =>
        Rejected(Craft([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'], []), null, "not valid UTF-8", "byte 2");

    [Theory]
    [InlineData("")]
    [InlineData("{\"w\":")]
    [InlineData("{\"w\":{}} trailing")]
    [InlineData("{'w':1}")]
    [InlineData("{\"w\":{},}")]
    public void HeaderThatIsNotJson(string header) =>
        Rejected(Craft(header), null, "header is not valid JSON");

    [Fact]
    public void HeaderNestedDeeperThanJsonAllowsIsRejectedNotAStackOverflow() =>
        Rejected(Craft("{\"w\":" + new string('[', 5000) + new string(']', 5000) + "}"), null, "header is not valid JSON");

    [Theory]
    [InlineData("[1,2]", "array")]
    [InlineData("\"F32\"", "string")]
    [InlineData("null", "null")]
    public void HeaderThatIsNotAnObject(string header, string kind) =>
        Rejected(Craft(header), null, "header must be a JSON object", $"found {kind}");

    [Theory]
    [InlineData("5", "number 5")]
    [InlineData("[0,8]", "array [0,8]")]
    [InlineData("null", "null")]
    public void EntryThatIsNotAnObject(string entry, string found) =>
        Rejected(Craft($$"""{"w":{{entry}}}""", new byte[8]), "w", "entry must be an object", found);

    [Theory]
    [InlineData("""{"shape":[2],"data_offsets":[0,8]}""", "no 'dtype'")]
    [InlineData("""{"dtype":"F32","data_offsets":[0,8]}""", "no 'shape'")]
    [InlineData("""{"dtype":"F32","shape":[2]}""", "no 'data_offsets'")]
    [InlineData("""{"dtype":"F32","shape":[2],"shape":[2],"data_offsets":[0,8]}""", "'shape' twice")]
    [InlineData("""{"dtype":7,"shape":[2],"data_offsets":[0,8]}""", "'dtype' must be a string, found number 7")]
    public void EntryWithMissingOrRepeatedFields(string entry, string problem) =>
        Rejected(Craft($$"""{"weight_ih_l0":{{entry}}}""", new byte[8]), "weight_ih_l0", problem);

    [Fact]
    public void UnknownEntryFieldsAreAllowed()
    {
        SafeTensorsFile file = SafeTensorsFile.Parse(Craft("""{"w":{"dtype":"F32","note":{"x":1},"shape":[2],"data_offsets":[0,8]}}""", Floats(1f, 2f)));

        Assert.Equal([1f, 2f], file["w"].Data);
    }

    [Theory]
    [InlineData("F16")]
    [InlineData("U8")]
    [InlineData("F64")]
    [InlineData("I64")]
    public void UnsupportedDtypeAsksForFloat32(string dtype) =>
        Rejected(Craft($$"""{"weight_hh_l0":{{Entry(dtype: $"\"{dtype}\"")}}}""", new byte[8]), "weight_hh_l0", $"dtype {dtype}", "export as float32");

    [Theory]
    [InlineData("[-3]", "dimension 0 is negative (-3)")]
    [InlineData("[2,-1]", "dimension 1 is negative (-1)")]
    [InlineData("[2.5]", "dimension 0 must be a non-negative integer, found number 2.5")]
    [InlineData("[2.0]", "dimension 0 must be a non-negative integer, found number 2.0")]
    [InlineData("[1e3]", "dimension 0 must be a non-negative integer, found number 1e3")]
    [InlineData("[\"2\"]", "dimension 0 must be a non-negative integer, found string \"2\"")]
    [InlineData("[2,null]", "dimension 1 must be a non-negative integer, found null")]
    [InlineData("[99999999999999999999999]", "dimension 0 must be a non-negative integer")]
    [InlineData("[3000000000]", "dimension 0 is 3000000000, more than 2147483647")]
    [InlineData("2", "'shape' must be an array of non-negative integers, found number 2")]
    public void Bad_dimensions(string shape, string problem) =>
        Rejected(Craft($$"""{"w":{{Entry(shape: shape)}}}""", new byte[8]), "w", problem);

    [Theory]
    [InlineData("[2147483647,2147483647,2147483647]")]
    [InlineData("[2147483647,2147483647,2147483647,2147483647,2147483647]")]
    public void ShapeWhoseElementCountOverflows(string shape) =>
        Rejected(Craft($$"""{"w":{{Entry(shape: shape)}}}""", new byte[8]), "w", "has more elements than any file can hold");

    [Fact]
    public void AZeroDimensionMakesAnEmptyTensorWhateverTheOthers()
    {
        SafeTensorsFile file = SafeTensorsFile.Parse(Craft($$"""{"w":{{Entry(shape: "[2147483647,0,2147483647,2147483647]", offsets: "[0,0]")}}}"""));

        Assert.Empty(file["w"].Data);
        Assert.Equal([int.MaxValue, 0, int.MaxValue, int.MaxValue], file["w"].Shape);
    }

    [Theory]
    [InlineData("[8,4]", "data_offsets [8, 4] begin after they end")]
    [InlineData("[0,400]", "data_offsets [0, 400] run past the end of the data, which has 8 bytes")]
    [InlineData("[8,16]", "data_offsets [8, 16] run past the end of the data, which has 8 bytes")]
    [InlineData("[0]", "'data_offsets' must be two non-negative integers")]
    [InlineData("[0,4,8]", "'data_offsets' must be two non-negative integers")]
    [InlineData("[-4,4]", "'data_offsets' must be two non-negative integers")]
    [InlineData("[0,\"8\"]", "'data_offsets' must be two non-negative integers")]
    [InlineData("[0,8.0]", "'data_offsets' must be two non-negative integers")]
    [InlineData("[0,18446744073709551615]", "'data_offsets' must be two non-negative integers")]
    [InlineData("{\"begin\":0}", "'data_offsets' must be two non-negative integers")]
    public void Bad_data_offsets(string offsets, string problem) =>
        Rejected(Craft($$"""{"w":{{Entry(offsets: offsets)}}}""", new byte[8]), "w", problem);

    [Theory]
    [InlineData("[2,3]", "[0,20]", 24, "shape [2, 3] of F32 needs 24 bytes, but data_offsets [0, 20] hold 20")]
    [InlineData("[2]", "[0,12]", 12, "shape [2] of F32 needs 8 bytes, but data_offsets [0, 12] hold 12")]
    [InlineData("[]", "[0,0]", 0, "shape [] of F32 needs 4 bytes, but data_offsets [0, 0] hold 0")]
    public void ByteLengthThatDoesNotMatchTheShape(string shape, string offsets, int dataBytes, string problem) =>
        Rejected(Craft($$"""{"w":{{Entry(shape: shape, offsets: offsets)}}}""", new byte[dataBytes]), "w", problem);

    [Fact]
    public void OverlappingTensors()
    {
        string header = $$"""{"a":{{Entry(shape: "[4]", offsets: "[0,16]")}},"b":{{Entry(shape: "[4]", offsets: "[8,24]")}}}""";

        Rejected(Craft(header, new byte[24]), "b", "data_offsets [8, 24] overlap those of 'a' [0, 16]");
    }

    [Fact]
    public void OverlapIsFoundWhateverTheHeaderOrder()
    {
        string header = $$"""{"late":{{Entry(shape: "[1]", offsets: "[12,16]")}},"early":{{Entry(shape: "[4]", offsets: "[0,16]")}}}""";

        Rejected(Craft(header, new byte[16]), "late", "overlap those of 'early'");
    }

    [Fact]
    public void AdjacentEmptyAndOutOfOrderTensorsDoNotOverlap()
    {
        string header = $$"""{"second":{{Entry(shape: "[1]", offsets: "[4,8]")}},"empty":{{Entry(shape: "[0]", offsets: "[4,4]")}},"first":{{Entry(shape: "[1]", offsets: "[0,4]")}}}""";

        SafeTensorsFile file = SafeTensorsFile.Parse(Craft(header, Floats(1f, 2f)));

        Assert.Equal(["second", "empty", "first"], file.Tensors.Select(t => t.Name));
        Assert.Equal(2f, file["second"].Data[0]);
        Assert.Equal(1f, file["first"].Data[0]);
    }

    [Fact]
    public void DuplicateTensorNames() =>
        Rejected(Craft($$"""{"w":{{Entry()}},"w":{{Entry(offsets: "[8,16]")}}}""", new byte[16]), null, "two entries named 'w'");

    [Fact]
    public void DuplicateMetadataEntries() =>
        Rejected(Craft("""{"__metadata__":{},"__metadata__":{}}"""), null, "two entries named '__metadata__'");

    [Fact]
    public void DuplicateMetadataKeys() =>
        Rejected(Craft("""{"__metadata__":{"format":"pt","format":"np"}}"""), null, "metadata has two entries named 'format'");

    [Theory]
    [InlineData("10", "number 10")]
    [InlineData("true", "true")]
    [InlineData("null", "null")]
    [InlineData("[\"a\"]", "array")]
    public void MetadataValueThatIsNotAString(string value, string found) =>
        Rejected(Craft($$$"""{"__metadata__":{"format":"pt","epochs":{{{value}}}}}"""), null, "metadata value of 'epochs' must be a string", found);

    [Fact]
    public void MetadataThatIsNotAnObject() =>
        Rejected(Craft("""{"__metadata__":["format","pt"]}"""), null, "'__metadata__' must be an object of strings");

    [Fact]
    public void TensorWithAnEmptyName() =>
        Rejected(Craft($$"""{"":{{Entry()}}}""", new byte[8]), null, "a tensor has an empty name");

    // JSON allows an escaped lone UTF-16 surrogate, but no .NET string can be made from it: System.Text.Json throws
    // InvalidOperationException on reading it, which must not escape as anything but a format error.
    [Theory]
    [InlineData("""{"w\ud800":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", null)]
    [InlineData("""{"w":{"dtype":"F32\udfff","shape":[2],"data_offsets":[0,8]}}""", "w")]
    [InlineData("""{"w":{"dt\udc00ype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", "w")]
    [InlineData("""{"__metadata__":{"k\ud800":"v"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", null)]
    [InlineData("""{"__metadata__":{"k":"v\udc00x"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", null)]
    public void LoneSurrogateEscapesAreFormatErrors(string header, string? tensor) =>
        Rejected(Craft(header, new byte[8]), tensor, "lone UTF-16 surrogate");

    [Fact]
    public void MoreTensorsThanTheLimitAreRefused()
    {
        var header = new System.Text.StringBuilder("{");
        for (int i = 0; i <= SafeTensorsFile.MaxTensorCount; i++)
            header.Append(i == 0 ? "" : ",").Append($$"""
                "t{{i}}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}
                """);
        Rejected(Craft(header.Append('}').ToString()), null, $"more than {SafeTensorsFile.MaxTensorCount} tensors");
    }

    [Fact]
    public void ATensorNameLongerThanTheLimitIsRefused()
    {
        string name = new('n', SafeTensorsFile.MaxNameLength + 1);
        Rejected(Craft($$"""{"{{name}}":{{Entry()}}}""", new byte[8]), null, $"a tensor name is {SafeTensorsFile.MaxNameLength + 1} characters long, more than {SafeTensorsFile.MaxNameLength}");
        SafeTensorsFile.Parse(Craft($$"""{"{{name[1..]}}":{{Entry()}}}""", new byte[8]));
    }

    [Fact]
    public void BytesAfterTheLastTensorAreRefused() =>
        Rejected(Craft($$"""{"w":{{Entry()}}}""", new byte[12]), null, "the data section has 12 bytes but its tensors cover 8");

    [Fact]
    public void AHoleBetweenTensorsIsRefused()
    {
        string header = $$"""{"b":{{Entry(shape: "[1]", offsets: "[8,12]")}},"a":{{Entry(shape: "[1]", offsets: "[0,4]")}}}""";

        Rejected(Craft(header, new byte[12]), "b", "data_offsets [8, 12] leave bytes [4, 8) of the data in no tensor");
    }

    [Fact]
    public void AByteInsertedIntoTheDataNoLongerLoadsWithEveryLaterTensorShifted()
    {
        byte[] original = Bytes(LstmSmall);
        int dataStart = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(original);
        foreach (int at in new[] { dataStart, dataStart + 100, original.Length - 1, original.Length })
        {
            byte[] bytes = [.. original[..at], 0x41, .. original[at..]];
            Rejected(bytes, null, "the data section has", "bytes but its tensors cover");
        }
    }

    [Fact]
    public void ErrorsNameThePathAFileWasReadFrom()
    {
        using var temp = new TempFile();
        File.WriteAllBytes(temp.Path, Craft($$"""{"w":{{Entry(dtype: "\"F16\"")}}}""", new byte[8]));

        var ex = Assert.Throws<WeightFormatException>(() => SafeTensorsFile.Read(temp.Path));

        Assert.StartsWith(temp.Path + ": tensor 'w': has dtype F16", ex.Message);
    }

    [Fact]
    public void EveryTruncationOfARealFileIsAFormatError()
    {
        byte[] bytes = Bytes(LstmSmall);

        for (int length = 0; length < bytes.Length; length++)
            Assert.Throws<WeightFormatException>(() => SafeTensorsFile.Parse(bytes.AsSpan(0, length)));
    }

    /// <summary>Random corruption either still parses or is a <see cref="WeightFormatException"/>: no other exception escapes.</summary>
    [Fact]
    public void RandomCorruptionNeverEscapesAsAnotherException()
    {
        byte[] original = Bytes(LstmHead);
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(original);
        var random = new Random(20240611);
        int rejected = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            for (int flips = random.Next(1, 4); flips > 0; flips--)
                bytes[random.Next(headerEnd)] = (byte)random.Next(256);
            try
            {
                SafeTensorsFile.Parse(bytes);
            }
            catch (WeightFormatException)
            {
                rejected++;
            }
        }
        Assert.InRange(rejected, 1000, 3000);
    }
}
