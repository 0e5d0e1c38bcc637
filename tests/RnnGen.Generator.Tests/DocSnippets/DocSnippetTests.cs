using System.Runtime.CompilerServices;

namespace RnnGen.Generator.Tests.DocSnippets;

// Run blocks print through Console.Out, which is process-wide: nothing else may run while they do.
[CollectionDefinition(nameof(DocSnippetTests), DisableParallelization = true)]
public sealed class DocSnippetCollection;

/// <summary>
/// Every ```csharp block of the pages below compiles with the generator and every ```csharp run block prints what the
/// page shows (<see cref="DocSnippetChecker"/>); the last tests show that the check fails where it should.
/// </summary>
[Collection(nameof(DocSnippetTests))]
public sealed class DocSnippetTests
{
    public static TheoryData<string> Pages => new("README.md", "docs/training.md", "docs/streaming.md", "docs/inference.md");

    [Theory]
    [MemberData(nameof(Pages))]
    public void EveryCSharpBlockCompilesAndEveryRunBlockPrintsWhatThePageShows(string page)
    {
        IReadOnlyList<string> problems = DocSnippetChecker.Check(page, File.ReadAllText(Path.Combine(RepositoryRoot(), page)));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("docs/training.md")]
    [InlineData("docs/streaming.md")]
    public void TheRuntimePagesHaveCompiledAndRunBlocks(string page)
    {
        // Guards the check itself: a page whose blocks were all skipped (a misspelt info string) would pass vacuously.
        var blocks = DocSnippetChecker.ReadBlocks(File.ReadAllText(Path.Combine(RepositoryRoot(), page)));
        var csharp = blocks.Where(b => b.Language == "csharp").ToList();
        Assert.Contains(csharp, b => b.Modifiers.Count == 0);
        Assert.Contains(csharp, b => b.Has("run"));
        Assert.Contains(blocks, b => b.Language == "text" && b.Has("output"));
    }

    [Fact]
    public void ABlockThatDoesNotCompileFailsAtItsLineInThePage()
    {
        const string page = """
            # A page

            ```csharp
            using RnnGen;

            [RecurrentModel(InputSize = 2, SequenceLength = 4)]
            [Gru(3)]
            public partial class Tiny { }
            ```

            Then:

            ```csharp
            var model = new Tiny();
            model.Stepp(new float[2], new float[3]);
            ```
            """;
        string problem = Assert.Single(DocSnippetChecker.Check("docs/page.md", page));
        Assert.StartsWith("docs/page.md(15): error CS1061", problem);
    }

    [Fact]
    public void AGeneratorDiagnosticFailsAtTheAttributesLine()
    {
        const string page = """
            ```csharp
            using RnnGen;

            [RecurrentModel(InputSize = 2, SequenceLength = 4)]
            [Gru(3, ProjectionSize = 2)]
            public partial class Tiny { }
            ```
            """;
        Assert.Contains(DocSnippetChecker.Check("p.md", page), p => p.StartsWith("p.md(5): error RNN007", StringComparison.Ordinal));
    }

    [Fact]
    public void ARunBlockThatPrintsSomethingElseFailsAtTheDifferingLine()
    {
        const string page = """
            ```csharp run
            Console.WriteLine("one");
            Console.WriteLine(1 + 1);
            ```

            ```text output
            one
            three
            ```
            """;
        string problem = Assert.Single(DocSnippetChecker.Check("p.md", page));
        Assert.StartsWith("p.md(8): the block at line 1 printed '2' where the page shows 'three'", problem);
    }

    [Fact]
    public void ARunBlockThatThrowsFailsAtItsLine()
    {
        const string page = """
            Text.

            ```csharp run
            int[] empty = [];
            Console.WriteLine(empty[0]);
            ```
            """;
        string problem = Assert.Single(DocSnippetChecker.Check("p.md", page));
        Assert.StartsWith("p.md(3): the block threw IndexOutOfRangeException", problem);
    }

    [Fact]
    public void FragmentsAreNotCompiledAndUnknownInfoStringsAreRefused()
    {
        const string page = """
            ```csharp fragment
            this is not C#
            ```

            ```csharp runn
            Console.WriteLine();
            ```
            """;
        string problem = Assert.Single(DocSnippetChecker.Check("p.md", page));
        Assert.StartsWith("p.md(5): info string 'csharp runn'", problem);
    }

    [Fact]
    public void AContextCommentDeclaresWhatABlockUsesAndBlocksShareTypesAndUsings()
    {
        const string page = """
            ```csharp
            using RnnGen;

            [RecurrentModel(InputSize = 2, SequenceLength = 4)]
            [Gru(3)]
            public partial class Tiny { }
            ```

            <!-- snippet-context:
            var input = new float[Tiny.InputSize];
            var output = new float[Tiny.OutputSize]; -->
            ```csharp run
            var model = new Tiny();
            model.Step(input, output);
            Console.WriteLine(output.Length);
            ```

            ```text output
            3
            ```
            """;
        Assert.Empty(DocSnippetChecker.Check("p.md", page));
    }

    private static string RepositoryRoot([CallerFilePath] string thisFile = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));
}
