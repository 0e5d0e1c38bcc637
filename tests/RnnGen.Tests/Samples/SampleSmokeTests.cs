using System.Diagnostics;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AnomalyDetectionSample;
using CrowdSample;
using ForecastSample;
using GestureStreamSample;
using RnnGen.Weights;

namespace RnnGen.Tests.Samples;

/// <summary>
/// Each sample's entry point with the README's default settings, checked against its own quality bar and its promised
/// outputs. Each takes a few seconds; they keep the samples from rotting silently.
/// </summary>
public class SampleSmokeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rnngen-samples-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void GestureStreamTrainsSavesReloadsAndDetectsTheHeldOutGestures()
    {
        var output = new StringWriter();

        GestureReport report = GestureDemo.Run(new GestureOptions { OutputDirectory = _directory }, output);

        string text = output.ToString();
        Assert.True(report.Passed, text);
        Assert.True(report.Gestures >= 40, text);
        Assert.Equal(report.Gestures, report.Correct + report.Missed);
        // One event line per detection, and the reported latency percentiles come from real measurements.
        Assert.Equal(report.Correct + report.False, Regex.Matches(text, @"^\s*\d+\.\d\d  \S.*(correct|FALSE)", RegexOptions.Multiline).Count);
        Assert.True(report.StepLatency.Count > 10_000 && report.StepLatency.P50Microseconds > 0, text);
        // The bad samples the link injected were seen and handled by the resampler's policies.
        Assert.Matches(@"non-finite [1-9]\d* \(interpolated\), out-of-order [1-9]\d* \(dropped [1-9]", text);

        // The streamed model came from the file, which carries the normaliser's statistics.
        string weights = Path.Combine(_directory, "gesture.safetensors");
        var model = new GestureNet();
        var normalizer = model.LoadWeightsAndNormalizer(weights);
        Assert.Equal(6, normalizer.Channels);
        Assert.Equal("idle,shake,circle,double tap,twist", SafeTensorsFile.Read(weights).Metadata["classes"]);
    }

    [Fact]
    public void GestureStreamStreamsWithAShippedWeightFileWithoutTraining()
    {
        GestureDemo.Run(new GestureOptions { OutputDirectory = _directory, TestSeconds = 5 }, TextWriter.Null);
        var output = new StringWriter();

        GestureReport report = GestureDemo.Run(new GestureOptions { WeightsPath = Path.Combine(_directory, "gesture.safetensors"), TestSeconds = 30 }, output);

        Assert.DoesNotContain("Training", output.ToString());
        Assert.True(report.Passed, output.ToString());
    }

    [Fact]
    public void ForecastBeatsBothBaselinesAndWritesAnSvgChart()
    {
        var output = new StringWriter();

        ForecastReport report = ForecastDemo.Run(new ForecastOptions { OutputDirectory = _directory }, output);

        Assert.True(report.Passed, output.ToString());
        Assert.True(report.ModelMae < report.NaiveMae && report.ModelMae < report.SeasonalMae);
        Assert.Equal(Path.Combine(_directory, "forecast.svg"), report.ChartPath);
        Assert.Contains(report.ChartPath, output.ToString());
        XElement svg = XElement.Load(report.ChartPath);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Name);
        // The actual series plus a GRU, a seasonal-naive and a naive segment for each of the drawn forecast origins.
        Assert.True(svg.Elements(ns + "polyline").Count() >= 1 + 3 * 5);
    }

    [Fact]
    public void AnomalyDetectionCatchesEveryInjectedFaultAndWatchesManySensorsThroughOneBatch()
    {
        var output = new StringWriter();

        AnomalyReport report = AnomalyDemo.Run(new AnomalyOptions { Machines = 16 }, output);

        string text = output.ToString();
        Assert.True(report.Passed, text);
        Assert.Equal(report.Faults, report.Caught);
        foreach (FaultKind kind in Enum.GetValues<FaultKind>())
            Assert.Matches($@"{kind}\s.*CAUGHT", text);
        Assert.Matches(@"Many sensors: 16 machines \(4 with the 6 faults, the others healthy\) through one TemperatureForecaster.Batch", text);
        Assert.Matches(@"caught (2[2-4]) of 24 faults on the faulty machines .*: pass", text);
    }

    [Fact]
    public void CrowdTrainsAPolicyByImitationAndDecidesEveryAgentEachFrameWithinBudget()
    {
        var output = new StringWriter();

        CrowdReport report = CrowdDemo.Run(new CrowdOptions { Frames = 90, OutputDirectory = _directory }, output);

        string text = output.ToString();
        Assert.True(report.Passed, text);
        Assert.True(report.PolicyGoals >= 0.6 * report.ExpertGoals && report.ExpertGoals > 0, text);
        // One budget line per frame, every agent decided by the batch.
        Assert.Equal(90, Regex.Matches(text, @"^frame +\d+  agents decided +300  step +\d+\.\d µs  frame +\d+\.\d µs +\d+\.\d% of 60 fps", RegexOptions.Multiline).Count);
        Assert.True(report.StepMicrosecondsP50 > 0 && report.FrameMicrosecondsP50 >= report.StepMicrosecondsP50, text);
        XElement svg = XElement.Load(report.SvgPath);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(14, svg.Elements(ns + "circle").Count());
        Assert.Equal(24, svg.Elements(ns + "path").Count());
    }

    [Fact]
    public void CrowdArgumentsAreCheckedAndHelpIsOffered()
    {
        Assert.True(CrowdOptions.Parse(["--help"]).Help);
        Assert.Contains("--agents N", CrowdOptions.Usage);
        Assert.Equal(2, CrowdOptions.Parse(["--threads", "2"]).Threads);
        Assert.Contains("1 to 65536", Assert.Throws<ArgumentException>(() => CrowdOptions.Parse(["--agents", "0"])).Message);
        Assert.Contains("Unknown option", Assert.Throws<ArgumentException>(() => CrowdOptions.Parse(["--fast"])).Message);
    }

    /// <summary>The command-line entry points the samples' Program.cs call, by sample name.</summary>
    private static int RunCommandLine(string sample, string[] args, TextWriter output, TextWriter error) => sample switch
    {
        "GestureStream" => GestureDemo.RunCommandLine(args, output, error),
        "Forecast" => ForecastDemo.RunCommandLine(args, output, error),
        "AnomalyDetection" => AnomalyDemo.RunCommandLine(args, output, error),
        _ => throw new ArgumentException(sample),
    };

    private static (int Exit, string Output, string Error) RunCommandLine(string sample, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = RunCommandLine(sample, args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("GestureStream", "--seed N|--train-seconds S|--test-seconds S|--epochs N|--out DIR|--weights FILE|--realtime")]
    [InlineData("Forecast", "--seed N|--epochs N|--out DIR")]
    [InlineData("AnomalyDetection", "--seed N|--epochs N|--train-seconds N|--test-seconds N")]
    public void HelpListsEveryOptionWithItsDefault(string sample, string options)
    {
        var (exit, output, error) = RunCommandLine(sample, "--help");

        Assert.Equal(0, exit);
        Assert.Empty(error);
        foreach (string option in options.Split('|'))
            Assert.Matches($@"(?m)^  {Regex.Escape(option)}\s+\S", output);
        Assert.Contains("(default ", output);
    }

    [Theory]
    [InlineData("GestureStream", new[] { "--epochs", "0" }, "--epochs needs a whole number of at least 1, not '0'")]
    [InlineData("GestureStream", new[] { "--seed", "-1" }, "--seed needs a whole number of at least 0, not '-1'")]
    [InlineData("GestureStream", new[] { "--test-seconds", "soon" }, "--test-seconds needs a number of seconds of at least 1, not 'soon'")]
    [InlineData("GestureStream", new[] { "--realtime", "--weights" }, "--weights needs a value (FILE)")]
    [InlineData("Forecast", new[] { "--epochs", "many" }, "--epochs needs a whole number of at least 1, not 'many'")]
    [InlineData("AnomalyDetection", new[] { "--train-seconds", "60" }, "--train-seconds needs a whole number of at least 600, not '60'")]
    [InlineData("AnomalyDetection", new[] { "--machines", "100000" }, "--machines needs a whole number from 0 to 65536, not '100000'")]
    [InlineData("AnomalyDetection", new[] { "--verbose" }, "unknown option --verbose")]
    public void A_bad_argument_is_one_line_and_the_usage_with_exit_code_2(string sample, string[] args, string message)
    {
        var (exit, output, error) = RunCommandLine(sample, args);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Equal($"{sample}: {message}", error.Split(Environment.NewLine)[0]);
        Assert.Contains($"Usage: {sample} [options]", error);
    }

    public static TheoryData<string, string> UnusableWeightFiles => new()
    {
        { "missing", "no such file" },
        { "directory", "is a directory, not a file" },
        { "empty", "is 0 bytes long, shorter than the 8-byte header length" },
        { "random", "not a safetensors file" },
        { "pytorch-zip", "not a safetensors file" },
        { "another-model", "lstm_small_L1_uni_bias.safetensors" },
    };

    /// <summary>A weights path of the given kind: a file GestureStream cannot stream with.</summary>
    private string UnusableWeights(string kind)
    {
        string path = Path.Combine(_directory, kind + ".safetensors");
        switch (kind)
        {
            case "missing":
                break;
            case "directory":
                Directory.CreateDirectory(path);
                break;
            case "empty":
                File.WriteAllBytes(path, []);
                break;
            case "random":
                File.WriteAllBytes(path, Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray());
                break;
            case "pytorch-zip":
                // What torch.save writes: a zip archive holding a pickle; here under the name a user might give it.
                path = Path.Combine(_directory, "model.pt");
                using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
                using (var entry = new BinaryWriter(zip.CreateEntry("archive/data.pkl").Open()))
                    entry.Write(new byte[] { 0x80, 0x02, (byte)'}', (byte)'q', 0x00, (byte)'.' });
                break;
            case "another-model":
                path = Path.Combine(AppContext.BaseDirectory, "TestData", "weights", "lstm_small_L1_uni_bias.safetensors");
                break;
        }
        return path;
    }

    [Theory]
    [MemberData(nameof(UnusableWeightFiles))]
    public void GestureStreamWithUnusableWeightsFailsWithOneLineAndExitCode2(string kind, string message)
    {
        string weights = UnusableWeights(kind);

        var (exit, output, error) = RunCommandLine("GestureStream", "--weights", weights, "--test-seconds", "1");

        Assert.True(exit == 2, output + error);
        string line = Assert.Single(error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("GestureStream: ", line);
        Assert.Contains(message, line);
        Assert.DoesNotContain("Training", output);
    }

    [Theory]
    [InlineData("GestureStream")]
    [InlineData("Forecast")]
    public void AnOutputDirectoryThatIsAFileFailsWithOneLineBeforeAnyWork(string sample)
    {
        string file = Path.Combine(_directory, "occupied");
        File.WriteAllText(file, "");

        var (exit, output, error) = RunCommandLine(sample, "--out", file);

        Assert.Equal(2, exit);
        Assert.Equal($"{sample}: --out {file}: is a file, not a directory", error.TrimEnd());
        Assert.DoesNotContain("epoch", output);
    }

    [Fact]
    public void GestureStreamRealtimePrintsEachEventAsItHappens()
    {
        const double Seconds = 8;
        GestureDemo.Run(new GestureOptions { OutputDirectory = _directory, TestSeconds = 1 }, TextWriter.Null);
        var output = new TimedWriter();

        GestureDemo.Run(new GestureOptions { WeightsPath = Path.Combine(_directory, "gesture.safetensors"), TestSeconds = Seconds, RealTime = true }, output);

        // The sensor thread starts after this line and delivers each sample no earlier than its time, so the stream
        // cannot end before its last sample, about Seconds later. The checks only bound lateness loosely (by seconds),
        // which a loaded machine may add to.
        double start = output.Lines.First(l => l.Text.StartsWith("Streaming a held-out recording", StringComparison.Ordinal)).At;
        var events = output.Lines
            .Select(l => (l.At, Match: Regex.Match(l.Text, @"^\s*(\d+\.\d\d)  \S.*(correct|FALSE)")))
            .Where(e => e.Match.Success)
            .Select(e => (Written: e.At - start, Time: double.Parse(e.Match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        Assert.NotEmpty(events);
        // Paced: no event is printed before its moment in the stream has come.
        foreach (var (written, time) in events)
            Assert.True(written >= time - 0.1, $"the event at {time:0.00} s of the stream was printed {written:0.00} s after it started");
        // As it happens: the first event is printed while the stream is still running (a second before it can end), not after it ended.
        Assert.True(events[0].Written < Seconds - 1, $"the first event, at {events[0].Time:0.00} s of the stream, was printed only {events[0].Written:0.00} s after it started, near or after the end of the {Seconds} s stream");
    }

    /// <summary>Records when each line was written, in seconds since the writer was created.</summary>
    private sealed class TimedWriter : TextWriter
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly System.Text.StringBuilder _line = new();

        public List<(double At, string Text)> Lines { get; } = [];

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value)
        {
            if (value == '\n')
            {
                Lines.Add((_clock.Elapsed.TotalSeconds, _line.ToString().TrimEnd('\r')));
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }
    }
}
