using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;

namespace RnnGen.IntegrationTests;

/// <summary>
/// Follows README.md's "Installing" to the letter: its blocks pack RnnGen and RnnGen.Tool into a local feed, add the
/// package to a fresh project outside the solution (so the generator must come from analyzers/dotnet/cs), which is
/// built and run, its outputs checked against PyTorch's; and install the tool from the feed, which is run.
/// </summary>
public sealed class PackageConsumerTests(PackedFeed packages) : IClassFixture<PackedFeed>
{
    private static readonly TimeSpan Timeout = PackedFeed.Timeout;
    private const string Case = "lstm_head_many_to_one";

    private readonly string _version = packages.Version;
    private readonly TempDirectory _root = packages.Root;

    [Fact]
    public void PackageHasTheRuntimeForBothFrameworksTheGeneratorAsAnAnalyzerAndItsMetadata()
    {
        using var package = ZipFile.OpenRead(Path.Combine(packages.Feed, $"RnnGen.{_version}.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("lib/net8.0/RnnGen.dll", entries);
        Assert.Contains("lib/net10.0/RnnGen.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/RnnGen.Generator.dll", entries);
        Assert.Contains("build/RnnGen.targets", entries);
        Assert.Contains("buildTransitive/RnnGen.targets", entries);
        // The importer the targets run for ONNX build-time weights, with what it needs to run.
        Assert.Contains("tools/onnx/RnnGen.OnnxWeights.dll", entries);
        Assert.Contains("tools/onnx/RnnGen.OnnxWeights.runtimeconfig.json", entries);
        Assert.Contains("tools/onnx/RnnGen.Import.dll", entries);
        Assert.Contains("tools/onnx/Google.Protobuf.dll", entries);
        Assert.Contains("README.md", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.EndsWith("RnnGen.Generator.dll", StringComparison.Ordinal));

        using var nuspecStream = package.GetEntry("RnnGen.nuspec")!.Open();
        var metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Value(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        Assert.Equal("MIT", Value("license"));
        Assert.Equal("README.md", Value("readme"));
        Assert.Contains("source-generator", Value("tags"));
        Assert.False(string.IsNullOrWhiteSpace(Value("description")));
        Assert.StartsWith("https://", metadata.Elements().Single(e => e.Name.LocalName == "repository").Attribute("url")!.Value);
        // The generator is inside the package, not a dependency of it.
        Assert.DoesNotContain("RnnGen.Generator", metadata.ToString());
    }

    [Fact]
    public void AFreshProjectReferencingOnlyThePackageGeneratesBuildsAndMatchesPyTorch()
    {
        string project = CreateConsumer();
        string caseDirectory = Repository.Path("tests", "RnnGen.Generator.Tests", "Cases", "shared", Case);
        using var caseJson = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(caseDirectory, "case.json")));
        var inputs = caseJson.RootElement.GetProperty("inputs");
        File.WriteAllText(Path.Combine(project, "Program.cs"), $$"""
            using System.Globalization;
            using RnnGen;

            float[] x = { {{Floats(inputs.GetProperty("x"))}} };
            float[] h0 = { {{Floats(inputs.GetProperty("h0"))}} };
            float[] c0 = { {{Floats(inputs.GetProperty("c0"))}} };

            // Build-time weights: no LoadWeights, no file next to the program.
            var model = new Consumer.Net();
            void Start()
            {
                h0.CopyTo(model.State.Slice(model.StateTensors.Single(s => s.Name == "h_l0").Offset));
                c0.CopyTo(model.State.Slice(model.StateTensors.Single(s => s.Name == "c_l0").Offset));
            }
            Start();
            var logits = new float[Consumer.Net.OutputSize];
            model.Forward(x, logits);

            // Streaming one sample at a time reaches the same last-step outputs.
            Start();
            var streamed = new float[Consumer.Net.OutputSize];
            for (int t = 0; t < x.Length / Consumer.Net.InputSize; t++)
                model.Step(x.AsSpan(t * Consumer.Net.InputSize, Consumer.Net.InputSize), streamed);

            Console.WriteLine($"parameters {Consumer.Net.ParameterCount}");
            Console.WriteLine("logits " + string.Join(" ", logits.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
            Console.WriteLine("streamed " + string.Join(" ", streamed.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));

            namespace Consumer
            {
                [RecurrentModel(InputSize = 4, SequenceLength = 10, Weights = "model.safetensors")]
                [Lstm(8)]
                [Dense(5, Over = Steps.Last)]
                public partial class Net { }
            }
            """);

        var build = packages.Dotnet(project, "build", "-c", "Release").AssertSuccess("dotnet build of the consumer");
        Assert.Contains("0 Warning(s)", build.Output);
        // Nothing changed: the weights are not described again and nothing is recompiled.
        var again = packages.Dotnet(project, "build", "-c", "Release", "-v:n").AssertSuccess("the second dotnet build of the consumer");
        Assert.Contains("Skipping target \"RnnGenDescribeWeights\" because all output files are up-to-date", again.Output);
        Assert.Contains("Skipping target \"CoreCompile\" because all output files are up-to-date", again.Output);
        string output = ProcessRunner.Run(Path.Combine(project, "bin", "Release", "net10.0", "Consumer"), [], _root.Path, Timeout)
            .AssertSuccess("the consumer").Output;

        // ParameterCount is a generated constant: 4·8·(4 + 8 + 2) LSTM values and 5·8 + 5 head values.
        Assert.Contains("parameters 493", output);
        var want = caseJson.RootElement.GetProperty("expected").GetProperty("logits")[0].EnumerateArray().Select(v => v.GetDouble()).ToArray();
        AssertClose(want, Line(output, "logits "));
        AssertClose(want, Line(output, "streamed "));
    }

    [Fact]
    public void AShapeMismatchFailsTheBuildNamingTheTensorAndBothShapes()
    {
        string project = CreateConsumer();
        File.WriteAllText(Path.Combine(project, "Program.cs"), """
            using RnnGen;
            System.Console.WriteLine(new Net().Parameters.Length);

            [RecurrentModel(InputSize = 4, SequenceLength = 10, Weights = "model.safetensors")]
            [Lstm(9)]
            [Dense(5)]
            public partial class Net { }

            [Lstm(4)]
            public partial class Forgotten { }
            """);
        var build = packages.Dotnet(project, "build", "-c", "Release");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("Program.cs(4,2): error RNN018: Weights file 'model.safetensors' does not fit model 'Net': tensor 'rnn.weight_hh_l0' has shape [32, 8] in the file but [36, 9] in the declaration", build.Output);
        Assert.Contains("tensor 'head.weight' has shape [5, 8] in the file but [5, 9] in the declaration", build.Output);
        // The analyzer ships in the package beside the generator and runs in the consumer's build.
        Assert.Contains("Program.cs(10,22): error RNN020: Class 'Forgotten' has [Lstm] but no [RecurrentModel]", build.Output);
    }

    /// <summary>
    /// [RecurrentModel(Weights = "model.onnx")]: the package's targets convert the ONNX file with the importer from the
    /// package's tools/onnx/ (only when it changed), the model computes PyTorch's output for the fixture, and a graph the
    /// importer cannot read fails the build with RNN019 and the importer's message.
    /// </summary>
    [Fact]
    public void AnOnnxFileAsBuildTimeWeightsIsConvertedByTheBuildAndMatchesPyTorch()
    {
        string fixture = Repository.Path("tests", "RnnGen.Import.Tests", "Cases", "user", "stacked_lstm_mlp");
        string project = CreateConsumer(Path.Combine(fixture, "model.onnx"));
        using var caseJson = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(fixture, "case.json")));
        File.WriteAllText(Path.Combine(project, "Program.cs"), $$"""
            using System.Globalization;
            using RnnGen;

            float[] x = { {{Floats(caseJson.RootElement.GetProperty("inputs").GetProperty("x"))}} };
            var y = new float[Net.OutputSize];
            new Net().Forward(x, y);
            Console.WriteLine("y " + string.Join(" ", y.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));

            // What 'rnngen import model.onnx' prints: two LSTM layers and an MLP head with a ReLU between its layers.
            [RecurrentModel(InputSize = 4, SequenceLength = 16, Weights = "model.onnx")]
            [Lstm(20)]
            [Lstm(20)]
            [Dense(32, Activation.Relu, Over = Steps.Last)]
            [Dense(3)]
            public partial class Net { }
            """);

