using System.Text.Json;
using RnnGen.Training;

namespace RnnGen.Tests.Training;

public class OptimizerTests
{
    private const string CasesFile = "optimizer_cases.json";

    public static TheoryData<string> TorchCases => TrainingData.CaseNames(CasesFile);

    private static float Hyper(JsonElement hyper, string name, float fallback) =>
        hyper.TryGetProperty(name, out JsonElement v) ? (float)v.GetDouble() : fallback;

    private static bool Flag(JsonElement hyper, string name) =>
        hyper.TryGetProperty(name, out JsonElement v) && v.GetBoolean();

    /// <summary>The optimizer a torch case describes, with torch's defaults for anything the case leaves out.</summary>
    private static IOptimizer Create(JsonElement c, int count)
    {
        JsonElement h = c.GetProperty("hyper");
        float lr = Hyper(h, "lr", float.NaN);
        float beta1 = 0.9f, beta2 = 0.999f;
        if (h.TryGetProperty("betas", out JsonElement betas))
        {
            beta1 = (float)betas[0].GetDouble();
            beta2 = (float)betas[1].GetDouble();
        }
        return c.GetProperty("optimizer").GetString() switch
        {
            "SGD" => new Sgd(count, lr, Hyper(h, "momentum", 0f), Hyper(h, "dampening", 0f), Flag(h, "nesterov"), Hyper(h, "weight_decay", 0f)),
            "RMSprop" => new RmsProp(count, lr, Hyper(h, "alpha", 0.99f), Hyper(h, "eps", 1e-8f), Hyper(h, "weight_decay", 0f), Hyper(h, "momentum", 0f), Flag(h, "centered")),
            "Adam" => new Adam(count, lr, beta1, beta2, Hyper(h, "eps", 1e-8f), Hyper(h, "weight_decay", 0f), Flag(h, "amsgrad")),
            "AdamW" => new AdamW(count, lr, beta1, beta2, Hyper(h, "eps", 1e-8f), Hyper(h, "weight_decay", 0.01f), Flag(h, "amsgrad")),
            var other => throw new NotSupportedException(other),
        };
    }

    /// <summary>Runs a case's gradient sequence and returns the parameters after every step.</summary>
    private static float[][] Trajectory(IOptimizer optimizer, JsonElement c)
    {
        float[] parameters = TrainingData.Floats(c.GetProperty("initial"));
        JsonElement schedule = c.GetProperty("lr_schedule");
        var trajectory = new List<float[]>();
        int step = 0;
        foreach (JsonElement gradient in c.GetProperty("gradients").EnumerateArray())
        {
            if (schedule.ValueKind == JsonValueKind.Array)
                optimizer.LearningRate = (float)schedule[step].GetDouble();
            optimizer.Step(parameters, TrainingData.Floats(gradient));
            trajectory.Add((float[])parameters.Clone());
            step++;
        }
        return [.. trajectory];
    }

    [Theory]
    [MemberData(nameof(TorchCases))]
    public void TrajectoryMatchesTorchOptim(string name)
    {
        JsonElement c = TrainingData.Case(CasesFile, name);
        float[][] expected = c.GetProperty("expected").EnumerateArray().Select(TrainingData.Floats).ToArray();
        IOptimizer optimizer = Create(c, expected[0].Length);

        float[][] got = Trajectory(optimizer, c);

        Assert.Equal(expected.Length, got.Length);
        for (int s = 0; s < expected.Length; s++)
            NumericAssert.Close(Array.ConvertAll(expected[s], v => (double)v), got[s], 1e-5, 1e-4, $"{name} step {s + 1}");
    }

    [Theory]
    [MemberData(nameof(TorchCases))]
    public void ResetStartsTheTrajectoryAfresh(string name)
    {
        JsonElement c = TrainingData.Case(CasesFile, name);
        IOptimizer optimizer = Create(c, c.GetProperty("initial").GetArrayLength());
        float initialRate = optimizer.LearningRate;
        float[][] first = Trajectory(optimizer, c);

        optimizer.Reset();
        optimizer.LearningRate = initialRate;
        float[][] second = Trajectory(optimizer, c);

        for (int s = 0; s < first.Length; s++)
            Assert.Equal(first[s], second[s]);
        Assert.Equal(first.Length, ((Optimizer)optimizer).StepCount);
    }

    public static TheoryData<string> AllKinds => new() { "sgd", "sgd-nesterov", "rmsprop", "rmsprop-centered-momentum", "adam", "adam-amsgrad", "adamw", "adamw-amsgrad" };

    private static IOptimizer Create(string kind, int count) => kind switch
    {
        "sgd" => new Sgd(count, 0.1f),
        "sgd-nesterov" => new Sgd(count, 0.1f, momentum: 0.9f, nesterov: true, weightDecay: 0.01f),
        "rmsprop" => new RmsProp(count),
        "rmsprop-centered-momentum" => new RmsProp(count, momentum: 0.9f, centered: true, weightDecay: 0.01f),
        "adam" => new Adam(count, weightDecay: 0.01f),
        "adam-amsgrad" => new Adam(count, amsGrad: true),
        "adamw" => new AdamW(count),
        "adamw-amsgrad" => new AdamW(count, amsGrad: true),
        _ => throw new NotSupportedException(kind),
    };

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void StepAllocatesNothing(string kind)
    {
        const int count = 1003; // not a multiple of any vector width, so the tail path runs too
        IOptimizer optimizer = Create(kind, count);
        float[] parameters = NumericAssert.RandomFloats(1, count, -1f, 1f);
        float[] gradients = NumericAssert.RandomFloats(2, count, -1f, 1f);

        optimizer.Step(parameters, gradients);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) optimizer.Step(parameters, gradients);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void StepRejectsWrongLengthsWithoutTouchingAnything(string kind)
    {
        IOptimizer optimizer = Create(kind, 5);
        float[] parameters = [1f, 2f, 3f, 4f, 5f];

        var e = Assert.Throws<ArgumentException>(() => optimizer.Step(parameters, new float[4]));
        Assert.Contains("Expected 5 gradients, got 4", e.Message);
        Assert.Throws<ArgumentException>(() => optimizer.Step(new float[6], new float[5]));
        Assert.Equal([1f, 2f, 3f, 4f, 5f], parameters);
        Assert.Equal(0, ((Optimizer)optimizer).StepCount);
    }

    [Fact]
    public void StepWithModelUsesItsParametersAndGradients()
    {
        var model = FakeModel.Lstm(inputSize: 3, hiddenSize: 4);
        model.Parameters.Fill(1f);
        model.Gradients.Fill(2f);

        new Sgd(model.Parameters.Length, 0.25f).Step(model);

        Assert.All(model.Parameters.ToArray(), p => Assert.Equal(0.5f, p));
    }

    [Fact]
    public void HyperparametersOutsideTorchLimitsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new Sgd(3, 0.1f, nesterov: true));
        Assert.Throws<ArgumentException>(() => new Sgd(3, 0.1f, momentum: 0.9f, dampening: 0.1f, nesterov: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(3, -0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(3, float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(3, 0.1f, momentum: -0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(3, alpha: -0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(3, beta1: 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(3, beta2: -0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(3, weightDecay: -1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(-1));
        var adam = new Adam(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.LearningRate = float.PositiveInfinity);
    }
}
