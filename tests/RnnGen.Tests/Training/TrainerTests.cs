using RnnGen.Tests.Models;
using RnnGen.Training;

namespace RnnGen.Tests.Training;

[RecurrentModel(InputSize = 1, SequenceLength = 6)]
[Lstm(8)]
[Dense(2)]
public partial class SignMemory { }

[RecurrentModel(InputSize = 1, SequenceLength = 10)]
[Gru(8)]
[Dense(2, Over = Steps.Every)]
public partial class DelayedEcho { }

[RecurrentModel(InputSize = 2, SequenceLength = 4)]
[Rnn(5)]
[Dense(1, Activation.Tanh)]
public partial class TinyRegressor { }

/// <summary>The trainer drives real generated models: losses fall on learnable tasks, batches average, bad steps are skipped.</summary>
public class TrainerTests
{
    /// <summary>Class = sign of the first input; the other five inputs are noise, so the LSTM must remember step 0.</summary>
    internal static (float[] Inputs, int Target)[] SignTask(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int target = random.Next(2);
            var x = new float[6];
            x[0] = target == 1 ? 1f : -1f;
            for (int t = 1; t < 6; t++) x[t] = (float)(random.NextDouble() - 0.5);
            return (x, target);
        }).ToArray();
    }

    internal static float MeanLoss(Trainer trainer, (float[] Inputs, int Target)[] data)
    {
        double total = 0;
        foreach (var (x, target) in data)
        {
            trainer.Forward(x);
            total += SoftmaxCrossEntropy.Compute(trainer.Model.Logits, 2, [target], default);
        }
        return (float)(total / data.Length);
    }

    public static TheoryData<string> Optimizers => new() { "sgd", "rmsprop", "adam", "adamw" };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void EachOptimizerLearnsToRememberTheFirstInput(string name)
    {
        var model = new SignMemory();
        Initializer.Apply(model, InitScheme.PyTorchDefault, seed: 3);
        IOptimizer optimizer = name switch
        {
            "sgd" => new Sgd(SignMemory.ParameterCount, learningRate: 1f),
            "rmsprop" => new RmsProp(SignMemory.ParameterCount, learningRate: 0.01f),
            "adam" => new Adam(SignMemory.ParameterCount, learningRate: 0.02f),
            _ => new AdamW(SignMemory.ParameterCount, learningRate: 0.02f, weightDecay: 0.01f),
        };
        var trainer = new Trainer(model, optimizer, new TrainerOptions { ClipNorm = 5f });
        var evaluation = SignTask(64, seed: 100);
        float before = MeanLoss(trainer, evaluation);

        var data = SignTask(1600, seed: 1);
        for (int i = 0; i < data.Length; i += 8)
        {
            for (int j = i; j < i + 8; j++)
            {
                trainer.Forward(data[j].Inputs);
                trainer.Accumulate([data[j].Target]);
            }
            Assert.True(trainer.Apply().Applied);
        }
        float after = MeanLoss(trainer, evaluation);
        Assert.True(before > 0.6f, $"{name}: the untrained loss {before} should be near ln 2");
        Assert.True(after < 0.1f, $"{name}: loss went from {before} to {after}, expected below 0.1");
        Assert.Equal(200, trainer.AppliedSteps);
    }

    [Fact]
    public void TruncatedBpttCarriesStateAcrossChunks()
    {
        // Target at step t is the sign of the input at t − 1, so every chunk's first target depends on the previous chunk.
        var random = new Random(4);
        var stream = new float[600];
        var targets = new int[600];
        for (int t = 0; t < stream.Length; t++)
        {
            stream[t] = random.Next(2) == 1 ? 1f : -1f;
            targets[t] = t == 0 ? 0 : stream[t - 1] > 0 ? 1 : 0;
        }
        var model = new DelayedEcho();
        Initializer.Apply(model, InitScheme.PyTorchDefault, seed: 5);
        var untrained = new Trainer(model, new Adam(DelayedEcho.ParameterCount, learningRate: 0f));
        float before = untrained.TrainTruncated(stream, targets, chunkSteps: 10).MeanLoss;
        var trainer = new Trainer(model, new Adam(DelayedEcho.ParameterCount, learningRate: 0.03f));
        float last = 0;
        for (int epoch = 0; epoch < 16; epoch++) last = trainer.TrainTruncated(stream, targets, chunkSteps: 10).MeanLoss;
        Assert.True(before > 0.5f && last < 0.05f, $"loss {before} → {last}");
        Assert.Equal(16 * 60, trainer.AppliedSteps);

        // Run the stream in chunks with the state carried: chunk boundaries must be predicted as well as the rest.
        model.ResetState();
        var outputs = new float[10 * 2];
        int wrongAtBoundary = 0;
        for (int start = 0; start < stream.Length; start += 10)
        {
            model.Forward(stream.AsSpan(start, 10), outputs);
            if (start > 0 && (outputs[1] > outputs[0] ? 1 : 0) != targets[start]) wrongAtBoundary++;
        }
        Assert.Equal(0, wrongAtBoundary);
    }

    [Fact]
    public void MiniBatchGradientIsTheMeanOfItsSequences()
    {
        var model = new TinyRegressor();
        Initializer.Apply(model, InitScheme.PyTorchDefault, seed: 8);
        float[] x1 = [0.5f, -0.2f, 0.1f, 0.9f, -0.7f, 0.3f, 0.2f, 0.2f], x2 = [-0.4f, 0.8f, 0.6f, -0.1f, 0.0f, 0.5f, -0.9f, 0.4f];
        float[] y1 = [0.7f], y2 = [-0.3f];

        float[] Gradient(float[] x, float[] y)
        {
            var probe = new Trainer(model, new Sgd(TinyRegressor.ParameterCount, learningRate: 0f), new TrainerOptions { Loss = TrainingLoss.MeanSquaredError });
            probe.Forward(x);
            probe.Accumulate(y);
            return model.Gradients.ToArray();
        }
        float[] g1 = Gradient(x1, y1), g2 = Gradient(x2, y2);
        model.ZeroGradients();
        float[] before = model.Parameters.ToArray();

        var trainer = new Trainer(model, new Sgd(TinyRegressor.ParameterCount, learningRate: 1f), new TrainerOptions { Loss = TrainingLoss.MeanSquaredError });
        trainer.Forward(x1);
        float l1 = trainer.Accumulate(y1);
        trainer.Forward(x2);
        float l2 = trainer.Accumulate(y2);
        var step = trainer.Apply();

        Assert.Equal((l1 + l2) / 2, step.Loss, 6);
        float[] after = model.Parameters.ToArray();
        for (int i = 0; i < before.Length; i++)
            Assert.Equal(before[i] - (g1[i] + g2[i]) / 2, after[i], 6);
        Assert.Contains(g1, g => g != 0);
        Assert.All(model.Gradients.ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void NonFiniteLossSkipsTheStepAndLeavesTheWeights()
    {
        var model = new TinyRegressor();
        Initializer.Apply(model, InitScheme.PyTorchDefault, seed: 9);
        var trainer = new Trainer(model, new Adam(TinyRegressor.ParameterCount), new TrainerOptions { Loss = TrainingLoss.MeanSquaredError });
        float[] before = model.Parameters.ToArray();
        var step = trainer.Train(new float[8], [float.NaN]);
        Assert.False(step.Applied);
        Assert.Equal(1, trainer.SkippedSteps);
        Assert.Equal(before, model.Parameters.ToArray());
        Assert.All(model.Gradients.ToArray(), g => Assert.Equal(0f, g));

        step = trainer.Train(new float[8], [0.5f]);
        Assert.True(step.Applied);
        Assert.NotEqual(before, model.Parameters.ToArray());
    }

    [Fact]
    public void ClipNormBoundsTheUpdate()
    {
        var model = new TinyRegressor();
        Initializer.Apply(model, InitScheme.PyTorchDefault, seed: 10);
        var trainer = new Trainer(model, new Sgd(TinyRegressor.ParameterCount, learningRate: 1f), new TrainerOptions { Loss = TrainingLoss.MeanSquaredError, ClipNorm = 1e-3f });
        float[] before = model.Parameters.ToArray();
        var step = trainer.Train([1, 1, 1, 1, 1, 1, 1, 1], [-5f]);
        double moved = Math.Sqrt(before.Zip(model.Parameters.ToArray(), (a, b) => (double)(a - b) * (a - b)).Sum());
        Assert.True(step.GradientNorm > 1e-2f, $"gradient norm {step.GradientNorm} should exceed the clip");
        Assert.InRange(moved, 0.999e-3, 1.001e-3);
    }

    [Fact]
    public void TokenModelsTrainToo()
    {
        var model = new TokenRnn();
        Initializer.Apply(model, InitScheme.PyTorchDefault, seed: 11);
        var trainer = new Trainer(model, new Adam(TokenRnn.ParameterCount, learningRate: 0.05f));
        int[] input = [0, 1, 2, 2], target = [1, 2, 2, 3];
        float first = trainer.Train(input, target).Loss, last = first;
        for (int i = 0; i < 200; i++) last = trainer.Train(input, target).Loss;
        Assert.True(last < 0.05f * first, $"loss {first} → {last}");
    }

    [Fact]
    public void MisuseIsAClearError()
    {
        var model = new SignMemory();
        Assert.Throws<ArgumentException>(() => new Trainer(model, new Adam(3)));
        Assert.Equal("options.ClipNorm", Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(model, new Adam(SignMemory.ParameterCount), new TrainerOptions { ClipNorm = 0 })).ParamName);
        var trainer = new Trainer(model, new Adam(SignMemory.ParameterCount));
        Assert.Contains("Forward", Assert.Throws<InvalidOperationException>(() => trainer.Accumulate([1])).Message);
        Assert.Contains("Accumulate", Assert.Throws<InvalidOperationException>(() => trainer.Apply()).Message);
        trainer.Forward(new float[6]);
        Assert.Throws<ArgumentException>(() => trainer.Accumulate([1, 0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Accumulate([2]));
        Assert.Throws<InvalidOperationException>(() => trainer.Accumulate(new float[2]));
        Assert.Throws<InvalidOperationException>(() => trainer.Forward(new int[3]));
        Assert.Throws<InvalidOperationException>(() => trainer.TrainTruncated(new float[12], new int[12], 6));
    }

    [Fact]
    public void TrainingStepsAllocateNothing()
    {
        var model = new SignMemory();
        var trainer = new Trainer(model, new Adam(SignMemory.ParameterCount), new TrainerOptions { ClipNorm = 1f, ClipValue = 0.5f });
        var x = new float[6];
        int[] target = [1];
        var tokens = new TokenRnn();
        var tokenTrainer = new Trainer(tokens, new RmsProp(TokenRnn.ParameterCount));
        int[] sequence = [0, 1, 2], next = [1, 2, 3];
        var echo = new DelayedEcho();
        var echoTrainer = new Trainer(echo, new Sgd(DelayedEcho.ParameterCount, 0.1f, momentum: 0.9f, nesterov: true));
        var stream = new float[25];
        var streamTargets = new int[25];

        void All()
        {
            trainer.Train(x, target);
            trainer.Forward(x);
            trainer.Accumulate(target);
            trainer.Apply();
            tokenTrainer.Train(sequence, next);
            echoTrainer.TrainTruncated(stream, streamTargets, 10);
        }
        All();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) All();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
