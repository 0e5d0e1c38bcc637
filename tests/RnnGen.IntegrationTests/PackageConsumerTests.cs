using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;

namespace RnnGen.IntegrationTests;

/// <summary>
/// Packs RnnGen and RnnGen.Tool into a temporary local feed, then uses them as a developer would: a fresh project outside
/// the solution that references only the package (so the generator must come from analyzers/dotnet/cs), built and run,
/// its outputs checked against PyTorch's; and the tool installed from the feed and run.
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
        string project = CreateConsumer(packages.Feed);
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

        var build = ProcessRunner.Dotnet(project, Timeout, "build", "-c", "Release").AssertSuccess("dotnet build of the consumer");
        Assert.Contains("0 Warning(s)", build.Output);
        // Nothing changed: the weights are not described again and nothing is recompiled.
        var again = ProcessRunner.Dotnet(project, Timeout, "build", "-c", "Release", "-v:n").AssertSuccess("the second dotnet build of the consumer");
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
        string project = CreateConsumer(packages.Feed);
        File.WriteAllText(Path.Combine(project, "Program.cs"), """
            using RnnGen;
            System.Console.WriteLine(new Net().Parameters.Length);

            [RecurrentModel(InputSize = 4, SequenceLength = 10, Weights = "model.safetensors")]
            [Lstm(9)]
            [Dense(5)]
            public partial class Net { }
            """);
        var build = ProcessRunner.Dotnet(project, Timeout, "build", "-c", "Release");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("Program.cs(4,2): error RNN018: Weights file 'model.safetensors' does not fit model 'Net': tensor 'rnn.weight_hh_l0' has shape [32, 8] in the file but [36, 9] in the declaration", build.Output);
        Assert.Contains("tensor 'head.weight' has shape [5, 8] in the file but [5, 9] in the declaration", build.Output);
    }

    /// <summary>A project outside the solution whose only RnnGen reference is the package, with the case's weights as an additional file.</summary>
    private string CreateConsumer(string feed)
    {
        string project = _root.Combine("consumer-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(project);
        File.Copy(Repository.Path("tests", "RnnGen.Generator.Tests", "Cases", "shared", Case, "model.safetensors"), Path.Combine(project, "model.safetensors"));
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="rnngen-test-feed" value="{feed}" />
              </packageSources>
            </configuration>
            """);
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
                <PackageReference Include="RnnGen" Version="{_version}" />
                <AdditionalFiles Include="model.safetensors" />
              </ItemGroup>
            </Project>
            """);
        return project;
    }

    [Fact]
    public void TheToolInstallsFromTheFeedAndInspectsAnExport()
    {
        string feed = packages.Feed;
        string tools = _root.Combine("tools");
        ProcessRunner.Dotnet(_root.Path, Timeout, "tool", "install", "RnnGen.Tool", "--version", _version, "--tool-path", tools, "--add-source", feed)
            .AssertSuccess("dotnet tool install");
        string rnngen = Path.Combine(tools, "rnngen");
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
/// RnnGen and RnnGen.Tool packed once (dotnet pack --no-build) into a local feed in a temporary directory, under a
/// version no earlier run used, so the global package cache cannot hand back a stale copy. Removed afterwards, with
/// the cache entries the tests created.
/// </summary>
public sealed class PackedFeed : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public PackedFeed()
    {
        foreach (string project in new[] { "src/RnnGen/RnnGen.csproj", "src/RnnGen.Cli/RnnGen.Cli.csproj" })
            ProcessRunner.Dotnet(Repository.Root, Timeout, "pack", Repository.Path(project), "-c", Repository.Configuration, "--no-build", "-o", Feed, $"-p:Version={Version}")
                .AssertSuccess("dotnet pack " + project);
    }

    internal TempDirectory Root { get; } = new("rnngen-package");

    public string Version { get; } = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);

    public string Feed => Root.Combine("feed");

    public void Dispose()
    {
        Root.Dispose();
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (string id in new[] { "rnngen", "rnngen.tool" })
        {
            string cached = Path.Combine(cache, id, Version);
            if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
        }
    }
}
