using System.Globalization;
using System.Text;
using NativePlugin;

namespace RnnGen.IntegrationTests;

/// <summary>
/// The engine path: samples/NativePlugin published as a NativeAOT shared library, its C host compiled with gcc, and the
/// host streaming samples through the library and checking every output against the same model run as managed code.
/// </summary>
public sealed class NativePluginTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);
    private readonly TempDirectory _root = new("rnngen-plugin");

    public void Dispose() => _root.Dispose();

    [Fact]
    public void TheCHostLoadsThePublishedLibraryAndMatchesTheManagedModel()
    {
        string sample = Repository.Path("samples", "NativePlugin");
        string publish = _root.Combine("publish");
        var published = ProcessRunner.Dotnet(Repository.Root, Timeout, "publish", Path.Combine(sample, "NativePlugin.csproj"), "-c", Repository.Configuration, "-o", publish)
            .AssertSuccess("dotnet publish of the NativeAOT plugin");
        Assert.DoesNotContain("warning IL", published.Output);
        string library = Path.Combine(publish, OperatingSystem.IsWindows() ? "WaveformPlugin.dll" : OperatingSystem.IsMacOS() ? "WaveformPlugin.dylib" : "WaveformPlugin.so");
        Assert.True(File.Exists(library), $"no {library} after publishing:\n{published.Output}");

        string host = _root.Combine("host");
        ProcessRunner.Run("gcc", ["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-I", Path.Combine(sample, "include"), Path.Combine(sample, "host", "host.c"), "-o", host, "-ldl", "-lm"], _root.Path, Timeout)
            .AssertSuccess("gcc");

        string reference = _root.Combine("reference.txt");
        File.WriteAllText(reference, ManagedReference());
        var run = ProcessRunner.Run(host, [library, Path.Combine(sample, "waveform.safetensors"), reference], _root.Path, Timeout).AssertSuccess("the C host");
        Assert.Contains("max |plugin - managed| = ", run.Output);
        Assert.EndsWith("OK", run.Output.TrimEnd());
    }

    /// <summary>
    /// The reference file the host reads: a sawtooth of period 7, the outputs after each streamed step from a zero state,
    /// and the outputs of one forward pass over the window. The managed model's weights are embedded too.
    /// </summary>
    private static string ManagedReference()
    {
        const int steps = WaveformModel.SequenceLength;
        var signal = new float[steps];
        for (int t = 0; t < steps; t++) signal[t] = 2f * (t % 7) / 7f - 1f;

        var model = new WaveformModel();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"steps {steps}\ninput");
        foreach (float x in signal) text.Append(' ').Append(x.ToString("R", CultureInfo.InvariantCulture));
        text.Append('\n');
        var output = new float[WaveformModel.OutputSize];
        for (int t = 0; t < steps; t++)
        {
            model.Step(signal.AsSpan(t, 1), output);
            text.Append(CultureInfo.InvariantCulture, $"step {t}");
            foreach (float y in output) text.Append(' ').Append(y.ToString("R", CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        model.ResetState();
        model.Forward(signal, output);
        text.Append("forward");
        foreach (float y in output) text.Append(' ').Append(y.ToString("R", CultureInfo.InvariantCulture));
        text.Append('\n');
        return text.ToString();
    }
}
