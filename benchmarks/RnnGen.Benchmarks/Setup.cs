namespace RnnGen.Benchmarks;

internal static class Setup
{
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
}
