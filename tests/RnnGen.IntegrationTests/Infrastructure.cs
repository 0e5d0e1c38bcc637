using System.Diagnostics;
using System.Reflection;
using System.Text;
using Xunit.Abstractions;

// Test classes run side by side: each runs its tools in processes of its own, in folders of its own (the builds it starts
// only read the repository's Release build, or use their own artifacts path). Three at a time on any machine: the class
// that waits for the emulated linux-arm64 runs holds a slot without using a core, so two cores stay busy with the rest.
[assembly: CollectionBehavior(MaxParallelThreads = 3)]
[assembly: TestCollectionOrderer("RnnGen.IntegrationTests.LongestFirst", "RnnGen.IntegrationTests")]

namespace RnnGen.IntegrationTests;

/// <summary>Where the repository is, how it was built, and how to run a tool the way a user's shell would.</summary>
internal static class Repository
{
    public static string Root => Metadata("RepositoryRoot");

    public static string Configuration => Metadata("Configuration");

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string Metadata(string key)
        => typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}

/// <summary>
/// Starts the test classes that take longest first, so that none of them begins last and runs alone: the emulated
/// linux-arm64 runs, then the NativeAOT publishes and the package builds; the others after them, in xUnit's order.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    private static readonly string[] First = [LinuxArm64Tool.Collection, "Test collection for " + typeof(NativePluginTests).FullName, "Test collection for " + typeof(PackageConsumerTests).FullName];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.Select((collection, index) => (collection, index))
            .OrderBy(c => Array.IndexOf(First, c.collection.DisplayName) is int rank and >= 0 ? rank : First.Length)
            .ThenBy(c => c.index)
            .Select(c => c.collection);
}

/// <summary>The result of a finished process.</summary>
internal sealed record ProcessResult(int ExitCode, string Output, TimeSpan Elapsed)
{
    public ProcessResult AssertSuccess(string what)
    {
        Assert.True(ExitCode == 0, $"{what} exited with {ExitCode}:\n{Output}");
        return this;
    }
}

internal static class ProcessRunner
{
    /// <summary>
    /// Runs a program and returns its exit code and combined output. Nested dotnet builds get no MSBuild node reuse and
    /// no compiler server, so no process outlives the test holding its output open, and none of this test host's
    /// MSBuild variables.
    /// </summary>
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (string key in start.Environment.Keys.ToList())
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        if (environment is not null)
            foreach (var (key, value) in environment) start.Environment[key] = value;

        var output = new StringBuilder();
        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout}:\n{output}");
        }
        process.WaitForExit();
        lock (output) return new ProcessResult(process.ExitCode, output.ToString(), watch.Elapsed);
    }

    public static ProcessResult Dotnet(string workingDirectory, TimeSpan timeout, params string[] arguments)
        => Run("dotnet", arguments, workingDirectory, timeout);
}

/// <summary>A directory under the system temp folder, deleted with everything in it when disposed.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}

/// <summary>
/// Code blocks of the documentation that tests run, so the pages cannot drift from what is tested. A block is marked
/// by an HTML comment <c>&lt;!-- tested: NAME … --&gt;</c> on the line before its opening fence.
/// </summary>
internal static class Documentation
{
    public static string TestedBlock(string page, string name)
    {
        string text = File.ReadAllText(Repository.Path(page)).ReplaceLineEndings("\n");
        var blocks = System.Text.RegularExpressions.Regex.Matches(text, @"^<!-- tested: (?<name>\S+)[^\n]*-->\n```[^\n]*\n(?<code>.*?)^```$",
            System.Text.RegularExpressions.RegexOptions.Multiline | System.Text.RegularExpressions.RegexOptions.Singleline);
        var block = blocks.SingleOrDefault(b => b.Groups["name"].Value == name);
        Assert.True(block is not null, $"{page} has no code block marked <!-- tested: {name} -->");
        return block.Groups["code"].Value;
    }
}
