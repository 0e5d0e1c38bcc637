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
}
