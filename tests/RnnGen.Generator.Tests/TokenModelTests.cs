using RnnGen.Cli.Conformance;

namespace RnnGen.Generator.Tests;

/// <summary>
/// A token model with a head on the last step — what <c>rnngen inspect</c> declares for an embedding export — compiles
/// and runs: its generated Forward once declared <c>t</c> twice (CS0136).
/// </summary>
public class TokenModelTests
{
    [Fact]
    public void EmbeddingWithALastStepHeadCompilesAndForwardMatchesStepping()
    {
        var models = ModelCompiler.Compile(["""
            namespace Tokens;
            [global::RnnGen.RecurrentModel(SequenceLength = 6)]
            [global::RnnGen.Embedding(10, 5)]
            [global::RnnGen.Lstm(8)]
            [global::RnnGen.Dense(10)]
            public partial class Next { }
            """]);
        var model = models.Create("Tokens.Next");
        var random = new Random(7);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = (float)(random.NextDouble() - 0.5);
        int[] tokens = [3, 1, 4, 1, 5, 9];

        var forward = new float[model.OutputSize];
        ((ITokenSequenceModel)model).Forward(tokens, forward);
        model.ResetState();
        var stepped = new float[model.OutputSize];
        foreach (int token in tokens) ((ITokenStepModel)model).Step(token, stepped);

        Assert.Equal(10, forward.Length);
        Assert.Contains(forward, v => v != 0);
        for (int j = 0; j < forward.Length; j++) Assert.Equal(forward[j], stepped[j], 1e-6f);
    }
}
