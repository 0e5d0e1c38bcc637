using System.Runtime.CompilerServices;

namespace RnnGen.Generator.Tests;

/// <summary>
/// Snapshot checks in Verify's conventions, so Verify.SourceGenerators can replace this helper later:
/// the accepted text is <c>{Class}.{Test}#{HintName}.verified.cs</c> in <c>Snapshots/</c> beside the test; a mismatch
/// writes <c>….received.cs</c> next to it and fails. Set the environment variable <c>VERIFY_ACCEPT=1</c> to accept
/// the received text instead (review the diff first). The generator's version is scrubbed to <c>{RnnGenVersion}</c>, so a
/// version bump does not touch every snapshot. <see cref="MatchDiagnostics"/> keeps diagnostics as <c>….verified.txt</c>,
/// as Verify.SourceGenerators does.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "VERIFY_ACCEPT";

    public const string VersionPlaceholder = "{RnnGenVersion}";

    public static void Match(string actual, string hintName, string testClass, [CallerMemberName] string test = "", [CallerFilePath] string testFile = "")
        => Compare(Scrub(actual), $"{testClass}.{test}#{Path.GetFileNameWithoutExtension(hintName)}", "cs", testFile);

    /// <summary>The diagnostics, one per line (id, severity, location, message), as <c>{Class}.{Test}.verified.txt</c>.</summary>
    public static void MatchDiagnostics(IEnumerable<Microsoft.CodeAnalysis.Diagnostic> diagnostics, string testClass, [CallerMemberName] string test = "", [CallerFilePath] string testFile = "")
    {
        var lines = diagnostics
            .OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal)
            .Select(d =>
            {
                var span = d.Location.GetLineSpan();
                string where = d.Location == Microsoft.CodeAnalysis.Location.None ? "(no location)" : $"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})";
                return $"{d.Id} {d.Severity} {where}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
            });
        Compare(string.Join("\n", lines) + "\n", $"{testClass}.{test}", "txt", testFile);
    }

    /// <summary>Any text, as <c>{Class}.{Test}.verified.txt</c> (e.g. the runtime's public API).</summary>
    public static void MatchText(string actual, string testClass, [CallerMemberName] string test = "", [CallerFilePath] string testFile = "")
        => Compare(actual, $"{testClass}.{test}", "txt", testFile);

    /// <summary>Replaces the generator's version in <c>[GeneratedCode]</c> attributes and the <c>GeneratorVersion</c> constant by <see cref="VersionPlaceholder"/>.</summary>
    private static string Scrub(string generated) =>
        generated.Replace($"GeneratedCode(\"RnnGen\", \"{RnnGen.Generator.Emit.GeneratorInfo.Version}\")", $"GeneratedCode(\"RnnGen\", \"{VersionPlaceholder}\")")
            .Replace($"GeneratorVersion = \"{RnnGen.Generator.Emit.GeneratorInfo.Version}\";", $"GeneratorVersion = \"{VersionPlaceholder}\";");

    private static void Compare(string actual, string name, string extension, string testFile)
    {
        string directory = Path.Combine(Path.GetDirectoryName(testFile)!, "Snapshots");
        string stem = Path.Combine(directory, name);
        string verified = $"{stem}.verified.{extension}", received = $"{stem}.received.{extension}";
        actual = actual.Replace("\r\n", "\n");

        string? expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : null;
        if (expected == actual)
        {
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, actual);
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        Directory.CreateDirectory(directory);
        File.WriteAllText(received, actual);
        Assert.Fail(expected is null
            ? $"No accepted snapshot {Path.GetFileName(verified)}. Review {Path.GetFileName(received)}, then accept with {AcceptVariable}=1."
            : $"Generated code differs from {Path.GetFileName(verified)}; see {Path.GetFileName(received)} (accept with {AcceptVariable}=1). First difference at line {FirstDifferentLine(expected, actual)}.");
    }

    private static int FirstDifferentLine(string expected, string actual)
    {
        string[] a = expected.Split('\n'), b = actual.Split('\n');
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
            if (a[i] != b[i]) return i + 1;
        return Math.Min(a.Length, b.Length) + 1;
    }
}
