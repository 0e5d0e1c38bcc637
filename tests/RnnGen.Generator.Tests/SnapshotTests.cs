using Microsoft.CodeAnalysis;

namespace RnnGen.Generator.Tests;

/// <summary>
/// The generated source for a representative set of models, each snapshotted and compiled with no diagnostics
/// above Info (a snapshot alone proves nothing runs).
/// </summary>
public class SnapshotTests
{
    private static void Check(string source, string test)
    {
        var (generatorDiagnostics, generated, compilationDiagnostics) = GeneratorHarness.Run(source);
        Assert.Empty(generatorDiagnostics);
        Assert.DoesNotContain(compilationDiagnostics, d => d.Severity > DiagnosticSeverity.Info);
        var tree = Assert.Single(generated);
        Snapshot.Match(tree.ToString(), Path.GetFileName(tree.FilePath), nameof(SnapshotTests), test);
    }

    /// <summary>
    /// The row-block strategy for each cell kind it covers: H = 16 gets 16- and 8-unit variants, H = 8 only the 8-unit one;
    /// layer 0's 5-float input (a partial block) is read through the padded copy, the 16- and 8-float inputs above it directly.
    /// </summary>
    [Fact]
    public void RowBlockCellsForLstmGruAndRnn() => Check("""
        using RnnGen;
        namespace Demo;
        [RecurrentModel(InputSize = 5, SequenceLength = 8)]
        [Lstm(16)]
        [Gru(16)]
        [Rnn(8, Activation = Activation.Relu)]
        [Rnn(8)]
        public partial class RowBlockStack { }
        """, nameof(RowBlockCellsForLstmGruAndRnn));

    /// <summary>
    /// Int8 weights: LSTM(100) with a projection (its W_hr pass multiplies m quantized anew), a reset-before GRU(75) (its
    /// W_hn pass multiplies r ⊙ h; its last block stores 11 of 16 rows), and an LSTM(8) small enough to run the float
    /// kernels over rounded copies.
    /// </summary>
    [Fact]
    public void Int8ProductsInEveryPassAndRoundedCopiesForASmallLayer() => Check("""
        using RnnGen;
        namespace Demo;
        [RecurrentModel(InputSize = 40, SequenceLength = 8, Precision = WeightPrecision.Int8)]
        [Lstm(100, ProjectionSize = 8)]
        [Gru(75, ResetAfter = false)]
        [Lstm(8)]
        [Dense(2)]
        public partial class Int8Stack { }
        """, nameof(Int8ProductsInEveryPassAndRoundedCopiesForASmallLayer));

    /// <summary>BFloat16 weights: a GRU(112) on the bfloat16 kernels, an RNN(12) on rounded copies.</summary>
    [Fact]
    public void BFloat16ProductsAndRoundedCopies() => Check("""
        using RnnGen;
        namespace Demo;
        [RecurrentModel(InputSize = 3, SequenceLength = 8, Precision = WeightPrecision.BFloat16)]
        [Gru(112)]
        [Rnn(12)]
        [Dense(1)]
        public partial class BFloat16Stack { }
        """, nameof(BFloat16ProductsAndRoundedCopies));

    [Fact]
    public void ExactActivationsInRowBlockCells() => Check("""
        using RnnGen;
        namespace Demo;
        [RecurrentModel(InputSize = 1, SequenceLength = 10, Activations = ActivationPrecision.Exact)]
        [Lstm(8)]
        [Dense(1)]
        public partial class ExactLstm { }
        """, nameof(ExactActivationsInRowBlockCells));

    [Fact]
    public void LstmWithSoftmaxHeadOnLastStep() => Check("""
        using RnnGen;
        namespace Demo;
        [RecurrentModel(InputSize = 6, SequenceLength = 50)]
        [Lstm(32)]
        [Dense(4, Activation.Softmax, Over = Steps.Last)]
        public partial class GestureNet { }
        """, nameof(LstmWithSoftmaxHeadOnLastStep));

    [Fact]
    public void StackedLstmThenBidirectionalGru() => Check("""
        using RnnGen;
        namespace Demo;
        [RecurrentModel(InputSize = 6, SequenceLength = 50)]
        [Lstm(32)]
        [Gru(16, Bidirectional = true)]
        [Dense(4, Activation.Softmax, Over = Steps.Last)]
        public partial class StackedNet { }
        """, nameof(StackedLstmThenBidirectionalGru));

    [Fact]
    public void GruResetBeforeWithoutBiasAndSigmoidHeadOnEveryStep() => Check("""
        using RnnGen;
        namespace Demo;
        [RecurrentModel(InputSize = 3, SequenceLength = 20)]
        [Gru(5, ResetAfter = false, Bias = false)]
        [Dense(2, Activation.Sigmoid, Over = Steps.Every)]
        internal partial class ClassicGru { }
        """, nameof(GruResetBeforeWithoutBiasAndSigmoidHeadOnEveryStep));

