using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Cli.Conformance;

namespace RnnGen.Generator.Tests.DocSnippets;

/// <summary>
/// Compiles the C# blocks of a Markdown page with the RnnGen generator, as a user's project would, and runs the ones
/// marked runnable, so the page's examples cannot rot. The info string of a fenced block says what happens to it:
/// <list type="table">
/// <item><term><c>```csharp</c></term><description>compiled</description></item>
/// <item><term><c>```csharp run</c></term><description>compiled and run, in page order; a <c>```text output</c> block right after it is what it must print</description></item>
/// <item><term><c>```csharp fragment</c></term><description>not compiled; the page says why</description></item>
/// </list>
/// All compiled blocks of a page form one project: the usings of any block apply to every block, and a model class
/// declared in one block can be used in the next. Type declarations stay types; the statements of a block become the
/// body of one method, so each block's variables are its own. An HTML comment <c>&lt;!-- snippet-context: … --&gt;</c>
/// right before a block is C# put in front of its statements (for the README, whose short examples use variables they
/// do not declare). Every error and warning, and every failed run, is reported at its line in the page.
/// </summary>
internal static class DocSnippetChecker
{
    private const string ContextStart = "<!-- snippet-context:";

    /// <summary>The usings of an SDK project with <c>ImplicitUsings</c> (what <c>dotnet new console</c> makes).</summary>
    private static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    /// <summary>A block may define a local function for the reader to call from their own code (CS8321: declared but never used).</summary>
    private static readonly string[] AllowedWarnings = ["CS8321"];

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>How long one run block may take before it counts as hung.</summary>
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    /// <summary>A fenced block: its info string's words, the 1-based page line of its first content line, its lines.</summary>
    internal sealed record CodeBlock(string Language, IReadOnlyList<string> Modifiers, int FirstLine, IReadOnlyList<string> Lines, CodeBlock.Context? Setup)
    {
        /// <summary>C# from a <c>snippet-context</c> comment, starting at page line <paramref name="FirstLine"/>.</summary>
        internal sealed record Context(int FirstLine, IReadOnlyList<string> Lines);

        public bool Has(string modifier) => Modifiers.Contains(modifier, StringComparer.Ordinal);
    }

    /// <summary>Checks a page; returns one message per problem, each starting with <c>page(line)</c>. Empty means the page is sound.</summary>
    /// <param name="page">The page's path as it should appear in messages (relative to the repository).</param>
    /// <param name="markdown">The page's text.</param>
    public static IReadOnlyList<string> Check(string page, string markdown)
    {
        var problems = new List<string>();
        IReadOnlyList<CodeBlock> blocks = ReadBlocks(markdown);
        var compiled = new List<CodeBlock>();
        var expectedOutput = new Dictionary<CodeBlock, CodeBlock>();
        for (int i = 0; i < blocks.Count; i++)
        {
            CodeBlock block = blocks[i];
            if (block.Language is "text" && block.Has("output"))
            {
                if (i == 0 || blocks[i - 1] is not { Language: "csharp" } run || !run.Has("run"))
                    problems.Add($"{page}({block.FirstLine - 1}): a ```text output block must follow a ```csharp run block");
                else
                    expectedOutput[run] = block;
                continue;
            }
            if (block.Language is not "csharp")
                continue;
            string[] unknown = block.Modifiers.Where(m => m is not ("run" or "fragment")).ToArray();
            if (unknown.Length > 0 || (block.Has("run") && block.Has("fragment")))
            {
                problems.Add($"{page}({block.FirstLine - 1}): info string 'csharp {string.Join(' ', block.Modifiers)}': use ```csharp, ```csharp run or ```csharp fragment");
                continue;
            }
            if (!block.Has("fragment"))
                compiled.Add(block);
        }
        if (compiled.Count == 0 || problems.Count > 0)
            return problems;

        AssemblyLoadContext? context = Compile(page, compiled, problems);
        if (context is null)
            return problems;
        foreach (CodeBlock block in compiled.Where(b => b.Has("run")))
            Run(page, context.Assemblies.Single(), block, expectedOutput.GetValueOrDefault(block), problems);
        context.Unload();
        return problems;
    }

