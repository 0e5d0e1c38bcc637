using RnnGen.Tests.Models;
using RnnGen.Tests.Training;
using RnnGen.Training;
using Xunit.Abstractions;

namespace RnnGen.Tests.Fuzz;

/// <summary>
/// Random training faults on real generated models: inputs and targets with NaN, ±∞ and huge values, learning rates
/// up to float.MaxValue, weight decay up to 1e38, weights scaled until they overflow, every optimizer with random
/// hyperparameters, single steps, mini-batches and truncated BPTT. After every step the weights, the optimizer's state
/// and the model's state are finite, and a skipped step changed neither the weights nor the optimizer.
/// </summary>
public class TrainingFuzzTests(ITestOutputHelper output)
{
    private const int StepsPerSession = 20;


    [Fact]
    public void RandomTrainingFaultsNeverLeaveANonFiniteWeightOrOptimizerState()
    {
        long sessions = Fuzzing.Cases(150, StepsPerSession);
        var reasons = new Dictionary<TrainingSkipReason, long>();
        long truncatedRuns = 0, optimizerSteps = 0;
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        Deadline.Run(TimeSpan.FromMinutes(Math.Max(3, sessions / 100)), () =>
        {
            for (long i = 0; i < sessions; i++)
            {
                (long truncated, long steps) = RunSession(i, reasons);
                truncatedRuns += truncated;
                optimizerSteps += steps;
            }
        });

        output.WriteLine($"{sessions} sessions of {StepsPerSession} calls (seed {Fuzzing.Seed}) in {Fuzzing.Milliseconds(start) / 1000:F1} s wall time: {optimizerSteps} optimizer steps, {truncatedRuns} of the calls truncated-BPTT runs");
        output.WriteLine("  steps returned by Train/Apply: " + string.Join(", ", reasons.OrderBy(r => r.Key).Select(r => $"{r.Value} {(r.Key == TrainingSkipReason.None ? "applied" : r.Key)}")));
        foreach (TrainingSkipReason reason in new[] { TrainingSkipReason.None, TrainingSkipReason.NonFiniteInput, TrainingSkipReason.NonFiniteUpdate })
            Assert.True(reasons.GetValueOrDefault(reason) > 0, $"no step ended {reason}");
    }

    /// <summary>Runs session <paramref name="index"/>; returns its truncated-BPTT runs and its optimizer steps, applied or skipped.</summary>
    private static (long Truncated, long Steps) RunSession(long index, Dictionary<TrainingSkipReason, long> reasons)
    {
        TestRandom random = Fuzzing.For(nameof(RandomTrainingFaultsNeverLeaveANonFiniteWeightOrOptimizerState), index);
        IRecurrentModel model = random.Next(4) switch
        {
            0 => new TinyRegressor(),
            1 => new SignMemory(),
            2 => new DelayedEcho(),
            _ => new TokenRnn(),
        };
        Fuzzing.Initialise(model, random, scaledShare: 0.1);
        Optimizer optimizer = RandomOptimizer(random, model.Parameters.Length);
        bool mse = model is TinyRegressor;
        var trainer = new Trainer(model, optimizer, new TrainerOptions
        {
            Loss = mse ? TrainingLoss.MeanSquaredError : TrainingLoss.SoftmaxCrossEntropy,
            ClipNorm = random.Pick<float?>(null, (float)random.LogBetween(1e-3, 1e3), float.PositiveInfinity),
            ClipValue = random.Pick<float?>(null, null, (float)random.LogBetween(1e-3, 1e3)),
            ResetStateEachSequence = random.Chance(0.7),
        });
        string where = $"session {index} (seed {Fuzzing.Seed}, {model.GetType().Name}, {optimizer.GetType().Name})";
        long truncated = 0;

        for (int step = 0; step < StepsPerSession; step++)
        {
            if (random.Chance(0.05)) optimizer.LearningRate = random.Pick(float.MaxValue, 1e30f, 1e-30f, 0f, 0.01f);
            float[] weightsBefore = model.Parameters.ToArray();
            float[][] stateBefore = OptimizerState.Buffers(optimizer).Select(b => (float[])b.Clone()).ToArray();

            if (model is DelayedEcho && random.Chance(0.2))
            {
                var stream = Inputs(random, 25);
                trainer.TrainTruncated(stream, Classes(random, 25, 2), chunkSteps: 1 + random.Next(10));
                RequireFinite(model, optimizer, $"{where}, truncated run at step {step}");
                truncated++;
                continue;
            }

            int sequences = random.Chance(0.3) ? 2 + random.Next(3) : 1;
            for (int s = 0; s < sequences; s++)
            {
                int steps = 1 + random.Next(model.SequenceLength);
                int rows = model.OutputsEveryStep ? steps : 1;
                if (model is TokenRnn)
                {
                    trainer.Forward(Classes(random, steps, TokenRnn.VocabularySize));
                    trainer.Accumulate(Classes(random, rows, TokenRnn.OutputSize));
                }
                else
                {
                    trainer.Forward(Inputs(random, steps * model.InputSize));
                    if (mse) trainer.Accumulate(Inputs(random, rows * model.OutputSize));
                    else trainer.Accumulate(Classes(random, rows, model.OutputSize));
                }
            }
            TrainingStep result = trainer.Apply();
            reasons[result.SkipReason] = reasons.GetValueOrDefault(result.SkipReason) + 1;

            string at = $"{where}, step {step} ({result.SkipReason})";
            RequireFinite(model, optimizer, at);
            if (!result.Applied)
            {
                Assert.True(weightsBefore.AsSpan().SequenceEqual(model.Parameters), $"{at}: a skipped step changed the weights");
                Assert.True(stateBefore.Zip(OptimizerState.Buffers(optimizer)).All(p => p.First.AsSpan().SequenceEqual(p.Second)), $"{at}: a skipped step changed the optimizer");
            }
        }
        return (truncated, trainer.AppliedSteps + trainer.SkippedSteps);
    }

