using RnnGen.Batching;

namespace RnnGen.Tests.Batching;

/// <summary>
/// Drives a batch and, as the oracle, one single-entity model of the same class per entity: the single model's Step,
/// Forward and Backward are checked against PyTorch and the float64 reference elsewhere.
/// </summary>
internal sealed class BatchHarness
{
    public const double Abs = 1e-5, Rel = 1e-4;

    public BatchHarness(IRecurrentModel model, Func<IRecurrentModel, int, RecurrentBatch> create, int capacity, int seed)
    {
        Model = model;
        Random = new Random(seed);
        foreach (ref float p in model.Parameters) p = (float)(Random.NextDouble() - 0.5);
        Batch = create(model, capacity);
    }

    public IRecurrentModel Model { get; }
    public RecurrentBatch Batch { get; }
    public Random Random { get; }
    public bool Tokens => Model.VocabularySize > 0;

    public float[] RandomFloats(int length, double scale = 1)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)((Random.NextDouble() * 2 - 1) * scale);
        return values;
    }

    public int[] RandomTokens(int length)
    {
        var values = new int[length];
        for (int i = 0; i < length; i++) values[i] = Random.Next(Model.VocabularySize);
        return values;
    }

    /// <summary>Adds <paramref name="count"/> entities with random states; returns the states in row order.</summary>
    public float[][] AddEntities(int count)
    {
        var states = new float[count][];
        for (int e = 0; e < count; e++)
        {
            int slot = Batch.Add();
            states[e] = RandomFloats(Batch.StateSize, 0.5);
            Batch.SetState(slot, states[e]);
        }
        return states;
    }

    public float[] State(int row)
    {
        var state = new float[Batch.StateSize];
        Batch.GetState(Batch.ActiveSlots[row], state);
        return state;
    }

    /// <summary>One Step of the whole batch: inputs per row (floats or tokens), outputs per row.</summary>
    public float[] Step(float[]? inputs, int[]? tokens)
    {
        var outputs = new float[Batch.Count * Batch.OutputSize];
        if (tokens is not null) ((ITokenStepBatch)Batch).Step(tokens, outputs);
        else ((IStepBatch)Batch).Step(inputs, outputs);
        return outputs;
    }

    /// <summary>The single model's Step from <paramref name="state"/> (updated in place); returns its output.</summary>
    public float[] SingleStep(float[] state, ReadOnlySpan<float> input, int token)
    {
        state.CopyTo(Model.State);
        var output = new float[Model.OutputSize];
        if (Tokens) ((ITokenStepModel)Model).Step(token, output);
        else ((IStepModel)Model).Step(input, output);
        Model.State.CopyTo(state);
        return output;
    }

    public static void Close(ReadOnlySpan<float> want, ReadOnlySpan<float> got, string what)
    {
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++)
        {
            double tolerance = Abs + Rel * Math.Abs(want[i]);
            if (!(Math.Abs(got[i] - want[i]) <= tolerance))
                Assert.Fail($"{what}[{i}]: want {want[i]:R}, got {got[i]:R} (tolerance {tolerance:G3}).");
        }
    }

    /// <summary>Rows per sequence of a Forward over <paramref name="steps"/> steps.</summary>
    public int Rows(int steps) => Batch.OutputsEveryStep ? steps : 1;

    /// <summary>Forward over every active slot: sequences [Count × steps × InputSize] (or tokens [Count × steps]).</summary>
    public float[] Forward(float[]? sequences, int[]? tokens, int steps)
    {
        var outputs = new float[Batch.Count * Rows(steps) * Batch.OutputSize];
        if (tokens is not null) ((ITokenSequenceBatch)Batch).Forward(tokens, outputs);
        else ((ISequenceBatch)Batch).Forward(sequences, outputs);
        return outputs;
    }

    /// <summary>The single model's Forward of entity <paramref name="e"/>'s sequence from <paramref name="state"/> (updated in place).</summary>
    public float[] SingleForward(float[] state, float[]? sequences, int[]? tokens, int e, int steps)
    {
        state.CopyTo(Model.State);
        var outputs = new float[Rows(steps) * Model.OutputSize];
        if (tokens is not null) ((ITokenSequenceModel)Model).Forward(tokens.AsSpan(e * steps, steps), outputs);
        else ((ISequenceModel)Model).Forward(sequences.AsSpan(e * steps * Model.InputSize, steps * Model.InputSize), outputs);
        Model.State.CopyTo(state);
        return outputs;
    }

    /// <summary>
    /// Element-wise check of a sum of per-entity values against the batch's: |got − Σ| ≤ 1e-5 + 1e-4·Σ|terms|, the float
    /// noise of adding the same terms in another order.
    /// </summary>
    public static void CloseToSum(double[] sum, double[] absoluteSum, ReadOnlySpan<float> got, string what)
    {
        Assert.Equal(sum.Length, got.Length);
        for (int i = 0; i < sum.Length; i++)
        {
            double tolerance = Abs + Rel * absoluteSum[i];
            if (!(Math.Abs(got[i] - sum[i]) <= tolerance))
                Assert.Fail($"{what}[{i}]: want {sum[i]:R}, got {got[i]:R} (tolerance {tolerance:G3}).");
        }
    }
}
