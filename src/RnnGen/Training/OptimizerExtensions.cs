namespace RnnGen.Training;

/// <summary>Conveniences for driving an <see cref="IOptimizer"/> from a model.</summary>
public static class OptimizerExtensions
{
    /// <summary>Steps <paramref name="model"/>'s <see cref="IParameterSet.Parameters"/> with its accumulated <see cref="IRecurrentModel.Gradients"/>.</summary>
    /// <returns>False when the step was refused because it would not have been finite (see <see cref="IOptimizer.Step"/>).</returns>
    public static bool Step(this IOptimizer optimizer, IRecurrentModel model)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(model);
        return optimizer.Step(model.Parameters, model.Gradients);
    }
}
