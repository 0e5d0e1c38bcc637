namespace RnnGen;

/// <summary>An activation function.</summary>
public enum Activation
{
    /// <summary>Identity: the layer outputs its logits.</summary>
    Linear = 0,
    /// <summary>Logistic function 1 / (1 + e^-x), element-wise.</summary>
    Sigmoid = 1,
    /// <summary>e^x_j / Σ e^x_k over the layer's outputs.</summary>
    Softmax = 2,
    /// <summary>Hyperbolic tangent, element-wise.</summary>
    Tanh = 3,
    /// <summary>max(0, x), element-wise; its derivative at 0 is taken as 0.</summary>
    Relu = 4,
}

/// <summary>Which time steps a head reads.</summary>
public enum Steps
{
    /// <summary>Only the last step (many-to-one): <c>Forward</c> writes one output row.</summary>
    Last = 0,
    /// <summary>Every step (synced many-to-many): <c>Forward</c> writes one output row per step.</summary>
    Every = 1,
}

/// <summary>
/// A fully connected head on top of the last recurrent layer: <c>y = act(W h + b)</c>, weights named
/// <c>head.weight</c> [outputs, features] and <c>head.bias</c> [outputs]. At most one per model, declared last.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute(int outputs, Activation activation = Activation.Linear) : Attribute
{
    /// <summary>Number of outputs K.</summary>
    public int Outputs { get; } = outputs;

    /// <summary>The output activation.</summary>
    public Activation Activation { get; } = activation;

    /// <summary>Whether the head reads the last step only (default) or every step.</summary>
    public Steps Over { get; set; } = Steps.Last;

    /// <summary>Whether the head has a bias vector.</summary>
    public bool Bias { get; set; } = true;
}

/// <summary>
/// A token input: each step's input is an index in [0, vocabularySize) whose row of the embedding
/// table (<c>embedding.weight</c> [vocabularySize, dimension]) feeds the first recurrent layer. Must be declared first.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class EmbeddingAttribute(int vocabularySize, int dimension) : Attribute
{
    /// <summary>Number of distinct tokens.</summary>
    public int VocabularySize { get; } = vocabularySize;

    /// <summary>Length of each embedding vector (the first layer's input size).</summary>
    public int Dimension { get; } = dimension;
}
