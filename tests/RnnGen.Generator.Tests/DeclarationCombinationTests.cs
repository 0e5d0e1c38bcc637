using RnnGen.Cli.Conformance;

namespace RnnGen.Generator.Tests;

/// <summary>Every combination of input kind, cell, directions and head mode generates code that compiles.</summary>
public class DeclarationCombinationTests
{
    [Fact]
    public void EveryCombinationCompiles()
    {
        string[] cells = ["Lstm(6)", "Lstm(6, ProjectionSize = 3)", "Gru(5)", "Gru(5, ResetAfter = false)", "Rnn(4)", "Rnn(4, Activation = global::RnnGen.Activation.Relu)"];
        string[] heads = ["", "[global::RnnGen.Dense(3)]", "[global::RnnGen.Dense(3, global::RnnGen.Activation.Softmax, Over = global::RnnGen.Steps.Every)]"];
        var source = new System.Text.StringBuilder("namespace Combinations;\n");
        int index = 0;
        foreach (bool tokens in new[] { false, true })
            foreach (string cell in cells)
                foreach (bool bidirectional in new[] { false, true })
                    foreach (string head in heads)
                    {
                        string options = (bidirectional ? ", Bidirectional = true" : "") + (index % 2 == 1 ? ", Bias = false" : "");
                        string layer = cell.Insert(cell.Length - 1, options);
                        source.AppendLine(tokens
                            ? $"[global::RnnGen.RecurrentModel(SequenceLength = 4)][global::RnnGen.Embedding(7, 3)][global::RnnGen.{layer}][global::RnnGen.Gru(2)]{head} public partial class M{index} {{ }}"
                            : $"[global::RnnGen.RecurrentModel(InputSize = 3, SequenceLength = 4)][global::RnnGen.{layer}][global::RnnGen.Lstm(2)]{head} public partial class M{index} {{ }}");
                        index++;
                    }
        var models = ModelCompiler.Compile([source.ToString()]);
        for (int i = 0; i < index; i++) Assert.NotNull(models.Create("Combinations.M" + i));
    }
}
