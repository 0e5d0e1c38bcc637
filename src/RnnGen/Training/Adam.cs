namespace RnnGen.Training;

/// <summary>Adam with bias correction, optional L2 weight decay and AMSGrad, as <c>torch.optim.Adam</c>.</summary>
public sealed class Adam : Optimizer
{
    private readonly AdamCore _core;

    /// <summary>
    /// Per step t: d = g + λθ; m = β₁m + (1 − β₁)d; v = β₂v + (1 − β₂)d²; v̂ = max(v̂, v) with AMSGrad, else v̂ = v;
    /// θ = θ − lr/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε). All state starts at 0.
    /// </summary>
    /// <param name="parameterCount">Length of the parameter and gradient spans.</param>
    /// <param name="learningRate">lr.</param>
    /// <param name="beta1">β₁ in [0, 1), decay of the first moment.</param>
    /// <param name="beta2">β₂ in [0, 1), decay of the second moment.</param>
    /// <param name="epsilon">ε &gt; 0, added to the denominator for stability.</param>
    /// <param name="weightDecay">λ ≥ 0, L2 penalty added to the gradient (coupled with the moments; see <see cref="AdamW"/>).</param>
    /// <param name="amsGrad">Normalise by the running maximum of the second moment.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range.</exception>
    public Adam(int parameterCount, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f, bool amsGrad = false)
        : base(parameterCount, learningRate)
    {
        Hyperparameters.RequireNonNegative(weightDecay, nameof(weightDecay));
        _core = new AdamCore(parameterCount, beta1, beta2, epsilon, amsGrad);
        WeightDecay = weightDecay;
    }

    /// <summary>β₁.</summary>
    public float Beta1 => _core.Beta1;

    /// <summary>β₂.</summary>
    public float Beta2 => _core.Beta2;

    /// <summary>ε.</summary>
    public float Epsilon => _core.Epsilon;

    /// <summary>λ, the L2 coefficient.</summary>
    public float WeightDecay { get; }

    /// <summary>Whether AMSGrad is used.</summary>
    public bool AmsGrad => _core.AmsGrad;

    /// <inheritdoc />
    private protected override bool Update(Span<float> parameters, ReadOnlySpan<float> gradients, bool commit) =>
        _core.Update(parameters, gradients, StepCount, LearningRate, l2: WeightDecay, decay: 1f, commit);

    /// <inheritdoc />
    private protected override void ResetState() => _core.Reset();
}