    [Fact]
    public void RnnReluUnderRnnTanhWithoutHead() => Check("""
        using RnnGen;
        [RecurrentModel(InputSize = 2, SequenceLength = 10)]
        [Rnn(8, Activation = Activation.Relu)]
        [Rnn(4)]
        public partial class ElmanStack { }
        """, nameof(RnnReluUnderRnnTanhWithoutHead));

    [Fact]
    public void BidirectionalLstmWithProjection() => Check("""
        using RnnGen;
        namespace Demo.Models;
        [RecurrentModel(InputSize = 4, SequenceLength = 16)]
        [Lstm(12, ProjectionSize = 5, Bidirectional = true)]
        public partial class ProjectedLstm { }
        """, nameof(BidirectionalLstmWithProjection));

    [Fact]
    public void EmbeddingIntoLstmWithHeadOnEveryStepInNestedClass() => Check("""
        using RnnGen;
        namespace Demo;
        public static partial class Models
        {
            [RecurrentModel(SequenceLength = 32)]
            [Embedding(27, 8)]
            [Lstm(24)]
            [Dense(27, Over = Steps.Every)]
            public partial class CharModel { }
        }
        """, nameof(EmbeddingIntoLstmWithHeadOnEveryStepInNestedClass));

    /// <summary>A PyTorch module's own names (issue 14): one two-layer nn.LSTM module and an nn.Sequential MLP head.</summary>
    [Fact]
    public void MlpHeadUnderModuleNames() => Check("""
        using RnnGen;
        namespace Demo;
        [RecurrentModel(InputSize = 4, SequenceLength = 16)]
        [Lstm(20, Module = "lstm")]
        [Lstm(20, Module = "lstm")]
        [Dense(32, Activation.Relu, Module = "head.0", Over = Steps.Last)]
        [Dense(3, Module = "head.2")]
        public partial class StackedLstmMlp { }
        """, nameof(MlpHeadUnderModuleNames));

    /// <summary>fc(cat(h_n[-2], h_n[-1])): the head reads the forward h after the last step and the reverse h after t = 0.</summary>
    [Fact]
    public void FinalStateHeadOnABidirectionalLstm() => Check("""
        using RnnGen;
        namespace Demo;
        [RecurrentModel(InputSize = 5, SequenceLength = 16)]
        [Lstm(12, Bidirectional = true, Module = "lstm")]
        [Dense(3, Module = "fc", Over = Steps.Final)]
        public partial class BiLstmFinal { }
        """, nameof(FinalStateHeadOnABidirectionalLstm));

    /// <summary>Separate modules each numbered from l0, an embedding's module, and an MLP with RnnGen's default head names over every step.</summary>
    [Fact]
    public void SeparateModulesAndADefaultNamedMlpOverEveryStep() => Check("""
        using RnnGen;
        namespace Demo;
        [RecurrentModel(SequenceLength = 12)]
        [Embedding(30, 8, Module = "embed")]
        [Gru(16, Module = "gru1")]
        [Rnn(8, Module = "rnn2")]
        [Dense(6, Activation.Tanh, Over = Steps.Every, Bias = false)]
        [Dense(4, Activation.Softmax)]
        public partial class TwoModulesTagger { }
        """, nameof(SeparateModulesAndADefaultNamedMlpOverEveryStep));

    /// <summary>
    /// Generated files declare no using aliases and qualify every type with global::, so user types named like the
    /// helpers they call, in the model's own namespace, change nothing.
    /// </summary>
    [Fact]
    public void UserTypesNamedLikeTheGeneratedCodesHelpersDoNotBreakIt()
    {
        string[] shadows = ["Unsafe", "MatrixOps", "Vector512", "Vector256", "TensorPrimitives", "MemoryMarshal", "RowBlocks", "ModelGuard",
            "KernelSelection", "Span", "ReadOnlySpan", "Array", "Math", "MathF", "Avx512F", "Avx2", "Fma", "IRecurrentModel", "ParameterTensor", "StateTensor"];
        string source = $$"""
            using RnnGen;
            namespace Demo
            {
                {{string.Join("\n    ", shadows.Select(name => $"internal sealed class {name} {{ }}"))}}

                [RecurrentModel(InputSize = 5, SequenceLength = 8)]
                [Lstm(16)]
                [Gru(8)]
                [Rnn(8, Bidirectional = true)]
                [Dense(3, Activation.Softmax, Over = Steps.Every)]
                public partial class Shadowed { }

                [RecurrentModel(SequenceLength = 8)]
                [Embedding(10, 4)]
                [Gru(8, ResetAfter = false)]
                [Lstm(6, ProjectionSize = 3)]
                [Dense(2)]
                public partial class ShadowedTokens { }
            }
            """;
        var (generatorDiagnostics, generated, compilationDiagnostics) = GeneratorHarness.Run(source);
        Assert.Empty(generatorDiagnostics);
        Assert.Equal(2, generated.Count);
        Assert.DoesNotContain(compilationDiagnostics, d => d.Severity > DiagnosticSeverity.Info);
        Assert.All(generated, tree => Assert.DoesNotMatch(@"(?m)^using \w+ =", tree.ToString()));
    }
}
