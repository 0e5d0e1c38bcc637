using RnnGen.Training;

namespace RnnGen.Tests.Training;

/// <summary>
/// Regression tests for issue 11, item 8: a step that would write NaN or ∞ into the weights or the optimizer's state is
/// refused before anything is written, non-finite inputs are refused like NaN losses, and bad settings are rejected at
/// construction.
/// </summary>
public class TrainingFaultTests
{
    private static Trainer Regressor(IOptimizer optimizer, out TinyRegressor model, ulong seed = 21)
    {
        model = new TinyRegressor();
        Initializer.Apply(model, InitScheme.PyTorchDefault, seed: seed);
        return new Trainer(model, optimizer, new TrainerOptions { Loss = TrainingLoss.MeanSquaredError });
    }

    private static readonly float[] Inputs = [0.5f, -0.2f, 0.1f, 0.9f, -0.7f, 0.3f, 0.2f, 0.2f];

    [Fact]
    public void ALearningRateThatOverflowsTheUpdateIsRefusedAndTheWeightsAreUntouched()
    {
        var adam = new Adam(TinyRegressor.ParameterCount, learningRate: float.MaxValue);
        var trainer = Regressor(adam, out var model);
        float[] before = model.Parameters.ToArray();

        TrainingStep step = trainer.Train(Inputs, [0.7f]);

        Assert.False(step.Applied);
        Assert.Equal(TrainingSkipReason.NonFiniteUpdate, step.SkipReason);
        Assert.Equal(before, model.Parameters.ToArray());
        Assert.Equal(1, trainer.SkippedSteps);
        Assert.True(OptimizerState.AllFinite(adam));
        Assert.All(OptimizerState.Buffers(adam).SelectMany(b => b), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void WeightDecayThatOverflowsIsRefusedOnTheStepThatWouldOverflow()
    {
        var trainer = Regressor(new Sgd(TinyRegressor.ParameterCount, learningRate: 1f, weightDecay: 1e38f), out var model);
        var reasons = new List<TrainingSkipReason>();
        for (int i = 0; i < 4; i++)
        {
            reasons.Add(trainer.Train(Inputs, [0.7f]).SkipReason);
            Assert.True(GradientClipping.AllFinite(model.Parameters), $"step {i + 1} wrote a non-finite weight");
        }
        Assert.Equal(TrainingSkipReason.None, reasons[0]);
        Assert.Contains(TrainingSkipReason.NonFiniteUpdate, reasons);
    }

    [Fact]
    public void AHugeButFiniteGradientDoesNotFreezeAnAdamParameter()
    {
        // 2e19² overflows float: the second moment would become ∞ and every later update of that parameter 0.
        var adam = new Adam(3, learningRate: 0.1f);
        float[] parameters = [1f, 1f, 1f];
        Assert.False(adam.Step(parameters, [2e19f, 0f, 0f]));
        Assert.Equal([1f, 1f, 1f], parameters);
        Assert.Equal(0, adam.StepCount);
        Assert.All(OptimizerState.Buffers(adam).SelectMany(b => b), v => Assert.True(float.IsFinite(v)));

        adam.Step(parameters, [1f, 1f, 1f]);
        Assert.Equal(0.9f, parameters[0], 5); // the first real step of Adam moves by lr
    }

    [Fact]
    public void AnInfiniteInputIsRefusedLikeANaNAndLeavesWeightsAndStateAlone()
    {
        var trainer = Regressor(new Sgd(TinyRegressor.ParameterCount, learningRate: 0.1f), out var model);
        float[] before = model.Parameters.ToArray();
        float[] input = (float[])Inputs.Clone();
        input[3] = float.PositiveInfinity;

        TrainingStep step = trainer.Train(input, [0.7f]);

        Assert.Equal(TrainingSkipReason.NonFiniteInput, step.SkipReason);
        Assert.Equal(before, model.Parameters.ToArray());
        Assert.All(model.State.ToArray(), v => Assert.Equal(0f, v));

        Assert.Equal(TrainingSkipReason.NonFiniteInput, trainer.Train(Inputs, [float.NegativeInfinity]).SkipReason);
        Assert.Equal(TrainingSkipReason.None, trainer.Train(Inputs, [0.7f]).SkipReason);
    }

    [Fact]
    public void ARefusedForwardUsedOnlyForEvaluationDoesNotSpoilTheNextBatch()
    {
        var trainer = Regressor(new Sgd(TinyRegressor.ParameterCount, learningRate: 0.1f), out _);
        float[] input = (float[])Inputs.Clone();
        input[0] = float.NaN;
        trainer.Forward(input); // evaluated, never accumulated

        Assert.Equal(TrainingSkipReason.None, trainer.Train(Inputs, [0.7f]).SkipReason);
    }

    [Fact]
    public void EveryOptimizerRefusesNonFiniteGradientsAndKeepsItsState()
    {
        foreach (IOptimizer optimizer in new IOptimizer[]
                 {
                     new Sgd(11, 0.1f, momentum: 0.9f), new RmsProp(11, centered: true, momentum: 0.5f),
                     new Adam(11, amsGrad: true), new AdamW(11),
                 })
        {
            float[] parameters = Enumerable.Range(0, 11).Select(i => i * 0.1f).ToArray();
            float[] gradients = Enumerable.Repeat(0.5f, 11).ToArray();
            Assert.True(optimizer.Step(parameters, gradients));
            float[] after = (float[])parameters.Clone();
            float[][] state = OptimizerState.Buffers(optimizer).Select(b => (float[])b.Clone()).ToArray();

            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                foreach (int at in new[] { 0, 10 }) // a whole lane and the padded tail
                {
                    float[] g = (float[])gradients.Clone();
                    g[at] = bad;
                    Assert.False(optimizer.Step(parameters, g), $"{optimizer.GetType().Name} took a step with {bad} at {at}");
                }
            }
            Assert.Equal(after, parameters);
            Assert.Equal(state, OptimizerState.Buffers(optimizer).ToArray());
            Assert.Equal(1, ((Optimizer)optimizer).StepCount);
        }
    }

    [Fact]
    public void RefusedStepsAllocateNothing()
    {
        var trainer = Regressor(new Adam(TinyRegressor.ParameterCount, learningRate: float.MaxValue), out _);
        var sgd = new Sgd(TinyRegressor.ParameterCount, 0.1f, momentum: 0.9f);
        var sgdTrainer = Regressor(sgd, out _);
        float[] bad = (float[])Inputs.Clone();
        bad[5] = float.PositiveInfinity;
        float[] target = [0.7f];
        void All()
        {
            trainer.Train(Inputs, target);   // refused by the optimizer's check
            sgdTrainer.Train(bad, target);   // refused for its input
            sgdTrainer.Train(Inputs, target);
        }
        All();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) All();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(21, trainer.SkippedSteps);
        Assert.Equal(21, sgdTrainer.AppliedSteps);
    }

