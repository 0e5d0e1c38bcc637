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
    public void GestureStream_trains_saves_reloads_and_detects_the_held_out_gestures()
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
    public void GestureStream_streams_with_a_shipped_weight_file_without_training()
    {
        GestureDemo.Run(new GestureOptions { OutputDirectory = _directory, TestSeconds = 5 }, TextWriter.Null);
        var output = new StringWriter();

        GestureReport report = GestureDemo.Run(new GestureOptions { WeightsPath = Path.Combine(_directory, "gesture.safetensors"), TestSeconds = 30 }, output);

        Assert.DoesNotContain("Training", output.ToString());
        Assert.True(report.Passed, output.ToString());
    }

    [Fact]
    public void Forecast_beats_both_baselines_and_writes_an_svg_chart()
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
    public void AnomalyDetection_catches_every_injected_fault_and_watches_many_sensors_through_one_batch()
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
    public void Crowd_trains_a_policy_by_imitation_and_decides_every_agent_each_frame_within_budget()
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
    public void Crowd_arguments_are_checked_and_help_is_offered()
    {
        Assert.True(CrowdOptions.Parse(["--help"]).Help);
        Assert.Contains("--agents N", CrowdOptions.Usage);
        Assert.Equal(2, CrowdOptions.Parse(["--threads", "2"]).Threads);
        Assert.Contains("1 to 65536", Assert.Throws<ArgumentException>(() => CrowdOptions.Parse(["--agents", "0"])).Message);
        Assert.Contains("Unknown option", Assert.Throws<ArgumentException>(() => CrowdOptions.Parse(["--fast"])).Message);
    }
}