    private static void RequireFinite(IRecurrentModel model, Optimizer optimizer, string at)
    {
        Assert.True(GradientClipping.AllFinite(model.Parameters), $"{at}: a weight is not finite");
        Assert.True(OptimizerState.AllFinite(optimizer), $"{at}: the optimizer's state is not finite");
        Assert.True(GradientClipping.AllFinite(model.State), $"{at}: the model's state is not finite");
    }

    private static Optimizer RandomOptimizer(TestRandom random, int count)
    {
        float Rate() => random.Chance(0.1) ? random.Pick(float.MaxValue, 1e30f, 1e10f) : (float)random.LogBetween(1e-6, 10);
        float Decay() => random.Chance(0.5) ? 0f : random.Chance(0.2) ? random.Pick(1e38f, 1e20f) : (float)random.LogBetween(1e-6, 1);
        float Epsilon() => (float)random.LogBetween(1e-30, 1);
        return random.Next(4) switch
        {
            0 => random.Chance(0.3)
                ? new Sgd(count, Rate(), momentum: (float)random.Between(0.1, 2), nesterov: true, weightDecay: Decay())
                : new Sgd(count, Rate(), momentum: random.Chance(0.5) ? 0 : (float)random.Between(0, 2), dampening: (float)random.Between(0, 1), weightDecay: Decay()),
            1 => new RmsProp(count, Rate(), alpha: (float)random.Between(0, 1), epsilon: Epsilon(), weightDecay: Decay(), momentum: random.Chance(0.5) ? 0 : (float)random.Between(0, 2), centered: random.Chance(0.5)),
            2 => new Adam(count, Rate(), beta1: (float)random.Between(0, 0.999), beta2: (float)random.Between(0, 0.9999), epsilon: Epsilon(), weightDecay: Decay(), amsGrad: random.Chance(0.5)),
            _ => new AdamW(count, Rate(), beta1: (float)random.Between(0, 0.999), beta2: (float)random.Between(0, 0.9999), epsilon: Epsilon(), weightDecay: Decay(), amsGrad: random.Chance(0.5)),
        };
    }

    /// <summary>Floats in [−2, 2], with a NaN, ±∞ or huge value now and then.</summary>
    private static float[] Inputs(TestRandom random, int count)
    {
        var values = new float[count];
        for (int k = 0; k < count; k++) values[k] = (float)random.Between(-2, 2);
        if (random.Chance(0.15))
            values[random.Next(count)] = random.Pick(float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, -float.MaxValue, 1e30f, 2e19f);
        return values;
    }

    private static int[] Classes(TestRandom random, int count, int classes)
    {
        var values = new int[count];
        for (int k = 0; k < count; k++) values[k] = random.Next(classes);
        return values;
    }
}
