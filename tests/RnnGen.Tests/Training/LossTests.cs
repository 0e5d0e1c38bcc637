using System.Text.Json;
using RnnGen.Training;

namespace RnnGen.Tests.Training;

public class LossTests
{
    // ---- Double-precision references, written from the textbook definitions (no stabilisation tricks needed at these magnitudes).

    private static double CrossEntropyReference(double[] x, int classes, int[] targets, LossReduction reduction, int? ignore)
    {
        double total = 0;
        int scored = 0;
        for (int r = 0; r < targets.Length; r++)
        {
            if (targets[r] == ignore) continue;
            double sum = 0;
            for (int j = 0; j < classes; j++) sum += Math.Exp(x[r * classes + j]);
            total += -Math.Log(Math.Exp(x[r * classes + targets[r]]) / sum);
            scored++;
        }
        return reduction == LossReduction.Mean ? total / scored : total;
    }

    private static double BinaryCrossEntropyReference(double[] x, float[] t, LossReduction reduction)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double p = 1 / (1 + Math.Exp(-x[i]));
            total += -(t[i] * Math.Log(p) + (1 - t[i]) * Math.Log(1 - p));
        }
        return reduction == LossReduction.Mean ? total / x.Length : total;
    }

    private static double SquaredErrorReference(double[] y, float[] t, LossReduction reduction)
    {
        double total = 0;
        for (int i = 0; i < y.Length; i++) total += (y[i] - t[i]) * (y[i] - t[i]);
        return reduction == LossReduction.Mean ? total / y.Length : total;
    }

    // ---- PyTorch (torch.nn.functional in float64), see TestData/training/make_loss_cases.py

    public static TheoryData<string> TorchCases => TrainingData.CaseNames("loss_cases.json");

    [Theory]
    [MemberData(nameof(TorchCases))]
    public void LossMatchesTorchFunctional(string name)
    {
        JsonElement c = TrainingData.Case("loss_cases.json", name);
        float[] input = TrainingData.Floats(c.GetProperty("input"));
        LossReduction reduction = c.GetProperty("reduction").GetString() == "sum" ? LossReduction.Sum : LossReduction.Mean;
        float[] gradient = new float[input.Length];

        float loss = c.GetProperty("kind").GetString() switch
        {
            "cross_entropy" => SoftmaxCrossEntropy.Compute(
                input, c.GetProperty("columns").GetInt32(), TrainingData.Ints(c.GetProperty("target")), gradient, reduction,
                c.GetProperty("ignore_index").ValueKind == JsonValueKind.Number ? c.GetProperty("ignore_index").GetInt32() : null),
            "binary_cross_entropy" => SigmoidBinaryCrossEntropy.Compute(input, TrainingData.Floats(c.GetProperty("target")), gradient, reduction),
            "mean_squared_error" => MeanSquaredError.Compute(input, TrainingData.Floats(c.GetProperty("target")), gradient, reduction),
            var other => throw new NotSupportedException(other),
        };

        NumericAssert.Close(c.GetProperty("loss").GetDouble(), loss, 1e-6, 1e-6, $"{name} loss");
        NumericAssert.Close(TrainingData.Doubles(c.GetProperty("gradient")), gradient, 1e-6, 1e-5, $"{name} gradient");
    }

    // ---- Softmax cross-entropy

    [Fact]
    public void CrossEntropyHandComputedCase()
    {
        float[] logits = [1f, 2f, 3f];
        float[] gradient = new float[3];
        float loss = SoftmaxCrossEntropy.Compute(logits, 3, [2], gradient);

        // log(e + e² + e³) − 3, and softmax(1, 2, 3) − (0, 0, 1).
        NumericAssert.Close(0.40760596444438, loss, 1e-7, 0, "loss");
        NumericAssert.Close([0.09003057317038, 0.24472847105480, 0.66524095577482 - 1], gradient, 1e-7, 0, "gradient");
    }

    [Theory]
    [InlineData(LossReduction.Mean, null)]
    [InlineData(LossReduction.Sum, null)]
    [InlineData(LossReduction.Mean, -1)]
    [InlineData(LossReduction.Sum, 7)]
    public void CrossEntropyMatchesDoubleReferenceAndFiniteDifferences(LossReduction reduction, int? ignore)
    {
        const int classes = 5;
        float[] logits = NumericAssert.RandomFloats(1, 4 * classes, -3f, 3f);
        int[] targets = [3, ignore ?? 0, 4, 1];
        float[] gradient = new float[logits.Length];

        float loss = SoftmaxCrossEntropy.Compute(logits, classes, targets, gradient, reduction, ignore);

        double[] x = Array.ConvertAll(logits, v => (double)v);
        NumericAssert.Close(CrossEntropyReference(x, classes, targets, reduction, ignore), loss, 1e-6, 1e-6, "loss");
        double[] want = NumericAssert.CentralDifference(v => CrossEntropyReference(v, classes, targets, reduction, ignore), logits);
        NumericAssert.Close(want, gradient, 1e-6, 1e-5, "gradient");
        if (ignore is not null)
            Assert.All(gradient.AsSpan(classes, classes).ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void CrossEntropyHugeLogitsStayFinite()
    {
        float[] logits = [1000f, -1000f, 0f, -1000f, 1000f, 1000f];
        float[] gradient = new float[6];
        float loss = SoftmaxCrossEntropy.Compute(logits, 3, [1, 0], gradient, LossReduction.Sum);

        // Row 0: logsumexp = 1000, target −1000 → 2000. Row 1: logsumexp = 1000 + log 2, target −1000 → 2000 + log 2.
        NumericAssert.Close(4000 + Math.Log(2), loss, 0, 1e-6, "loss");
        NumericAssert.Close([1, -1, 0, -1, 0.5, 0.5], gradient, 1e-7, 0, "gradient");

        float confident = SoftmaxCrossEntropy.Compute([1000f, -1000f], 2, [0], gradient.AsSpan(0, 2));
        Assert.Equal(0f, confident);
        Assert.Equal([0f, 0f], gradient.AsSpan(0, 2).ToArray());
    }

    [Fact]
    public void CrossEntropyLossOnlyEqualsLossWithGradient()
    {
        float[] logits = NumericAssert.RandomFloats(2, 3 * 7, -5f, 5f);
        int[] targets = [6, 0, 3];
        float with = SoftmaxCrossEntropy.Compute(logits, 7, targets, new float[logits.Length]);
        float without = SoftmaxCrossEntropy.Compute(logits, 7, targets, default);
        NumericAssert.Close(with, without, 0, 1e-6, "loss");
    }

    [Fact]
    public void CrossEntropyEveryRowIgnoredGivesZero()
    {
        float[] gradient = [9f, 9f, 9f, 9f];
        float loss = SoftmaxCrossEntropy.Compute([1f, 2f, 3f, 4f], 2, [-100, -100], gradient, LossReduction.Mean, -100);
        Assert.Equal(0f, loss);
        Assert.Equal(new float[4], gradient);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    public void CrossEntropyTargetOutOfRangeThrowsWithoutWriting(int badTarget)
    {
        float[] gradient = [7f, 7f, 7f, 7f, 7f, 7f];
        var e = Assert.Throws<ArgumentOutOfRangeException>(
            () => SoftmaxCrossEntropy.Compute(new float[6], 3, [0, badTarget], gradient));
        Assert.Equal("targets", e.ParamName);
        Assert.Contains("targets[1]", e.Message);
        Assert.All(gradient, g => Assert.Equal(7f, g));
    }

    [Fact]
    public void CrossEntropyLengthMismatchesThrow()
    {
        var logits = Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropy.Compute(new float[7], 3, [0, 1], default));
        Assert.Contains("2 × 3 = 6, got 7", logits.Message);
        var gradient = Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropy.Compute(new float[6], 3, [0, 1], new float[5]));
        Assert.Equal("logitGradient", gradient.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxCrossEntropy.Compute(new float[6], 0, [0, 1], default));
    }

    // ---- Sigmoid binary cross-entropy

    [Fact]
    public void BinaryCrossEntropyHandComputedCase()
    {
        float[] gradient = new float[2];
        float loss = SigmoidBinaryCrossEntropy.Compute([0f, 2f], [0.5f, 1f], gradient, LossReduction.Sum);

        // log 2 + log(1 + e^−2); gradients σ(0) − 0.5 = 0 and σ(2) − 1.
        NumericAssert.Close(Math.Log(2) + Math.Log(1 + Math.Exp(-2)), loss, 1e-7, 0, "loss");
        NumericAssert.Close([0, 1 / (1 + Math.Exp(-2)) - 1], gradient, 1e-7, 0, "gradient");
    }

    [Theory]
    [InlineData(LossReduction.Mean)]
    [InlineData(LossReduction.Sum)]
    public void BinaryCrossEntropyMatchesDoubleReferenceAndFiniteDifferences(LossReduction reduction)
    {
        float[] logits = NumericAssert.RandomFloats(3, 12, -4f, 4f);
        float[] targets = NumericAssert.RandomFloats(4, 12, 0f, 1f);
        targets[0] = 0f;
        targets[1] = 1f;
        float[] gradient = new float[12];

        float loss = SigmoidBinaryCrossEntropy.Compute(logits, targets, gradient, reduction);

        double[] x = Array.ConvertAll(logits, v => (double)v);
        NumericAssert.Close(BinaryCrossEntropyReference(x, targets, reduction), loss, 1e-6, 1e-6, "loss");
        double[] want = NumericAssert.CentralDifference(v => BinaryCrossEntropyReference(v, targets, reduction), logits);
        NumericAssert.Close(want, gradient, 1e-6, 1e-5, "gradient");
        NumericAssert.Close(loss, SigmoidBinaryCrossEntropy.Compute(logits, targets, default, reduction), 0, 1e-6, "loss only");
    }

    [Fact]
    public void BinaryCrossEntropyHugeLogitsStayFinite()
    {
        float[] gradient = new float[4];
        float loss = SigmoidBinaryCrossEntropy.Compute([1000f, -1000f, 1000f, -1000f], [0f, 1f, 1f, 0f], gradient, LossReduction.Sum);
        Assert.Equal(2000f, loss);
        Assert.Equal([1f, -1f, 0f, 0f], gradient);
    }

    [Theory]
    [InlineData(-0.01f)]
    [InlineData(1.01f)]
    [InlineData(float.NaN)]
    public void BinaryCrossEntropyTargetOutsideUnitIntervalThrows(float bad)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SigmoidBinaryCrossEntropy.Compute(new float[2], [0.5f, bad], default));
        Assert.Contains("targets[1]", e.Message);
    }

    [Fact]
    public void BinaryCrossEntropyLengthMismatchesThrow()
    {
        Assert.Throws<ArgumentException>(() => SigmoidBinaryCrossEntropy.Compute(new float[3], new float[2], default));
        Assert.Throws<ArgumentException>(() => SigmoidBinaryCrossEntropy.Compute(new float[3], new float[3], new float[4]));
    }

    // ---- Mean squared error

    [Fact]
    public void SquaredErrorHandComputedMeanIsOverAllElements()
    {
        float[] gradient = new float[4];
        float loss = MeanSquaredError.Compute([1f, 2f, 3f, 4f], [0f, 2f, 5f, 4f], gradient);

        // (1 + 0 + 4 + 0) / 4, and 2(y − t)/4.
        Assert.Equal(1.25f, loss);
        Assert.Equal([0.5f, 0f, -1f, 0f], gradient);
    }

    [Theory]
    [InlineData(LossReduction.Mean)]
    [InlineData(LossReduction.Sum)]
    public void SquaredErrorMatchesDoubleReferenceAndFiniteDifferences(LossReduction reduction)
    {
        float[] outputs = NumericAssert.RandomFloats(5, 10, -2f, 2f);
        float[] targets = NumericAssert.RandomFloats(6, 10, -2f, 2f);
        float[] gradient = new float[10];

        float loss = MeanSquaredError.Compute(outputs, targets, gradient, reduction);

        double[] y = Array.ConvertAll(outputs, v => (double)v);
        NumericAssert.Close(SquaredErrorReference(y, targets, reduction), loss, 1e-6, 1e-6, "loss");
        double[] want = NumericAssert.CentralDifference(v => SquaredErrorReference(v, targets, reduction), outputs);
        NumericAssert.Close(want, gradient, 1e-6, 1e-5, "gradient");
        NumericAssert.Close(loss, MeanSquaredError.Compute(outputs, targets, default, reduction), 0, 1e-6, "loss only");
    }

    [Fact]
    public void SquaredErrorLengthMismatchesThrow()
    {
        Assert.Throws<ArgumentException>(() => MeanSquaredError.Compute(new float[3], new float[2], default));
        Assert.Throws<ArgumentException>(() => MeanSquaredError.Compute(new float[3], new float[3], new float[2]));
    }

    // ---- Allocation

    [Fact]
    public void LossesAllocateNothing()
    {
        float[] logits = NumericAssert.RandomFloats(7, 64 * 10, -3f, 3f);
        float[] probabilities = NumericAssert.RandomFloats(8, logits.Length, 0f, 1f);
        int[] targets = new int[64];
        for (int r = 0; r < targets.Length; r++) targets[r] = r % 10;
        targets[5] = -100;
        float[] gradient = new float[logits.Length];

        void EvaluateAll()
        {
            SoftmaxCrossEntropy.Compute(logits, 10, targets, gradient, LossReduction.Mean, -100);
            SoftmaxCrossEntropy.Compute(logits, 10, targets, default, LossReduction.Sum, -100);
            SigmoidBinaryCrossEntropy.Compute(logits, probabilities, gradient);
            SigmoidBinaryCrossEntropy.Compute(logits, probabilities, default);
            MeanSquaredError.Compute(logits, probabilities, gradient);
            MeanSquaredError.Compute(logits, probabilities, default);
        }

        EvaluateAll();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) EvaluateAll();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
