using System.Reflection;
using System.Text.RegularExpressions;

namespace RnnGen.Tests.Kernels;

/// <summary>
/// Every generated vector cell is its own method for the JIT (<c>NoInlining</c>), optimised once without tiering
/// (<c>AggressiveOptimization</c>). Inlined into a caller (a game loop's one-line <c>model.Step(x, y)</c>), a cell spent
/// that small method's inlining budget and its kernel helpers stayed calls (LSTM 8→100: 2.6 µs against 2.2 µs); and
/// with tiering, what profile-guided optimisation saw during warm-up decided the H = 8 paired-rows Step's speed (226 ns or
/// 62 ns, 2026-11-30). The JIT's listing of the cells themselves is checked in the integration tests (KernelInliningTests).
/// </summary>
public sealed class GeneratedCellInliningTests
{
    private static readonly Regex VectorCell = new(@"^(Step)?Cell\w*(Rows(4|8|16)|Pairs)$|^LaneCell\w*$");

    [Fact]
    public void EveryGeneratedVectorCellIsNeverInlined()
    {
        var cells = typeof(GeneratedCellInliningTests).Assembly.GetTypes()
            .Where(type => typeof(IRecurrentModel).IsAssignableFrom(type) || type.GetInterfaces().Any(i => i.Name.EndsWith("Batch", StringComparison.Ordinal)))
            .SelectMany(type => type.GetMethods(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(method => VectorCell.IsMatch(method.Name))
            .ToList();

        Assert.True(cells.Count > 100, $"only {cells.Count} generated vector cells found; did the names change?");
        Assert.Contains(cells, method => method.Name.StartsWith("StepCell", StringComparison.Ordinal));
        Assert.Contains(cells, method => method.Name.StartsWith("LaneCell", StringComparison.Ordinal));
        const MethodImplAttributes expected = MethodImplAttributes.NoInlining | MethodImplAttributes.AggressiveOptimization;
        var inlinable = cells.Where(method => (method.MethodImplementationFlags & expected) != expected)
            .Select(method => $"{method.DeclaringType!.FullName}.{method.Name}").ToList();
        Assert.True(inlinable.Count == 0, $"generated cells the JIT may inline into their caller or tier:\n{string.Join('\n', inlinable.Take(20))}");
    }
}
