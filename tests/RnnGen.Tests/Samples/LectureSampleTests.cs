using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace RnnGen.Tests.Samples;

/// <summary>Runs the built samples as a user would and checks what they print, so they cannot rot unseen.</summary>
public class LectureSampleTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static (int Exit, string Output) Run(string sample)
    {
        var (exit, output, error) = Run(sample, []);
        return (exit, output + error);
    }

    /// <summary>Runs the built sample with <paramref name="args"/>; its exit code, standard output and standard error.</summary>
    internal static (int Exit, string Output, string Error) Run(string sample, string[] args, [CallerFilePath] string thisFile = "")
    {
        string root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));
        string dll = Path.Combine(root, "samples", sample, "bin", Configuration, "net10.0", sample + ".dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build the solution first.");
        var start = new ProcessStartInfo("dotnet", [dll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{sample} did not finish within 120 s");
        }
        return (process.ExitCode, output.Result, error.Result);
    }

    public static TheoryData<string> AllSamples => ["WaveformClassifier", "HelloRnn", "Seq2Seq", "GestureStream", "Forecast", "AnomalyDetection"];

    [Theory]
    [MemberData(nameof(AllSamples))]
    public void EverySampleAnswersHelpWithItsUsage(string sample)
    {
        var (exit, output, error) = Run(sample, ["--help"]);

        Assert.True(exit == 0, output + error);
        Assert.Empty(error);
        Assert.Contains($"Usage: {sample} [options]", output);
        Assert.Matches(@"(?m)^  --help\s+show this help and exit$", output);
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public void AnUnknownOptionIsOneLineAndTheUsageWithExitCode2(string sample)
    {
        var (exit, output, error) = Run(sample, ["--no-such-option"]);

        Assert.True(exit == 2, output + error);
        Assert.Empty(output);
        string[] lines = error.Split('\n');
        Assert.Equal($"{sample}: unknown option --no-such-option", lines[0]);
        Assert.Contains($"Usage: {sample} [options]", error);
        Assert.DoesNotContain("Exception", error);
        Assert.DoesNotMatch(@"(?m)^\s+at ", error);
    }

    [Fact]
    public void WaveformClassifierMatchesPyTorch()
    {
        var (exit, output) = Run("WaveformClassifier");
        Assert.True(exit == 0, output);
        Assert.Contains("RnnGen matches PyTorch", output);
        Assert.Contains("after 40 samples: square", output);
    }

    [Fact]
    public void HelloRnnLearnsAndGeneratesHello()
    {
        var (exit, output) = Run("HelloRnn");
        Assert.True(exit == 0, output);
        Assert.Contains("Generated: \"hello\" (learned)", output);
        Assert.Contains("  300  ", output);
    }

    [Fact]
    public void Seq2SeqReversesDigits()
    {
        var (exit, output) = Run("Seq2Seq");
        Assert.True(exit == 0, output);
        Assert.Contains("Exact-match accuracy on 2000 new sequences", output);
    }
}
