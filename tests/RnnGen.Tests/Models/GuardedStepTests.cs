using RnnGen.Tests.Training;
using RnnGen.Training;

namespace RnnGen.Tests.Models;

[RecurrentModel(InputSize = 2, SequenceLength = 4)]
[Rnn(4, Activation = Activation.Relu)]
[Dense(2)]
public partial class ReluStepper { }

/// <summary>
/// A new model starts from PyTorch's initialisation, not zeros (issue 11, item 14), and <c>TryStep</c> refuses what would
/// poison the state (item 13): a non-finite input, or a step whose result overflows.
/// </summary>
public class GuardedStepTests
{
    [Fact]
    public void ANewModelIsInitialisedAsPyTorchWouldWithSeedZero()
    {
        var model = new SignMemory();
        var expected = new SignMemory();
        expected.Parameters.Clear();
        Initializer.Apply(expected, InitScheme.PyTorchDefault, 0);
        Assert.Equal(expected.Parameters.ToArray(), model.Parameters.ToArray());
        Assert.Contains(model.Parameters.ToArray(), v => v != 0f);
        Assert.Equal(new SignMemory().Parameters.ToArray(), model.Parameters.ToArray());
        Assert.All(model.State.ToArray(), v => Assert.Equal(0f, v));
    }

    /// <summary>
    /// The new user's mistake from the issue: training a fresh model without calling <c>Initializer.Apply</c>. With the
    /// old all-zero start the LSTM's h stayed 0 and only the head's bias learned (loss stuck at ln 2); now it learns.
    /// </summary>
    [Fact]
    public void AFreshModelTrainsWithoutAnExplicitInitialisation()
    {
        var trainer = new Trainer(new SignMemory(), new Adam(SignMemory.ParameterCount, learningRate: 0.02f), new TrainerOptions { ClipNorm = 5f });
        var data = TrainerTests.SignTask(1600, seed: 1);
        for (int i = 0; i < data.Length; i += 8)
        {
            for (int j = i; j < i + 8; j++)
            {
                trainer.Forward(data[j].Inputs);
                trainer.Accumulate([data[j].Target]);
            }
            trainer.Apply();
        }
        float after = TrainerTests.MeanLoss(trainer, TrainerTests.SignTask(64, seed: 100));
        Assert.True(after < 0.1f, $"loss {after}, expected below 0.1 (ln 2 = 0.69 is what an all-zero start stays at)");
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void TryStepRefusesANonFiniteInputAndChangesNothing(float bad)
    {
        var model = new ReluStepper();
        var output = new float[] { 7f, 7f };
        model.Step([0.5f, -0.25f], new float[2]);
        float[] state = model.State.ToArray();
        Assert.False(model.TryStep([bad, 1f], output));
        Assert.Equal(state, model.State.ToArray());
        Assert.Equal([7f, 7f], output);
    }

    [Fact]
    public void TryStepUndoesAStepThatOverflows()
    {
        var model = new ReluStepper();
        model.Parameters.Fill(1e30f);
        var output = new float[] { 7f, 7f };
        float[] state = model.State.ToArray();
        Assert.False(model.TryStep([1e30f, 1e30f], output)); // finite input, infinite pre-activations through relu
        Assert.Equal(state, model.State.ToArray());
        Assert.Equal([7f, 7f], output);
    }

    [Fact]
    public void TryStepOnGoodInputIsStep()
    {
        var guarded = new ReluStepper();
        var plain = new ReluStepper();
        var random = new Random(4);
        float[] a = new float[2], b = new float[2];
        for (int t = 0; t < 20; t++)
        {
            float[] x = [(float)random.NextDouble() - 0.5f, (float)random.NextDouble() - 0.5f];
            Assert.True(guarded.TryStep(x, a));
            plain.Step(x, b);
            Assert.Equal(b, a);
            Assert.Equal(plain.State.ToArray(), guarded.State.ToArray());
        }
    }

    [Fact]
    public void TryStepAllocatesNothing()
    {
        var model = new ReluStepper();
        float[] x = [0.1f, 0.2f], bad = [float.NaN, 0f], output = new float[2];
        model.TryStep(x, output);
        model.TryStep(bad, output);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            model.TryStep(x, output);
            model.TryStep(bad, output);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
