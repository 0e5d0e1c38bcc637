using System.Diagnostics;

namespace RnnGen.Training;

/// <summary>
/// Seeded, reproducible initialisation of a model's parameters, driven by the PyTorch <c>state_dict</c> names and shapes
/// in <see cref="IParameterSet.ParameterTensors"/>.
/// </summary>
/// <remarks>
/// Each tensor draws from its own <see cref="SeededRandom"/> stream, seeded from the seed and the tensor's name, so a
/// tensor's values depend only on (seed, name, shape, scheme), not on its offset or on the other tensors. (Models with
/// an embedding or a head name their recurrent tensors <c>rnn.…</c>, so those do change with the prefix.)
/// The numbers are the same on every platform and .NET version, but are not PyTorch's (its generator differs); the
/// distributions are. Recurrent layer sizes come from the shapes (see the remarks on <see cref="Apply(Span{float}, IReadOnlyList{ParameterTensor}, InitScheme, ulong)"/>).
/// </remarks>
public static class Initializer
{
    /// <summary>Initialises every tensor of <paramref name="model"/>'s <see cref="IParameterSet.Parameters"/> (and re-quantizes an <see cref="IQuantizedModel"/>'s copies); gradients and state are not touched.</summary>
    /// <exception cref="ArgumentException">A tensor's name or shape does not say how to initialise it (nothing is written then).</exception>
    public static void Apply(IParameterSet model, InitScheme scheme, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        Apply(model.Parameters, model.ParameterTensors, scheme, seed);
        // A low-precision model runs copies of its weights: make them from the new values.
        if (model is IQuantizedModel quantized) quantized.QuantizeWeights();
    }

    /// <summary>Initialises the tensors <paramref name="tensors"/> describe within <paramref name="parameters"/>.</summary>
    /// <remarks>
    /// Names are read as PyTorch writes them. Recurrent tensors are <c>weight_ih_l{k}</c>, <c>weight_hh_l{k}</c>,
    /// <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c> and <c>weight_hr_l{k}</c> (with an optional <c>_reverse</c> and module prefix
    /// such as <c>rnn.</c>); each layer's hidden size H is the column count of <c>weight_hr</c> if present, else of
    /// <c>weight_hh</c>, and its gate count G = rows(<c>weight_hh</c>) / H must be 1, 3 or 4 (RNN, GRU, LSTM).
    /// <c>embedding.weight</c> is N(0, 1); any other <c>module.weight</c> [out, in] and <c>module.bias</c> [out] is a linear layer with fan_in = in.
    /// </remarks>
    /// <exception cref="ArgumentException">A name or shape does not fit these rules, a tensor lies outside <paramref name="parameters"/>, or the scheme holds an undefined rule (nothing is written then).</exception>
    public static void Apply(Span<float> parameters, IReadOnlyList<ParameterTensor> tensors, InitScheme scheme, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(scheme);
        Validate(scheme);

        // Read and check everything first, so that a bad layout leaves the parameters as they were.
        var roles = new ParameterRole[tensors.Count];
        var linearFanIn = new Dictionary<string, int>();
        for (int i = 0; i < tensors.Count; i++)
        {
            ParameterTensor t = tensors[i];
            if (t.Offset < 0 || t.Offset > parameters.Length - t.Length)
                throw new ArgumentException($"'{t.Name}' {t.ShapeText} at offset {t.Offset} does not fit in {parameters.Length} parameters.", nameof(tensors));
            roles[i] = ParameterRole.Of(t);
            if (roles[i].Kind == ParameterKind.LinearWeight)
                linearFanIn[roles[i].Group] = t.ShapeSpan[1];
        }
        for (int i = 0; i < tensors.Count; i++)
        {
            if (roles[i].Kind == ParameterKind.LinearBias && !linearFanIn.ContainsKey(roles[i].Group))
                throw new ArgumentException($"'{tensors[i].Name}' has no '{roles[i].Group}weight' to take its fan-in from.", nameof(tensors));
        }
        Dictionary<string, RecurrentLayerShape> layers = RecurrentLayerShape.Infer(tensors, roles);

        for (int i = 0; i < tensors.Count; i++)
        {
            ParameterTensor t = tensors[i];
            Span<float> values = parameters.Slice(t.Offset, t.Length);
            var random = new SeededRandom(seed ^ NameHash(t.Name));
            ParameterRole role = roles[i];
            switch (role.Kind)
            {
                case ParameterKind.Embedding:
                    foreach (ref float v in values) v = (float)random.NextNormal();
                    break;
                case ParameterKind.LinearWeight:
                    FillWeight(values, t.ShapeSpan[0], t.ShapeSpan[1], blocks: 1, scheme.HeadWeights, defaultBound: 1.0 / Math.Sqrt(t.ShapeSpan[1]), random);
                    break;
                case ParameterKind.LinearBias:
                    FillBias(values, scheme.HeadBiases, defaultBound: 1.0 / Math.Sqrt(linearFanIn[role.Group]), random);
                    break;
                case ParameterKind.InputWeight or ParameterKind.RecurrentWeight or ParameterKind.ProjectionWeight:
                    RecurrentLayerShape layer = layers[role.Group];
                    WeightInit rule = role.Kind switch
                    {
                        ParameterKind.InputWeight => scheme.InputWeights,
                        ParameterKind.RecurrentWeight => scheme.RecurrentWeights,
                        _ => scheme.ProjectionWeights,
                    };
                    int blocks = role.Kind == ParameterKind.ProjectionWeight ? 1 : layer.Gates;
                    FillWeight(values, t.ShapeSpan[0] / blocks, t.ShapeSpan[1], blocks, rule, defaultBound: 1.0 / Math.Sqrt(layer.HiddenSize), random);
                    break;
                default: // InputBias, RecurrentBias
                    RecurrentLayerShape biasLayer = layers[role.Group];
                    FillBias(values, scheme.RecurrentBiases, defaultBound: 1.0 / Math.Sqrt(biasLayer.HiddenSize), random);
                    if (role.Kind == ParameterKind.InputBias && biasLayer.Gates == 4 && scheme.ForgetGateBias != 0f)
                    {
                        // LSTM gate order is (i, f, g, o): the forget gate owns rows [H, 2H).
                        foreach (ref float v in values.Slice(biasLayer.HiddenSize, biasLayer.HiddenSize))
                            v += scheme.ForgetGateBias;
                    }
                    break;
            }
        }
    }

