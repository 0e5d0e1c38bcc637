using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using NativePlugin;
using PluginTemplateTest;

namespace RnnGen.IntegrationTests;

/// <summary>
/// The engine path: samples/NativePlugin published as a NativeAOT shared library, its C host compiled with gcc, and the
/// host streaming samples through the library and checking every output against the same model run as managed code;
/// then the same folder used as a template for a second model of another shape, by changing its PluginModel line.
/// </summary>
public sealed class NativePluginTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);
    private static readonly string Sample = Repository.Path("samples", "NativePlugin");
    private static readonly string LibraryName = OperatingSystem.IsWindows() ? "rnngen_plugin.dll" : OperatingSystem.IsMacOS() ? "rnngen_plugin.dylib" : "rnngen_plugin.so";
    private readonly TempDirectory _root = new("rnngen-plugin");

    public void Dispose() => _root.Dispose();

    [Fact]
    public void TheCHostLoadsThePublishedLibraryAndMatchesTheManagedModel()
    {
        string library = Publish(Path.Combine(Sample, "NativePlugin.csproj"), _root.Combine("publish"), environment: null);
        string host = CompileHost();
        var help = ProcessRunner.Run(host, ["--help"], _root.Path, Timeout).AssertSuccess("host --help");
        Assert.StartsWith("usage: ", help.Output);

        var run = RunHost(host, library, Path.Combine(Sample, "waveform.safetensors"), ManagedReference(new WaveformModel()));

        // The output names come from the weights' "classes" metadata, embedded in the library.
        Assert.Contains("outputs: sine square sawtooth", run.Output);
        Assert.Matches(@"after 40 steps: (sine|square|sawtooth) +sine 0\.\d{6} square 0\.\d{6} sawtooth 0\.\d{6}", run.Output);

        // Weights the library cannot use are one line from rnngen_last_error, and the host's exit code 2.
        string pytorch = _root.Combine("model.pt");
        File.WriteAllBytes(pytorch, [(byte)'P', (byte)'K', 3, 4, .. new byte[200]]);
        foreach (var (weights, message) in new[] { (_root.Combine("missing.safetensors"), "no such file"), (_root.Path, "is a directory, not a weights file"), (pytorch, "not a safetensors file") })
        {
            var failed = ProcessRunner.Run(host, [library, weights], _root.Path, Timeout);
            Assert.Equal(2, failed.ExitCode);
            string line = Assert.Single(failed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"host: cannot create the models: {weights}: ", line);
            Assert.Contains(message, line);
        }
    }

    [Fact]
    public void TheTemplateExportsASecondModelOfAnotherShapeByChangingOnlyItsPluginModelLine()
    {
        // The user's steps: a copy of the folder, their model and weights in place of the waveform's, one line changed.
        string template = _root.Combine("template");
        CopyTemplate(template);
        File.Copy(Repository.Path("tests", "RnnGen.IntegrationTests", "PluginTemplate", "SensorTagger.cs"), Path.Combine(template, "SensorTagger.cs"));
        string weights = Path.Combine(template, "model.safetensors");
        File.Copy(Repository.Path("tests", "RnnGen.Generator.Tests", "Cases", "extra", "gru_L2_head_many_to_one", "model.safetensors"), weights);
        string project = Path.Combine(template, "NativePlugin.csproj");
        string original = File.ReadAllText(project);
        const string ModelLine = "<PluginModel>NativePlugin.WaveformModel</PluginModel>";
        Assert.Equal(1, original.Split(ModelLine).Length - 1);
        File.WriteAllText(project, original.Replace(ModelLine, "<PluginModel>PluginTemplateTest.SensorTagger</PluginModel>", StringComparison.Ordinal));

        // Outside the repository the copy finds the RnnGen projects through RnnGenRoot (an environment variable here). The
        // model is int8: the documented switch makes the build embed int8 weights (without it, warning RNN025 fails Publish).
        string library = Publish(project, _root.Combine("publish"), new Dictionary<string, string> { ["RnnGenRoot"] = Repository.Root + "/" }, "-p:RnnGenWeightsPrecision=Int8");
        Assert.True(File.Exists(Path.Combine(template, "obj", Repository.Configuration, "net10.0", RuntimeInformation.RuntimeIdentifier, "rnngen", "quantized", "model.safetensors.int8.safetensors")));
        var run = RunHost(CompileHost(), library, weights, ManagedReference(new SensorTagger()));

        Assert.Contains("model: 6 inputs, 3 outputs, 34 state floats, window 24", run.Output);
        Assert.Contains("outputs: (unnamed) (unnamed) (unnamed)", run.Output);
    }

    private static string Publish(string project, string output, IReadOnlyDictionary<string, string>? environment, params string[] properties)
    {
        var published = ProcessRunner.Run("dotnet", ["publish", project, "-c", Repository.Configuration, "-o", output, .. properties], Repository.Root, Timeout, environment)
            .AssertSuccess("dotnet publish of the NativeAOT plugin");
        Assert.DoesNotContain("warning", published.Output);
        string library = Path.Combine(output, LibraryName);
        Assert.True(File.Exists(library), $"no {library} after publishing:\n{published.Output}");
        return library;
    }

    private string CompileHost()
    {
        string host = _root.Combine("host");
        ProcessRunner.Run("gcc", ["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-I", Path.Combine(Sample, "include"), Path.Combine(Sample, "host", "host.c"), "-o", host, "-ldl", "-lm"], _root.Path, Timeout)
            .AssertSuccess("gcc");
        return host;
    }

    private ProcessResult RunHost(string host, string library, string weights, string reference)
    {
        string path = _root.Combine("reference.txt");
        File.WriteAllText(path, reference);
        var run = ProcessRunner.Run(host, [library, weights, path], _root.Path, Timeout).AssertSuccess("the C host");
        Assert.Contains("max |plugin - managed| = ", run.Output);
        Assert.EndsWith("OK", run.Output.TrimEnd());
        return run;
    }

    /// <summary>samples/NativePlugin without its build output and without the waveform model and weights.</summary>
    private static void CopyTemplate(string target)
    {
        foreach (string file in Directory.EnumerateFiles(Sample, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(Sample, file);
            string top = relative.Split(Path.DirectorySeparatorChar)[0];
            if (top is "bin" or "obj" or "WaveformModel.cs" or "waveform.safetensors") continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
        }
    }

    /// <summary>
    /// The reference file the host reads: a sawtooth of period 7 on each input (shifted by one step per input), the
    /// outputs after each streamed step from a zero state, and the outputs of one forward pass over the window.
    /// </summary>
    private static string ManagedReference<TModel>(TModel model) where TModel : IStepModel, ISequenceModel
    {
        int steps = model.SequenceLength, inputs = model.InputSize;
        var signal = new float[steps * inputs];
        for (int t = 0; t < steps; t++)
            for (int i = 0; i < inputs; i++) signal[t * inputs + i] = 2f * ((t + i) % 7) / 7f - 1f;

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"steps {steps}\ninput");
        foreach (float x in signal) text.Append(' ').Append(x.ToString("R", CultureInfo.InvariantCulture));
        text.Append('\n');
        var output = new float[model.OutputSize];
        model.ResetState();
        for (int t = 0; t < steps; t++)
        {
            model.Step(signal.AsSpan(t * inputs, inputs), output);
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
