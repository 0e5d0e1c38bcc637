namespace RnnGen.Training;

/// <summary>Conveniences for driving an <see cref="IOptimizer"/> from a model.</summary>
public static class OptimizerExtensions
{
    /// <summary>Steps <paramref name="model"/>'s <see cref="IParameterSet.Parameters"/> with its accumulated <see cref="IRecurrentModel.Gradients"/>.</summary>
    public static void Step(this IOptimizer optimizer, IRecurrentModel model)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(model);
        optimizer.Step(model.Parameters, model.Gradients);
    }
}
