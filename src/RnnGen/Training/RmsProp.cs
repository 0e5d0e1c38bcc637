using System.Numerics;
using System.Runtime.CompilerServices;

namespace RnnGen.Training;

/// <summary>RMSProp with optional centring, momentum and L2 weight decay, as <c>torch.optim.RMSprop</c>.</summary>
public sealed class RmsProp : Optimizer
{
    private readonly float[] _squareAverage;
    private readonly float[] _gradientAverage;
    private readonly float[] _momentumBuffer;

    /// <summary>
    /// Per step: d = g + λθ; s = αs + (1 − α)d²; with centring, a = αa + (1 − α)d and v = s − a², else v = s;
    /// r = √max(v, 0) + ε; then θ = θ − lr·d/r, or with momentum μ &gt; 0, b = μb + d/r and θ = θ − lr·b. All state starts at 0.
    /// </summary>
    /// <param name="parameterCount">Length of the parameter and gradient spans.</param>
    /// <param name="learningRate">lr.</param>
    /// <param name="alpha">α in [0, 1], the smoothing constant of the running averages.</param>
    /// <param name="epsilon">ε &gt; 0, added to the root for stability.</param>
    /// <param name="weightDecay">λ ≥ 0, L2 penalty added to the gradient.</param>
    /// <param name="momentum">μ ≥ 0; 0 disables the momentum buffer.</param>
    /// <param name="centered">Normalise by an estimate of the gradient's variance instead of its second moment.</param>
    /// <remarks>
    /// The clamp max(v, 0) is not in PyTorch: when rounding makes s − a² slightly negative, PyTorch takes the root of a
    /// negative number and the parameter becomes NaN; here the step is then just d/ε-sized instead.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of its range or not finite.</exception>
    public RmsProp(int parameterCount, float learningRate = 0.01f, float alpha = 0.99f, float epsilon = 1e-8f, float weightDecay = 0f, float momentum = 0f, bool centered = false)
        : base(parameterCount, learningRate)
    {
        Hyperparameters.RequireUnitInterval(alpha, nameof(alpha));
        Hyperparameters.RequirePositive(epsilon, nameof(epsilon));
        Hyperparameters.RequireNonNegative(weightDecay, nameof(weightDecay));
        Hyperparameters.RequireNonNegative(momentum, nameof(momentum));
        Alpha = alpha;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        Momentum = momentum;
        Centered = centered;
        _squareAverage = new float[parameterCount];
        _gradientAverage = centered ? new float[parameterCount] : [];
        _momentumBuffer = momentum > 0f ? new float[parameterCount] : [];
    }

    /// <summary>α.</summary>
    public float Alpha { get; }

    /// <summary>ε.</summary>
    public float Epsilon { get; }

    /// <summary>λ.</summary>
    public float WeightDecay { get; }

    /// <summary>μ.</summary>
    public float Momentum { get; }

    /// <summary>Whether the gradient's running mean is subtracted.</summary>
    public bool Centered { get; }

    /// <inheritdoc />
    private protected override bool Update(Span<float> parameters, ReadOnlySpan<float> gradients, bool commit)
    {
        var c = new Coefficients(this);
        Span<Vector<float>> p = VectorLanes.Body(parameters);
        ReadOnlySpan<Vector<float>> g = VectorLanes.Body(gradients);
        Span<Vector<float>> s = VectorLanes.Body(_squareAverage.AsSpan());
        Span<Vector<float>> a = VectorLanes.Body(_gradientAverage.AsSpan());
        Span<Vector<float>> b = VectorLanes.Body(_momentumBuffer.AsSpan());
        Vector<float> check = Vector<float>.Zero;
        for (int i = 0; i < p.Length; i++)
        {
            Vector<float> pi = p[i], si = s[i];
            Vector<float> ai = c.Centered ? a[i] : default;
            Vector<float> bi = c.UsesMomentum ? b[i] : default;
            Lane(ref pi, g[i], ref si, ref ai, ref bi, c);
            if (commit)
            {
                p[i] = pi;
                s[i] = si;
                if (c.Centered) a[i] = ai;
                if (c.UsesMomentum) b[i] = bi;
            }
            else
            {
                check = VectorLanes.Fold(VectorLanes.Fold(VectorLanes.Fold(VectorLanes.Fold(check, pi), si), ai), bi);
            }
        }

        int tail = VectorLanes.TailStart(parameters.Length);
        bool finite = VectorLanes.AllFinite(check);
        if (tail < parameters.Length)
        {
            Vector<float> pt = VectorLanes.Load(parameters[tail..]);
            Vector<float> st = VectorLanes.Load(_squareAverage.AsSpan(tail));
            Vector<float> at = c.Centered ? VectorLanes.Load(_gradientAverage.AsSpan(tail)) : default;
            Vector<float> bt = c.UsesMomentum ? VectorLanes.Load(_momentumBuffer.AsSpan(tail)) : default;
            Lane(ref pt, VectorLanes.Load(gradients[tail..]), ref st, ref at, ref bt, c);
            if (commit)
            {
                VectorLanes.Store(pt, parameters[tail..]);
                VectorLanes.Store(st, _squareAverage.AsSpan(tail));
                if (c.Centered) VectorLanes.Store(at, _gradientAverage.AsSpan(tail));
                if (c.UsesMomentum) VectorLanes.Store(bt, _momentumBuffer.AsSpan(tail));
            }
            else
            {
                int count = parameters.Length - tail;
                finite = finite && VectorLanes.TailFinite(pt, count) && VectorLanes.TailFinite(st, count)
                    && VectorLanes.TailFinite(at, count) && VectorLanes.TailFinite(bt, count);
            }
        }
        return commit || finite;
    }

    /// <inheritdoc />
    private protected override void ResetState()
    {
        Array.Clear(_squareAverage);
        Array.Clear(_gradientAverage);
        Array.Clear(_momentumBuffer);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lane(ref Vector<float> p, Vector<float> g, ref Vector<float> square, ref Vector<float> mean, ref Vector<float> buffer, in Coefficients c)
    {
        Vector<float> d = g + p * c.WeightDecay;
        square = square * c.Alpha + d * d * c.OneMinusAlpha;
        Vector<float> variance = square;
        if (c.Centered)
        {
            mean = mean * c.Alpha + d * c.OneMinusAlpha;
            variance = Vector.Max(square - mean * mean, Vector<float>.Zero);
        }
        Vector<float> root = Vector.SquareRoot(variance) + c.Epsilon;
        if (c.UsesMomentum)
        {
            buffer = buffer * c.Momentum + d / root;
            p += buffer * c.NegativeLearningRate;
        }
        else
        {
            p += d / root * c.NegativeLearningRate;
        }
    }

    private readonly struct Coefficients(RmsProp rms)
    {
        public readonly Vector<float> WeightDecay = new(rms.WeightDecay);
        public readonly Vector<float> Alpha = new(rms.Alpha);
        public readonly Vector<float> OneMinusAlpha = new(1f - rms.Alpha);
        public readonly Vector<float> Epsilon = new(rms.Epsilon);
        public readonly Vector<float> Momentum = new(rms.Momentum);
        public readonly Vector<float> NegativeLearningRate = new(-rms.LearningRate);
        public readonly bool Centered = rms.Centered;
        public readonly bool UsesMomentum = rms.Momentum > 0f;
    }
}
