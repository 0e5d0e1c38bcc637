using System.Numerics;
using System.Runtime.CompilerServices;

namespace RnnGen.Training;

/// <summary>
/// The moment buffers and update rule shared by <see cref="Adam"/> (L2 decay folded into the gradient) and
/// <see cref="AdamW"/> (decoupled decay applied to the parameters).
/// </summary>
internal sealed class AdamCore
{
    private readonly float[] _firstMoment;
    private readonly float[] _secondMoment;
    private readonly float[] _maxSecondMoment;

    public AdamCore(int parameterCount, float beta1, float beta2, float epsilon, bool amsGrad)
    {
        Hyperparameters.RequireFraction(beta1, nameof(beta1));
        Hyperparameters.RequireFraction(beta2, nameof(beta2));
        Hyperparameters.RequirePositive(epsilon, nameof(epsilon));
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        AmsGrad = amsGrad;
        _firstMoment = new float[parameterCount];
        _secondMoment = new float[parameterCount];
        _maxSecondMoment = amsGrad ? new float[parameterCount] : [];
    }

    public float Beta1 { get; }
    public float Beta2 { get; }
    public float Epsilon { get; }
    public bool AmsGrad { get; }

    /// <summary>
    /// One Adam step number <paramref name="step"/> (1-based), with L2 coefficient λ₂ and parameter factor <paramref name="decay"/>:
    /// computed and checked (<paramref name="commit"/> false: returns whether every new parameter and moment is finite,
    /// writing nothing), or committed.
    /// </summary>
    public bool Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step, float learningRate, float l2, float decay, bool commit)
    {
        // Bias corrections in double, as PyTorch computes them with Python floats.
        double correction1 = 1.0 - Math.Pow(Beta1, step);
        double correction2 = 1.0 - Math.Pow(Beta2, step);
        var c = new Coefficients(this, l2, decay, stepSize: (float)(learningRate / correction1), rootCorrection2: (float)Math.Sqrt(correction2));

        Span<Vector<float>> p = VectorLanes.Body(parameters);
        ReadOnlySpan<Vector<float>> g = VectorLanes.Body(gradients);
        Span<Vector<float>> m = VectorLanes.Body(_firstMoment.AsSpan());
        Span<Vector<float>> v = VectorLanes.Body(_secondMoment.AsSpan());
        Span<Vector<float>> vMax = VectorLanes.Body(_maxSecondMoment.AsSpan());
        Vector<float> check = Vector<float>.Zero;
        for (int i = 0; i < p.Length; i++)
        {
            Vector<float> pi = p[i], mi = m[i], vi = v[i];
            Vector<float> vMaxI = c.AmsGrad ? vMax[i] : default;
            Lane(ref pi, g[i], ref mi, ref vi, ref vMaxI, c);
            if (commit)
            {
                p[i] = pi;
                m[i] = mi;
                v[i] = vi;
                if (c.AmsGrad) vMax[i] = vMaxI;
            }
            else
            {
                check = VectorLanes.Fold(VectorLanes.Fold(VectorLanes.Fold(VectorLanes.Fold(check, pi), mi), vi), vMaxI);
            }
        }

        int tail = VectorLanes.TailStart(parameters.Length);
        if (tail == parameters.Length)
            return commit || VectorLanes.AllFinite(check);
        int count = parameters.Length - tail;
        Vector<float> pt = VectorLanes.Load(parameters[tail..]);
        Vector<float> mt = VectorLanes.Load(_firstMoment.AsSpan(tail));
        Vector<float> vt = VectorLanes.Load(_secondMoment.AsSpan(tail));
        Vector<float> vMaxT = c.AmsGrad ? VectorLanes.Load(_maxSecondMoment.AsSpan(tail)) : default;
        Lane(ref pt, VectorLanes.Load(gradients[tail..]), ref mt, ref vt, ref vMaxT, c);
        if (!commit)
        {
            return VectorLanes.AllFinite(check) && VectorLanes.TailFinite(pt, count) && VectorLanes.TailFinite(mt, count)
                && VectorLanes.TailFinite(vt, count) && VectorLanes.TailFinite(vMaxT, count);
        }
        VectorLanes.Store(pt, parameters[tail..]);
        VectorLanes.Store(mt, _firstMoment.AsSpan(tail));
        VectorLanes.Store(vt, _secondMoment.AsSpan(tail));
        if (c.AmsGrad) VectorLanes.Store(vMaxT, _maxSecondMoment.AsSpan(tail));
        return true;
    }

    public void Reset()
    {
        Array.Clear(_firstMoment);
        Array.Clear(_secondMoment);
        Array.Clear(_maxSecondMoment);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lane(ref Vector<float> p, Vector<float> g, ref Vector<float> m, ref Vector<float> v, ref Vector<float> vMax, in Coefficients c)
    {
        p *= c.Decay;
        Vector<float> d = g + p * c.L2;
        m = m * c.Beta1 + d * c.OneMinusBeta1;
        v = v * c.Beta2 + d * d * c.OneMinusBeta2;
        Vector<float> second = v;
        if (c.AmsGrad)
        {
            vMax = Vector.Max(vMax, v);
            second = vMax;
        }
        Vector<float> denominator = Vector.SquareRoot(second) / c.RootCorrection2 + c.Epsilon;
        p += m / denominator * c.NegativeStepSize;
    }

    private readonly struct Coefficients(AdamCore adam, float l2, float decay, float stepSize, float rootCorrection2)
    {
        public readonly Vector<float> Beta1 = new(adam.Beta1);
        public readonly Vector<float> OneMinusBeta1 = new(1f - adam.Beta1);
        public readonly Vector<float> Beta2 = new(adam.Beta2);
        public readonly Vector<float> OneMinusBeta2 = new(1f - adam.Beta2);
        public readonly Vector<float> Epsilon = new(adam.Epsilon);
        public readonly Vector<float> L2 = new(l2);
        public readonly Vector<float> Decay = new(decay);
        public readonly Vector<float> NegativeStepSize = new(-stepSize);
        public readonly Vector<float> RootCorrection2 = new(rootCorrection2);
        public readonly bool AmsGrad = adam.AmsGrad;
    }
}