    /// <summary>The page's fenced blocks, each with the <c>snippet-context</c> comment right before it, if any.</summary>
    internal static IReadOnlyList<CodeBlock> ReadBlocks(string markdown)
    {
        string[] lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var blocks = new List<CodeBlock>();
        CodeBlock.Context? context = null;
        for (int i = 0; i < lines.Length; i++)
        {
            string trimmed = lines[i].TrimStart();
            if (trimmed.StartsWith(ContextStart, StringComparison.Ordinal))
            {
                int first = i;
                var body = new List<string> { trimmed[ContextStart.Length..] };
                while (!body[^1].Contains("-->", StringComparison.Ordinal) && i + 1 < lines.Length)
                    body.Add(lines[++i]);
                body[^1] = body[^1][..body[^1].IndexOf("-->", StringComparison.Ordinal)];
                context = new CodeBlock.Context(first + 1, body);
                continue;
            }
            if (!trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                if (trimmed.Length > 0) context = null; // a context belongs to the block right after it
                continue;
            }

            int indent = lines[i].Length - trimmed.Length;
            string[] info = trimmed[3..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int start = i + 1;
            var content = new List<string>();
            for (i = start; i < lines.Length && lines[i].Trim() != "```"; i++)
                content.Add(lines[i].Length >= indent && string.IsNullOrWhiteSpace(lines[i][..indent]) ? lines[i][indent..] : lines[i].TrimStart());
            blocks.Add(new CodeBlock(info.FirstOrDefault() ?? "", info.Skip(1).ToArray(), start + 1, content, context));
            context = null;
        }
        return blocks;
    }

    /// <summary>Compiles the blocks into one assembly in a context of its own, or adds the diagnostics at their page lines and returns null.</summary>
    private static AssemblyLoadContext? Compile(string page, IReadOnlyList<CodeBlock> blocks, List<string> problems)
    {
        string ns = Namespace(page);
        var usings = new MappedSource();
        var seenUsings = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in ImplicitUsings)
        {
            seenUsings.Add($"using {name};");
            usings.Append($"global using {name};", 0);
        }
        var maps = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var trees = new List<SyntaxTree>();
        foreach (CodeBlock block in blocks)
        {
            // The context and the block are parsed on their own (the block's usings come first in its text); the
            // context's declarations and statements go before the block's.
            var types = new MappedSource();
            var statements = new MappedSource();
            foreach ((int first, IReadOnlyList<string> lines) in new[] { (block.Setup?.FirstLine ?? 0, block.Setup?.Lines ?? []), (block.FirstLine, block.Lines) })
            {
                var unit = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(string.Join('\n', lines), ParseOptions).GetRoot();
                int PageLine(SyntaxNode node) => first + node.GetLocation().GetLineSpan().StartLinePosition.Line;
                foreach (UsingDirectiveSyntax directive in unit.Usings)
                {
                    string local = directive.WithoutTrivia().WithGlobalKeyword(default).ToString();
                    if (seenUsings.Add(local))
                        usings.Append("global " + local, PageLine(directive));
                }
                foreach (MemberDeclarationSyntax member in unit.Members)
                {
                    MappedSource target = member is GlobalStatementSyntax ? statements : types;
                    target.Append(member.WithoutLeadingTrivia().ToFullString(), PageLine(member));
                }
            }

            var source = new MappedSource();
            source.Append($"namespace {ns};", block.FirstLine);
            source.Append(types);
            source.Append($"public static class {RunnerName(block)}", block.FirstLine);
            source.Append("{", block.FirstLine);
            source.Append("public static void Run()", block.FirstLine);
            source.Append("{", block.FirstLine);
            source.Append(statements);
            source.Append("}", block.FirstLine);
            source.Append("}", block.FirstLine);

            string path = $"{page}#L{block.FirstLine}.cs";
            maps[path] = source.PageLines.ToArray();
            trees.Add(CSharpSyntaxTree.ParseText(source.Text, ParseOptions, path: path, encoding: Encoding.UTF8));
        }
        string usingsPath = $"{page}#usings.cs";
        maps[usingsPath] = usings.PageLines.ToArray();
        trees.Add(CSharpSyntaxTree.ParseText(usings.Text, ParseOptions, path: usingsPath, encoding: Encoding.UTF8));

        var compilation = CSharpCompilation.Create(
            ns + "." + Guid.NewGuid().ToString("N"),
            trees,
            ModelCompiler.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, nullableContextOptions: NullableContextOptions.Enable));
        CSharpGeneratorDriver.Create([new RecurrentModelGenerator().AsSourceGenerator()], parseOptions: ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out var generatorDiagnostics);

