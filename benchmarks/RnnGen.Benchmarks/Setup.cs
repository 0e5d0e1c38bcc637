using RnnGen.Benchmarks.Peers;

namespace RnnGen.Benchmarks;

internal static class Setup
{
    /// <summary>Steps over which <see cref="Checked"/> compares an inference copy with its model.</summary>
    public const int CheckSteps = 20;

    /// <summary>Fills the model's parameters uniformly in ±1/√(hidden-ish), so activations stay in their working range.</summary>
    public static TModel Randomised<TModel>(TModel model) where TModel : IRecurrentModel
    {
        var random = new Random(7);
        foreach (ref float p in model.Parameters) p = (float)(random.NextDouble() * 2 - 1) * 0.15f;
        // A low-precision model runs copies of its weights, made from the parameters written above.
        (model as IQuantizedModel)?.QuantizeWeights();
        return model;
    }

    public static float[] Inputs(int length)
    {
        var random = new Random(length);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    /// <summary>
    /// Returns <paramref name="copy"/>, the model's inference copy, after checking that it computes what the model's Step
    /// does: both from a zero state over <see cref="CheckSteps"/> steps of inputs in [−1, 1), every output and state within
    /// 1e-5 + 1e-4·|model's|. Throws, saying where they differ, rather than let a wrong copy be timed. Both states are zero after.
    /// </summary>
    public static TCopy Checked<TCopy>(IStepModel model, TCopy copy) where TCopy : IStepInference
    {
        model.ResetState();
        copy.ResetState();
        var random = new Random(11);
        var x = new float[model.InputSize];
        float[] want = new float[model.OutputSize], got = new float[model.OutputSize];
        for (int t = 0; t < CheckSteps; t++)
        {
            for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
            model.Step(x, want);
            copy.Step(x, got);
            Compare("output", got, want, t, model);
            Compare("state", copy.State, model.State, t, model);
        }
        model.ResetState();
        copy.ResetState();
        return copy;
    }

    private static void Compare(string what, ReadOnlySpan<float> got, ReadOnlySpan<float> want, int step, IStepModel model)
    {
        if (got.Length != want.Length)
            throw new InvalidOperationException($"{model.GetType().Name}: its inference copy has {got.Length} {what} floats, the model {want.Length}.");
        for (int k = 0; k < got.Length; k++)
            if (!PeerModels.Close(got[k], want[k]))
                throw new InvalidOperationException($"{model.GetType().Name}: its inference copy's {what}[{k}] at step {step} is {got[k]:R}, the model's Step gives {want[k]:R} (outside 1e-5 + 1e-4·|want|); not timed.");
    }
}