    /// <summary>Fills <paramref name="blocks"/> stacked [rows × cols] blocks by <paramref name="rule"/>.</summary>
    private static void FillWeight(Span<float> values, int rows, int cols, int blocks, WeightInit rule, double defaultBound, SeededRandom random)
    {
        switch (rule)
        {
            case WeightInit.Default:
                FillUniform(values, defaultBound, random);
                break;
            case WeightInit.XavierUniform:
                FillUniform(values, Math.Sqrt(6.0 / (rows + cols)), random);
                break;
            case WeightInit.Orthogonal:
                for (int b = 0; b < blocks; b++)
                    OrthogonalMatrix.Fill(values.Slice(b * rows * cols, rows * cols), rows, cols, random);
                break;
            default:
                throw new UnreachableException(); // Validate rejected unknown rules
        }
    }

    private static void FillBias(Span<float> values, BiasInit rule, double defaultBound, SeededRandom random)
    {
        switch (rule)
        {
            case BiasInit.Default:
                FillUniform(values, defaultBound, random);
                break;
            case BiasInit.Zeros:
                values.Clear();
                break;
            default:
                throw new UnreachableException();
        }
    }

    private static void FillUniform(Span<float> values, double bound, SeededRandom random)
    {
        foreach (ref float v in values)
            v = random.NextUniform(-(float)bound, (float)bound);
    }

    private static void Validate(InitScheme scheme)
    {
        foreach (WeightInit rule in (ReadOnlySpan<WeightInit>)[scheme.InputWeights, scheme.RecurrentWeights, scheme.ProjectionWeights, scheme.HeadWeights])
        {
            if (!Enum.IsDefined(rule))
                throw new ArgumentOutOfRangeException(nameof(scheme), rule, "Unknown weight initialisation.");
        }
        foreach (BiasInit rule in (ReadOnlySpan<BiasInit>)[scheme.RecurrentBiases, scheme.HeadBiases])
        {
            if (!Enum.IsDefined(rule))
                throw new ArgumentOutOfRangeException(nameof(scheme), rule, "Unknown bias initialisation.");
        }
        if (!float.IsFinite(scheme.ForgetGateBias))
            throw new ArgumentOutOfRangeException(nameof(scheme), scheme.ForgetGateBias, "The forget-gate bias must be finite.");
    }

    /// <summary>FNV-1a over the name's UTF-16 code units: a stable per-tensor stream id (string.GetHashCode is randomised per process).</summary>
    private static ulong NameHash(string name)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in name)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