    [Fact]
    public void AnInfiniteInputInATruncatedStreamDoesNotPoisonTheCarriedState()
    {
        var model = new DelayedEcho();
        Initializer.Apply(model, InitScheme.PyTorchDefault, seed: 5);
        var trainer = new Trainer(model, new Adam(DelayedEcho.ParameterCount, learningRate: 0.01f));
        var stream = new float[40];
        for (int t = 0; t < stream.Length; t++) stream[t] = t % 3 == 0 ? 1f : -1f;
        stream[12] = float.NegativeInfinity;
        var targets = new int[40];

        var pass = trainer.TrainTruncated(stream, targets, chunkSteps: 10);

        Assert.Equal((4, 1, TrainingSkipReason.NonFiniteInput), (pass.Chunks, pass.SkippedChunks, pass.FirstSkipReason));
        Assert.True(float.IsFinite(pass.MeanLoss), $"the mean over the applied chunks is finite, got {pass.MeanLoss}");
        Assert.Equal(1, trainer.SkippedSteps);
        Assert.Equal(3, trainer.AppliedSteps);
        Assert.True(GradientClipping.AllFinite(model.Parameters));
        Assert.True(GradientClipping.AllFinite(model.State));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1e-8f)]
    [InlineData(float.NaN)]
    public void AdamAndRmsPropNeedAPositiveEpsilon(float epsilon)
    {
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(3, epsilon: epsilon)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(3, epsilon: epsilon)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(3, epsilon: epsilon)).ParamName);
    }

    [Fact]
    public void UndefinedEnumSettingsAreRejectedAtConstruction()
    {
        var model = new TinyRegressor();
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(model, new Sgd(TinyRegressor.ParameterCount, 0.1f), new TrainerOptions { Loss = (TrainingLoss)7 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(model, new Sgd(TinyRegressor.ParameterCount, 0.1f), new TrainerOptions { Reduction = (LossReduction)5 }));
    }

    /// <summary>
    /// A NaN or ±∞ target with binary cross-entropy used to throw from the loss after the trainer had marked the batch, so
    /// the next, valid step was reported skipped too. It is now a bad sample: its batch is skipped, and the next one applies.
    /// </summary>
    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void ANonFiniteBinaryCrossEntropyTargetSkipsItsBatchOnly(float bad)
    {
        var model = new TinyRegressor();
        var trainer = new Trainer(model, new Adam(TinyRegressor.ParameterCount), new TrainerOptions { Loss = TrainingLoss.SigmoidBinaryCrossEntropy });
        float[] before = model.Parameters.ToArray();

        TrainingStep skipped = trainer.Train(Inputs, [bad]);
        Assert.Equal(TrainingSkipReason.NonFiniteInput, skipped.SkipReason);
        Assert.Equal(before, model.Parameters.ToArray());

        TrainingStep next = trainer.Train(Inputs, [0.25f]);
        Assert.True(next.Applied, $"the next step was skipped too: {next.SkipReason}");
    }

    [Fact]
    public void ABinaryCrossEntropyTargetOutside01IsRefusedAndAccumulatesNothing()
    {
        var model = new TinyRegressor();
        var trainer = new Trainer(model, new Adam(TinyRegressor.ParameterCount), new TrainerOptions { Loss = TrainingLoss.SigmoidBinaryCrossEntropy });
        trainer.Forward(Inputs);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Accumulate([1.5f]));
        Assert.Equal(0, trainer.Accumulated);
        Assert.True(trainer.Train(Inputs, [1f]).Applied);
    }

    [Fact]
    public void TruncatedTrainingWithFloatTargetsTrainsAndReportsEachChunk()
    {
        var model = new DelayedRegressor();
        Initializer.Apply(model, InitScheme.PyTorchDefault, seed: 3);
        var trainer = new Trainer(model, new Adam(DelayedRegressor.ParameterCount, learningRate: 0.02f), new TrainerOptions { Loss = TrainingLoss.MeanSquaredError });
        var random = new Random(7);
        var stream = new float[200];
        var targets = new float[200];
        for (int t = 0; t < stream.Length; t++)
        {
            stream[t] = (float)(random.NextDouble() * 2 - 1);
            targets[t] = t == 0 ? 0f : 0.5f * stream[t - 1];
        }
        var first = trainer.TrainTruncated(stream, targets, chunkSteps: 20);
        TruncatedTraining last = first;
        for (int epoch = 0; epoch < 30; epoch++) last = trainer.TrainTruncated(stream, targets, chunkSteps: 20);
        Assert.Equal((10, 0), (last.Chunks, last.SkippedChunks));
        Assert.True(last.MeanLoss < first.MeanLoss * 0.2f, $"mean loss {first.MeanLoss} → {last.MeanLoss}");
        Assert.Throws<ArgumentException>(() => trainer.TrainTruncated(stream, targets.AsSpan(0, 199), chunkSteps: 20));
    }
}

[RecurrentModel(InputSize = 1, SequenceLength = 20)]
[Gru(8)]
[Dense(1, Over = Steps.Every)]
public partial class DelayedRegressor { }
