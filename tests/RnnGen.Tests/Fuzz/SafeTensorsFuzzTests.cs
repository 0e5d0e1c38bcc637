using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using RnnGen.Tests.Weights;
using RnnGen.Weights;
using Xunit.Abstractions;

namespace RnnGen.Tests.Fuzz;

/// <summary>
/// Mutated PyTorch exports through <see cref="SafeTensorsFile.Parse"/> and <c>LoadWeights</c>. Every outcome is a
/// <see cref="WeightFormatException"/> that leaves the model as it was, or a load whose values are exactly what the
/// bytes say: the original values when the mutation moved bytes or edited the header text, the mutated bytes decoded
/// at the original offsets when it rewrote bytes in place (a flipped bit in the header can only load if the layout is
/// unchanged). No other exception, and no load over 100 ms of CPU time.
/// </summary>
public class SafeTensorsFuzzTests(ITestOutputHelper output)
{
    private const double LoadBoundMs = 100;

    private enum Mutation { Truncate, FlipBits, DataBytes, Insert, Delete, LengthField, HeaderEdit, LoneSurrogate, Inflate }

    /// <summary>An original file, its model layout, and the original offsets decoded independently of the reader.</summary>
    private sealed class Original
    {
        public Original(string caseName)
        {
            Bytes = WeightTestData.Bytes(caseName);
            HeaderLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(Bytes);
            Header = Encoding.UTF8.GetString(Bytes, 8, HeaderLength);
            using JsonDocument doc = JsonDocument.Parse(Header);
            var layout = new List<(string Name, int[] Shape, long Begin)>();
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == "__metadata__") continue;
                int[] shape = p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
                layout.Add((p.Name, shape, p.Value.GetProperty("data_offsets")[0].GetInt64()));
            }
            Layout = layout;
            Values = Decode(Bytes);
        }

        public byte[] Bytes { get; }
        public int HeaderLength { get; }
        public int DataStart => 8 + HeaderLength;
        public string Header { get; }
        public IReadOnlyList<(string Name, int[] Shape, long Begin)> Layout { get; }
        public float[] Values { get; }

        public FakeModel NewModel() => new FakeModel(Layout.Select(t => (t.Name, t.Shape)).ToArray()).WithDistinctValues();

        /// <summary>The parameters these bytes hold if the original header and offsets still describe them.</summary>
        public float[] Decode(byte[] bytes)
        {
            var values = new List<float>();
            foreach (var (_, shape, begin) in Layout)
            {
                long count = shape.Aggregate(1L, (a, d) => a * d);
                for (long k = 0; k < count; k++)
                    values.Add(BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan((int)(DataStart + begin + 4 * k))));
            }
            return [.. values];
        }
    }

    private static readonly Original[] Originals =
        [new(WeightTestData.LstmSmall), new(WeightTestData.LstmHead), new(WeightTestData.LstmProj)];

    [Fact]
    public void MutatedFilesLoadExactlyOrFailWithAFormatError()
    {
        long cases = Fuzzing.Cases(6000);
        var outcomes = new Dictionary<(Mutation, string), int>();
        double slowest = 0;
        long start = Stopwatch.GetTimestamp();
        Deadline.Run(TimeSpan.FromMinutes(Math.Max(3, cases / 2000)), () =>
        {
            for (long i = 0; i < cases; i++)
            {
                TestRandom random = Fuzzing.For(nameof(MutatedFilesLoadExactlyOrFailWithAFormatError), i);
                Original original = Originals[random.Next(Originals.Length)];
                (byte[] bytes, Mutation kind, bool inPlace) = Mutate(original, random);
                FakeModel model = original.NewModel();
                float[] before = model.Parameters.ToArray();

                string outcome = Load(model, bytes, out double ms, out Exception? unexpected);
                if (unexpected is not null)
                    Assert.Fail($"case {i} ({kind}, seed {Fuzzing.Seed}): {unexpected.GetType().Name}: {unexpected.Message}");
                if (ms > LoadBoundMs)
                {
                    // A hang guard, not a timing (in CPU time of this thread, so a busy machine does not count);
                    // the first loads also pay for JIT compilation, so the same bytes get two more tries.
                    for (int retry = 0; retry < 2 && ms > LoadBoundMs; retry++)
                        Load(original.NewModel(), bytes, out ms, out _);
                    Assert.True(ms <= LoadBoundMs, $"case {i} ({kind}): a load took {ms:F0} ms");
                }
                slowest = Math.Max(slowest, ms);

                float[] after = model.Parameters.ToArray();
                if (outcome == "rejected")
                {
                    Assert.True(before.AsSpan().SequenceEqual(after), $"case {i} ({kind}): a failed load changed the model");
                }
                else
                {
                    float[] expected = inPlace ? original.Decode(bytes) : original.Values;
                    Assert.True(expected.AsSpan().SequenceEqual(after), $"case {i} ({kind}): loaded values differ from what the bytes hold");
                    if (!expected.AsSpan().SequenceEqual(original.Values)) outcome = "loaded changed values";
                }
                outcomes[(kind, outcome)] = outcomes.GetValueOrDefault((kind, outcome)) + 1;
            }
        });

        output.WriteLine($"{cases} mutated files (seed {Fuzzing.Seed}) in {Fuzzing.Milliseconds(start) / 1000:F1} s; slowest load {slowest:F2} ms of CPU time");
        foreach (var group in outcomes.GroupBy(o => o.Key.Item1).OrderBy(g => g.Key))
            output.WriteLine($"  {group.Key}: " + string.Join(", ", group.OrderBy(o => o.Key.Item2).Select(o => $"{o.Value} {o.Key.Item2}")));
        Assert.Contains(outcomes, o => o.Key.Item2 == "rejected");
        Assert.Contains(outcomes, o => o.Key.Item2 != "rejected");
    }

    private static string Load(FakeModel model, byte[] bytes, out double ms, out Exception? unexpected)
    {
        unexpected = null;
        double start = ThreadCpu.NowMs();
        try
        {
            model.LoadWeights(SafeTensorsFile.Parse(bytes, "fuzz.safetensors"));
            return "loaded identically";
        }
        catch (WeightFormatException)
        {
            return "rejected";
        }
        catch (Exception ex)
        {
            unexpected = ex;
            return "unexpected";
        }
        finally
        {
            ms = ThreadCpu.NowMs() - start;
        }
    }

    /// <summary>One mutation of the original; inPlace when bytes were rewritten without moving any (the original offsets still apply).</summary>
    private static (byte[] Bytes, Mutation Kind, bool InPlace) Mutate(Original original, TestRandom random)
    {
        byte[] bytes = original.Bytes;
        int dataStart = original.DataStart;
        var kind = (Mutation)random.Next(Enum.GetValues<Mutation>().Length);
        switch (kind)
        {
            case Mutation.Truncate:
                return (bytes[..random.Next(bytes.Length)], kind, false);

            case Mutation.FlipBits:
            {
                byte[] copy = (byte[])bytes.Clone();
                for (int n = 1 + random.Next(4); n > 0; n--)
                {
                    // Half the flips land in the length and header, where most of the structure is.
                    int at = random.Chance(0.5) ? random.Next(dataStart) : random.Next(bytes.Length);
                    copy[at] ^= (byte)(1 << random.Next(8));
                }
                return (copy, kind, true);
            }

            case Mutation.DataBytes:
            {
                byte[] copy = (byte[])bytes.Clone();
                for (int n = 1 + random.Next(4); n > 0; n--)
                    copy[dataStart + random.Next(bytes.Length - dataStart)] = (byte)random.Next(256);
                return (copy, kind, true);
            }

            case Mutation.Insert:
            {
                int at = random.Next(bytes.Length + 1);
                byte[] inserted = new byte[1 + random.Next(8)];
                for (int k = 0; k < inserted.Length; k++) inserted[k] = random.Chance(0.5) ? (byte)' ' : (byte)random.Next(256);
                byte[] copy = [.. bytes[..at], .. inserted, .. bytes[at..]];
                // Inside the header, the length field is kept in step half the time.
                if (at >= 8 && at < dataStart && random.Chance(0.5))
                    BinaryPrimitives.WriteUInt64LittleEndian(copy, (ulong)(original.HeaderLength + inserted.Length));
                return (copy, kind, false);
            }

            case Mutation.Delete:
            {
                int at = random.Next(bytes.Length);
                int count = Math.Min(1 + random.Next(8), bytes.Length - at);
                return ([.. bytes[..at], .. bytes[(at + count)..]], kind, false);
            }

            case Mutation.LengthField:
            {
                byte[] copy = (byte[])bytes.Clone();
                ulong length = random.Pick<ulong>(0, 1, 7, (ulong)original.HeaderLength - 1, (ulong)original.HeaderLength + 1,
                    (ulong)bytes.Length, uint.MaxValue, ulong.MaxValue, 1UL << 62, random.NextULong());
                BinaryPrimitives.WriteUInt64LittleEndian(copy, length);
                return (copy, kind, false);
            }

            case Mutation.HeaderEdit:
                return (WithHeader(original, EditHeader(original.Header, random), random), kind, false);

            case Mutation.LoneSurrogate:
            {
                // Inside a string: after an opening quote, or replacing a character of a name.
                string header = original.Header;
                int quote = IndexOfNth(header, '"', random.Next(header.Count(c => c == '"')));
                string escape = random.Pick(@"\ud800", @"\udbff", @"\udc00", @"\udfff", @"\ud800\u0041");
                return (WithHeader(original, header.Insert(quote + 1, escape), random), kind, false);
            }

            default: // Inflate: thousands of empty tensors whose names offer prefix candidates, appended to the header.
            {
                int extra = 100 + random.Next(2_000);
                long end = bytes.Length - dataStart;
                string name = original.Layout[random.Next(original.Layout.Count)].Name;
                var text = new StringBuilder(original.Header.TrimEnd().TrimEnd('}'));
                for (int k = 0; k < extra; k++)
                    text.Append($$""","m{{k % 97}}.x{{k}}.{{name}}":{"dtype":"F32","shape":[0],"data_offsets":[{{end}},{{end}}]}""");
                return (WithHeader(original, text.Append('}').ToString(), random, fixLength: true), kind, false);
            }
        }
    }

    private static string EditHeader(string header, TestRandom random)
    {
        int at = random.Next(header.Length);
        switch (random.Next(6))
        {
            case 0: // a different number in place of a digit run
            {
                int digit = header.IndexOfAny("0123456789".ToCharArray(), at);
                if (digit < 0) digit = header.IndexOfAny("0123456789".ToCharArray());
                int end = digit;
                while (end < header.Length && char.IsAsciiDigit(header[end])) end++;
                string number = random.Pick("0", "-1", "-0", "1e3", "2.5", "2147483648", "4294967296", "18446744073709551616", "99999999999999999999999", "007");
                return header[..digit] + number + header[end..];
            }
            case 1:
                return header.Remove(at, 1);
            case 2:
                return header.Insert(at, random.Pick("{", "}", "[", "]", ",", ":", "\"", "\\", " ", "\n", "0", "-", ".", "e", "é", "\u0000", "𝄞"));
            case 3:
                return header.Replace("\"F32\"", random.Pick("\"F16\"", "\"f32\"", "\"F32 \"", "\"BF16\"", "32", "null"));
            case 4: // an escape sequence inside the text
                return header.Insert(at, random.Pick(@"\u0000", @"\n", @"\""", @"\\", @"\u00e9", @"\x"));
            default: // whitespace, which must change nothing
                int space = header.IndexOfAny(",:{}[".ToCharArray(), at);
                return space < 0 ? header + " " : header.Insert(space + 1, random.Pick(" ", "\t", "\r\n"));
        }
    }

    /// <summary>The original data behind a new header; the length field follows the new header unless left stale on purpose.</summary>
    private static byte[] WithHeader(Original original, string header, TestRandom random, bool fixLength = false)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        byte[] data = original.Bytes[original.DataStart..];
        var file = new byte[8 + json.Length + data.Length];
        ulong length = fixLength || random.Chance(0.85) ? (ulong)json.Length : (ulong)original.HeaderLength;
        BinaryPrimitives.WriteUInt64LittleEndian(file, length);
        json.CopyTo(file, 8);
        data.CopyTo(file, 8 + json.Length);
        return file;
    }

    private static int IndexOfNth(string text, char c, int n)
    {
        int at = -1;
        for (int k = 0; k <= n; k++) at = text.IndexOf(c, at + 1);
        return at;
    }
}
