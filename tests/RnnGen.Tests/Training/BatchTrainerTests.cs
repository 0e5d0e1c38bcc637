using RnnGen.Batching;
using RnnGen.Tests.Batching;
using RnnGen.Tests.Models;
using RnnGen.Training;

namespace RnnGen.Tests.Training;

/// <summary>
/// The mini-batch path: B sequences through one batched Forward/Backward give the optimizer step the single-sequence
/// Trainer gives (Forward + Accumulate per sequence, one Apply), and it trains a task to a low loss.
/// </summary>
public class BatchTrainerTests
{
    private static float[] Random(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AMiniBatchStepEqualsTheSingleSequenceTrainers(bool perEntity)
    {
        const int B = 21;
        var single = new LstmClassifier();
        Initializer.Apply(single, InitScheme.PyTorchDefault, seed: 4);
        var batched = new LstmClassifier();
        single.Parameters.CopyTo(batched.Parameters);
        var trainer = new Trainer(single, new Adam(LstmClassifier.ParameterCount, 0.01f), new TrainerOptions { ClipNorm = 0.5f });
        using var batch = new LstmClassifier.Batch(batched, B);
        if (perEntity) batch.UsePerEntityPath = true;
        var batchTrainer = new BatchTrainer(batch, new Adam(LstmClassifier.ParameterCount, 0.01f), new TrainerOptions { ClipNorm = 0.5f });

        for (int step = 0; step < 3; step++)
        {
            float[] inputs = Random(B * LstmClassifier.SequenceLength * LstmClassifier.InputSize, step);
            int[] targets = [.. Random(B, 10 + step).Select(v => v > 0 ? 3 : (int)(Math.Abs(v) * 3))];
            int seq = LstmClassifier.SequenceLength * LstmClassifier.InputSize;
            for (int e = 0; e < B; e++)
            {
                trainer.Forward(inputs.AsSpan(e * seq, seq));
                trainer.Accumulate(targets.AsSpan(e, 1));
            }
            TrainingStep want = trainer.Apply();
            TrainingStep got = batchTrainer.Train(inputs, targets, B);
            NumericAssert.Close(want.Loss, got.Loss, 1e-6, 1e-5, $"step {step} loss");
            NumericAssert.Close(want.GradientNorm, got.GradientNorm, 1e-6, 1e-4, $"step {step} gradient norm");
            BatchHarness.Close(single.Parameters, batched.Parameters, $"step {step} parameters");
        }
    }

    [Fact]
    public void TokenSequencesWithATargetPerStepTrainAsTheSinglePathDoes()
    {
        const int B = 9, T = TokenBatch.SequenceLength;
        var single = new TokenBatch();
        Initializer.Apply(single, InitScheme.PyTorchDefault, seed: 5);
        var batched = new TokenBatch();
        single.Parameters.CopyTo(batched.Parameters);
        var trainer = new Trainer(single, new Sgd(TokenBatch.ParameterCount, 0.5f));
        var batchTrainer = new BatchTrainer(new TokenBatch.Batch(batched, B), new Sgd(TokenBatch.ParameterCount, 0.5f));
        var random = new Random(6);
        int[] tokens = [.. Enumerable.Range(0, B * T).Select(_ => random.Next(11))];
        int[] targets = [.. tokens.Select(t => (t + 1) % 11)];
        for (int e = 0; e < B; e++)
        {
            trainer.Forward(tokens.AsSpan(e * T, T));
            trainer.Accumulate(targets.AsSpan(e * T, T));
        }
        TrainingStep want = trainer.Apply();
        TrainingStep got = batchTrainer.Train(tokens, targets, B);
        NumericAssert.Close(want.Loss, got.Loss, 1e-6, 1e-5, "loss");
        BatchHarness.Close(single.Parameters, batched.Parameters, "parameters");
    }

    [Fact]
    public void MeanSquaredErrorStepsMatchToo()
    {
        const int B = 18, T = MixedBatchStack.SequenceLength;
        var single = new MixedBatchStack();
        Initializer.Apply(single, InitScheme.PyTorchDefault, seed: 7);
        var batched = new MixedBatchStack();
        single.Parameters.CopyTo(batched.Parameters);
        var options = new TrainerOptions { Loss = TrainingLoss.MeanSquaredError };
        var trainer = new Trainer(single, new Sgd(MixedBatchStack.ParameterCount, 0.3f, momentum: 0.9f), options);
        var batchTrainer = new BatchTrainer(new MixedBatchStack.Batch(batched, B), new Sgd(MixedBatchStack.ParameterCount, 0.3f, momentum: 0.9f), options);
        float[] inputs = Random(B * T, 8), targets = [.. Random(B * 2, 9).Select(v => (v + 1) / 2)];
        for (int e = 0; e < B; e++)
        {
            trainer.Forward(inputs.AsSpan(e * T, T));
            trainer.Accumulate(targets.AsSpan(e * 2, 2));
        }
        TrainingStep want = trainer.Apply();
        TrainingStep got = batchTrainer.Train(inputs, targets, B);
        NumericAssert.Close(want.Loss, got.Loss, 1e-6, 1e-5, "loss");
        BatchHarness.Close(single.Parameters, batched.Parameters, "parameters");
    }

    /// <summary>Class = sign of the first input; the other inputs are noise, so the LSTM must remember step 0.</summary>
    [Fact]
    public void MiniBatchesOf32TrainTheSignMemoryTaskToALowLoss()
    {
        const int B = 32, T = SignMemory.SequenceLength;
        var model = new SignMemory();
        Initializer.Apply(model, InitScheme.PyTorchDefault, seed: 3);
        var trainer = new BatchTrainer(new SignMemory.Batch(model, B), new Adam(SignMemory.ParameterCount, 0.02f));
        var random = new Random(11);
        var inputs = new float[B * T];
        var targets = new int[B];
        float loss = float.NaN;
        for (int step = 0; step < 300; step++)
        {
            for (int e = 0; e < B; e++)
            {
                targets[e] = random.Next(2);
                inputs[e * T] = targets[e] == 1 ? 1f : -1f;
                for (int t = 1; t < T; t++) inputs[e * T + t] = (float)(random.NextDouble() - 0.5);
            }
            loss = trainer.Train(inputs, targets, B).Loss;
        }
        Assert.True(loss < 0.05f, $"loss after 300 mini-batches: {loss}");
        Assert.Equal(300, trainer.AppliedSteps);
    }

    [Fact]
    public void ANonFiniteInputSkipsTheStepAndLeavesWeightsAndStatesAsTheyWere()
    {
        const int B = 4, T = SignMemory.SequenceLength;
        var model = new SignMemory();
        Initializer.Apply(model, InitScheme.PyTorchDefault, seed: 3);
        var trainer = new BatchTrainer(new SignMemory.Batch(model, B), new Adam(SignMemory.ParameterCount, 0.02f));
        float[] before = model.Parameters.ToArray();
        float[] inputs = Random(B * T, 1);
        inputs[2 * T + 3] = float.NaN;

        TrainingStep skipped = trainer.Train(inputs, new int[B], B);

        Assert.Equal(TrainingSkipReason.NonFiniteInput, skipped.SkipReason);
        Assert.True(float.IsNaN(skipped.Loss));
        Assert.Equal(before, model.Parameters.ToArray());
        Assert.Equal((1, 0), (trainer.SkippedSteps, trainer.AppliedSteps));

        inputs[2 * T + 3] = 0.5f; // the next clean batch trains as usual
        TrainingStep applied = trainer.Train(inputs, new int[B], B);
        Assert.Equal(TrainingSkipReason.None, applied.SkipReason);
        Assert.True(float.IsFinite(applied.Loss));
        Assert.NotEqual(before, model.Parameters.ToArray());
        Assert.Equal((1, 1), (trainer.SkippedSteps, trainer.AppliedSteps));
    }

    [Fact]
    public void ALearningRateThatOverflowsTheUpdateIsRefusedBeforeAnyWeightChanges()
    {
        const int B = 4, T = SignMemory.SequenceLength;
        var model = new SignMemory();
        Initializer.Apply(model, InitScheme.PyTorchDefault, seed: 3);
        var trainer = new BatchTrainer(new SignMemory.Batch(model, B), new Adam(SignMemory.ParameterCount, learningRate: float.MaxValue));
        float[] before = model.Parameters.ToArray();

        TrainingStep step = trainer.Train(Random(B * T, 2), new int[] { 0, 1, 0, 1 }, B);

        Assert.Equal(TrainingSkipReason.NonFiniteUpdate, step.SkipReason);
        Assert.Equal(before, model.Parameters.ToArray());
        Assert.Equal(1, trainer.SkippedSteps);
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        var trainer = new BatchTrainer(new SignMemory.Batch(4), new Sgd(SignMemory.ParameterCount, 0.1f));
        Assert.Equal("sequences", Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Train(new float[30], new int[5], 5)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => trainer.Train(new float[7], new int[2], 2)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => trainer.Train(new float[12], new int[3], 2)).ParamName);
        Assert.Throws<InvalidOperationException>(() => trainer.Train(new float[12], new float[4], 2));
        Assert.Throws<ArgumentException>(() => new BatchTrainer(new SignMemory.Batch(4), new Sgd(3, 0.1f)));
    }
}