        packages.Dotnet(project, "build", "-c", "Release").AssertSuccess("dotnet build of the ONNX consumer");
        var again = packages.Dotnet(project, "build", "-c", "Release", "-v:n").AssertSuccess("the second dotnet build of the ONNX consumer");
        Assert.Contains("Skipping target \"RnnGenConvertOnnx\" because all output files are up-to-date", again.Output);
        Assert.Contains("Skipping target \"CoreCompile\" because all output files are up-to-date", again.Output);
        string output = ProcessRunner.Run(Path.Combine(project, "bin", "Release", "net10.0", "Consumer"), [], _root.Path, Timeout)
            .AssertSuccess("the ONNX consumer").Output;
        AssertClose(caseJson.RootElement.GetProperty("expected").GetProperty("y").EnumerateArray().Select(v => v.GetDouble()).ToArray(), Line(output, "y "));

        File.WriteAllBytes(Path.Combine(project, "model.onnx"), File.ReadAllBytes(Path.Combine(fixture, "model.onnx"))[..100]);
        var broken = packages.Dotnet(project, "build", "-c", "Release");
        Assert.NotEqual(0, broken.ExitCode);
        Assert.Contains("error RNN019: Weights file 'model.onnx' of model 'Net' cannot be read: ", broken.Output);
        Assert.Contains("model.onnx: not an ONNX model", broken.Output);
    }

    /// <summary>
    /// A project outside the solution, with the case's weights (or <paramref name="weights"/>) as an additional file, to
    /// which README's install-package block (run in its folder) adds the package: its only RnnGen reference.
    /// </summary>
    private string CreateConsumer(string? weights = null)
    {
        string project = _root.Combine("consumer-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(project);
        weights ??= Repository.Path("tests", "RnnGen.Generator.Tests", "Cases", "shared", Case, "model.safetensors");
        File.Copy(weights, Path.Combine(project, Path.GetFileName(weights)));
        File.WriteAllText(Path.Combine(project, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <AssemblyName>Consumer</AssemblyName>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <!-- A generator that is skipped, cannot load or throws must fail this build, not leave members missing. -->
                <WarningsAsErrors>CS9057;CS8032;CS8785</WarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <AdditionalFiles Include="{Path.GetFileName(weights)}" />
              </ItemGroup>
            </Project>
            """);
        packages.RunReadme("install-package", project);
        Assert.Contains($"<PackageReference Include=\"RnnGen\" Version=\"{_version}\" />", File.ReadAllText(Path.Combine(project, "Consumer.csproj")));
        return project;
    }

    [Fact]
    public void TheToolInstallsFromTheFeedAndInspectsAnExport()
    {
        string installed = packages.RunReadme("install-tool", _root.Path);
        Assert.Contains("Usage:", installed);
        string rnngen = Path.Combine(packages.ToolPath, "rnngen");
        string weights = Repository.Path("tests", "RnnGen.Generator.Tests", "Cases", "shared", Case, "model.safetensors");

        var inspect = ProcessRunner.Run(rnngen, ["inspect", weights, "--name", "Gesture"], _root.Path, Timeout).AssertSuccess("rnngen inspect");
        Assert.Contains("[Lstm(8)]", inspect.Output);
        Assert.Contains("public partial class Gesture { }", inspect.Output);

        string target = _root.Combine("Gesture.g.cs");
        ProcessRunner.Run(rnngen, ["emit", weights, "-o", target], _root.Path, Timeout).AssertSuccess("rnngen emit");
        Assert.Contains("partial class Model : global::RnnGen.IStepModel", File.ReadAllText(target));

        var missing = ProcessRunner.Run(rnngen, ["inspect", _root.Combine("missing.safetensors")], _root.Path, Timeout);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no such file", missing.Output);
    }

    private static string Floats(JsonElement array)
    {
        var values = new List<string>();
        void Flatten(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Array) foreach (var item in e.EnumerateArray()) Flatten(item);
            else values.Add(((float)e.GetDouble()).ToString("R", CultureInfo.InvariantCulture) + "f");
        }
        Flatten(array);
        return string.Join(", ", values);
    }

    private static double[] Line(string output, string prefix)
        => output.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..].Trim()
            .Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();

    private static void AssertClose(double[] want, double[] got)
    {
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++)
            Assert.True(Math.Abs(got[i] - want[i]) <= 1e-5 + 1e-4 * Math.Abs(want[i]), $"output {i}: got {got[i]}, PyTorch {want[i]}");
    }
}

/// <summary>
/// README.md's "Installing" blocks, run with bash as written, with HOME (and with it ~/rnngen-feed, the package cache and
/// the tool folder) in a temporary directory: nothing a run restores or installs reaches the machine's own caches, so no
/// stale copy of an earlier build can be picked up, and everything is removed afterwards. The feed is packed once
/// (install-pack, in the repository, from the solution's Release build) for all the tests.
/// </summary>
public sealed class PackedFeed : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public PackedFeed()
    {
        Directory.CreateDirectory(Home);
        Assert.True(Repository.Configuration == "Release", "README's install-pack block packs the Release build: run these tests in Release.");
        RunReadme("install-pack", Repository.Root);
        Version = Path.GetFileNameWithoutExtension(Directory.GetFiles(Feed, "RnnGen.Tool.*.nupkg").Single())["RnnGen.Tool.".Length..];
    }

    internal TempDirectory Root { get; } = new("rnngen-package");

    /// <summary>The HOME the README's commands run with.</summary>
    public string Home => Root.Combine("home");

    /// <summary>The README's ~/rnngen-feed.</summary>
    public string Feed => Path.Combine(Home, "rnngen-feed");

    /// <summary>The version the README's pack produced (the repository's).</summary>
    public string Version { get; }

    /// <summary>The folder install-tool installs into: its --tool-path, with ~ as <see cref="Home"/>.</summary>
    public string ToolPath
    {
        get
        {
            var toolPath = System.Text.RegularExpressions.Regex.Match(Documentation.TestedBlock("README.md", "install-tool"), @"--tool-path (\S+)");
            Assert.True(toolPath.Success, "README's install-tool block has no --tool-path");
            return toolPath.Groups[1].Value.Replace("~", Home, StringComparison.Ordinal);
        }
    }

    private Dictionary<string, string> ReadmeEnvironment => new()
    {
        ["HOME"] = Home,
        // Explicit, in case the machine sets it: the package cache must be the sandbox's, under the sandboxed HOME.
        ["NUGET_PACKAGES"] = Path.Combine(Home, ".nuget", "packages"),
    };

    /// <summary>Runs README.md's block marked <c>tested: <paramref name="name"/></c> with bash in <paramref name="directory"/>; returns its output.</summary>
    internal string RunReadme(string name, string directory)
    {
        string script = Path.Combine(Root.Path, name + ".sh");
        File.WriteAllText(script, "set -euo pipefail\n" + Documentation.TestedBlock("README.md", name));
        return ProcessRunner.Run("bash", [script], directory, Timeout, ReadmeEnvironment).AssertSuccess($"README.md's {name} block").Output;
    }

    /// <summary>A dotnet command in the README's environment, e.g. building a project the README's commands set up.</summary>
    internal ProcessResult Dotnet(string directory, params string[] arguments) => ProcessRunner.Run("dotnet", arguments, directory, Timeout, ReadmeEnvironment);

    public void Dispose() => Root.Dispose();
}
