using System.Numerics;
using System.Runtime.CompilerServices;

namespace RnnGen.Training;

/// <summary>Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay, as <c>torch.optim.SGD</c>.</summary>
public sealed class Sgd : Optimizer
{
    private readonly float[] _momentumBuffer;
    private bool _bufferStarted;

    /// <summary>
    /// Per step: d = g + λθ; with momentum μ ≠ 0, b = d on the first step and b = μb + (1 − τ)d after it, then
    /// d = d + μb (Nesterov) or d = b; finally θ = θ − lr·d.
    /// </summary>
    /// <param name="parameterCount">Length of the parameter and gradient spans.</param>
    /// <param name="learningRate">lr.</param>
    /// <param name="momentum">μ ≥ 0; 0 disables the momentum buffer.</param>
    /// <param name="dampening">τ, the share of the new gradient removed from the momentum update.</param>
    /// <param name="nesterov">Use Nesterov momentum; needs μ &gt; 0 and τ = 0.</param>
    /// <param name="weightDecay">λ ≥ 0, L2 penalty added to the gradient.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range.</exception>
    /// <exception cref="ArgumentException">Nesterov without momentum or with dampening.</exception>
    public Sgd(int parameterCount, float learningRate, float momentum = 0f, float dampening = 0f, bool nesterov = false, float weightDecay = 0f)
        : base(parameterCount, learningRate)
    {
        Hyperparameters.RequireNonNegative(momentum, nameof(momentum));
        Hyperparameters.RequireNonNegative(weightDecay, nameof(weightDecay));
        if (!float.IsFinite(dampening))
            throw new ArgumentOutOfRangeException(nameof(dampening), dampening, "dampening must be finite.");
        if (nesterov && (momentum <= 0f || dampening != 0f))
            throw new ArgumentException("Nesterov momentum requires a positive momentum and zero dampening.", nameof(nesterov));
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
        _momentumBuffer = momentum != 0f ? new float[parameterCount] : [];
    }

    /// <summary>μ.</summary>
    public float Momentum { get; }

    /// <summary>τ.</summary>
    public float Dampening { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <summary>λ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc />
    private protected override bool Update(Span<float> parameters, ReadOnlySpan<float> gradients, bool commit)
    {
        var c = new Coefficients(this, firstStep: !_bufferStarted);
        Span<float> buffer = _momentumBuffer; // empty without momentum, and then never touched

        Span<Vector<float>> p = VectorLanes.Body(parameters);
        ReadOnlySpan<Vector<float>> g = VectorLanes.Body(gradients);
        Span<Vector<float>> b = VectorLanes.Body(buffer);
        Vector<float> check = Vector<float>.Zero;
        for (int i = 0; i < p.Length; i++)
        {
            Vector<float> pi = p[i];
            Vector<float> bi = c.UsesBuffer ? b[i] : default;
            Lane(ref pi, g[i], ref bi, c);
            if (commit)
            {
                p[i] = pi;
                if (c.UsesBuffer) b[i] = bi;
            }
            else
            {
                check = VectorLanes.Fold(VectorLanes.Fold(check, pi), bi);
            }
        }

        int tail = VectorLanes.TailStart(parameters.Length);
        bool finite = VectorLanes.AllFinite(check);
        if (tail < parameters.Length)
        {
            Vector<float> pt = VectorLanes.Load(parameters[tail..]);
            Vector<float> bt = c.UsesBuffer ? VectorLanes.Load(buffer[tail..]) : default;
            Lane(ref pt, VectorLanes.Load(gradients[tail..]), ref bt, c);
            if (commit)
            {
                VectorLanes.Store(pt, parameters[tail..]);
                if (c.UsesBuffer) VectorLanes.Store(bt, buffer[tail..]);
            }
            else
            {
                int count = parameters.Length - tail;
                finite = finite && VectorLanes.TailFinite(pt, count) && VectorLanes.TailFinite(bt, count);
            }
        }
        if (!commit) return finite;
        _bufferStarted = true;
        return true;
    }

    /// <inheritdoc />
    private protected override void ResetState()
    {
        Array.Clear(_momentumBuffer);
        _bufferStarted = false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lane(ref Vector<float> p, Vector<float> g, ref Vector<float> buffer, in Coefficients c)
    {
        Vector<float> d = g + p * c.WeightDecay;
        if (c.UsesBuffer)
        {
            buffer = c.FirstStep ? d : buffer * c.Momentum + d * c.Undampened;
            d = c.Nesterov ? d + buffer * c.Momentum : buffer;
        }
        p += d * c.NegativeLearningRate;
    }

    private readonly struct Coefficients(Sgd sgd, bool firstStep)
    {
        public readonly Vector<float> WeightDecay = new(sgd.WeightDecay);
        public readonly Vector<float> Momentum = new(sgd.Momentum);
        public readonly Vector<float> Undampened = new(1f - sgd.Dampening);
        public readonly Vector<float> NegativeLearningRate = new(-sgd.LearningRate);
        public readonly bool UsesBuffer = sgd.Momentum != 0f;
        public readonly bool Nesterov = sgd.Nesterov;
        public readonly bool FirstStep = firstStep;
    }
}