        var reported = generatorDiagnostics.Concat(output.GetDiagnostics())
            .Where(d => d.Severity == DiagnosticSeverity.Error || (d.Severity == DiagnosticSeverity.Warning && !AllowedWarnings.Contains(d.Id)))
            .Select(d => $"{Where(d, page, maps)}: {d.Severity.ToString().ToLowerInvariant()} {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")
            .Distinct()
            .ToList();
        if (reported.Count > 0)
        {
            problems.AddRange(reported);
            return null;
        }

        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        if (!emitted.Success)
        {
            problems.AddRange(emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => $"{Where(d, page, maps)}: {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}"));
            return null;
        }
        image.Position = 0;
        var context = new AssemblyLoadContext(ns, isCollectible: true);
        context.LoadFromStream(image);
        return context;
    }

    /// <summary><c>page(line)</c> for a diagnostic in a block (the generator reports its own as external-file locations on the same paths).</summary>
    private static string Where(Diagnostic diagnostic, string page, Dictionary<string, int[]> maps)
    {
        if (diagnostic.Location == Location.None)
            return page;
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        if (maps.TryGetValue(span.Path ?? "", out int[]? lines))
            return $"{page}({lines[Math.Clamp(span.StartLinePosition.Line, 0, lines.Length - 1)]})";
        return $"{page}, in {span.Path}({span.StartLinePosition.Line + 1})";
    }

    /// <summary>Runs a block's method with the console captured and compares what it printed with the page's output block.</summary>
    private static void Run(string page, Assembly assembly, CodeBlock block, CodeBlock? expected, List<string> problems)
    {
        string typeName = Namespace(page) + "." + RunnerName(block);
        MethodInfo run = assembly.GetType(typeName, throwOnError: true)!.GetMethod("Run")!;
        var printed = new StringWriter { NewLine = "\n" };
        Exception? failure = null;
        TextWriter console = Console.Out;
        Console.SetOut(printed);
        try
        {
            var thread = new Thread(() =>
            {
                try { run.Invoke(null, null); }
                catch (TargetInvocationException e) { failure = e.InnerException ?? e; }
            });
            thread.Start();
            if (!thread.Join(RunTimeout))
                failure = new TimeoutException($"still running after {RunTimeout.TotalSeconds:0} s");
        }
        finally
        {
            Console.SetOut(console);
        }

        string[] got = Lines(printed.ToString());
        if (failure is not null)
        {
            problems.Add($"{page}({block.FirstLine - 1}): the block threw {failure.GetType().Name}: {failure.Message}" +
                (got.Length > 0 ? "\nIt printed:\n" + string.Join('\n', got) : ""));
            return;
        }
        if (expected is null)
            return;
        string[] want = Lines(string.Join('\n', expected.Lines));
        for (int i = 0; i < Math.Max(want.Length, got.Length); i++)
        {
            string? w = i < want.Length ? want[i] : null;
            string? g = i < got.Length ? got[i] : null;
            if (w == g)
                continue;
            int line = expected.FirstLine + Math.Min(i, Math.Max(want.Length - 1, 0));
            problems.Add($"{page}({line}): the block at line {block.FirstLine - 1} printed {(g is null ? "nothing more" : $"'{g}'")} where the page shows {(w is null ? "nothing more" : $"'{w}'")}" +
                "\nIt printed:\n" + string.Join('\n', got));
            return;
        }
    }

    /// <summary>Lines without trailing whitespace and without trailing empty lines.</summary>
    private static string[] Lines(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
            lines.RemoveAt(lines.Count - 1);
        return lines.ToArray();
    }

    private static string RunnerName(CodeBlock block) => $"BlockAtLine{block.FirstLine - 1}";

    private static string Namespace(string page) => "DocSnippets." + new string(Path.GetFileNameWithoutExtension(page).Where(char.IsAsciiLetterOrDigit).ToArray());

    /// <summary>Source text being built, with the page line each of its lines came from.</summary>
    private sealed class MappedSource
    {
        private readonly StringBuilder _text = new();

        public List<int> PageLines { get; } = [];

        public string Text => _text.ToString();

        /// <summary>Appends <paramref name="text"/> (one or more lines), whose first line is page line <paramref name="pageLine"/>.</summary>
        public void Append(string text, int pageLine)
        {
            string[] lines = text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                _text.Append(lines[i]).Append('\n');
                PageLines.Add(pageLine + i);
            }
        }

        public void Append(MappedSource other)
        {
            _text.Append(other._text);
            PageLines.AddRange(other.PageLines);
        }
    }
}
