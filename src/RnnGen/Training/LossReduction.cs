namespace RnnGen.Training;

/// <summary>How a loss combines its per-row (or per-element) terms, as PyTorch's <c>reduction</c> argument.</summary>
public enum LossReduction
{
    /// <summary>The average: PyTorch's default <c>reduction='mean'</c>. Each loss documents what it averages over.</summary>
    Mean = 0,

    /// <summary>The plain sum, PyTorch <c>reduction='sum'</c>.</summary>
    Sum = 1,
}
