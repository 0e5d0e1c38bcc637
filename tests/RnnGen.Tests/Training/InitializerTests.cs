using RnnGen.Training;

namespace RnnGen.Tests.Training;

public class InitializerTests
{
    /// <summary>A token model with a 2-layer bidirectional GRU (I = 8, H = 5) and a linear head, named as a generated model names it.</summary>
    private static FakeModel TokenGru() => new(
        ("embedding.weight", [50, 8]),
        ("rnn.weight_ih_l0", [15, 8]), ("rnn.weight_hh_l0", [15, 5]), ("rnn.bias_ih_l0", [15]), ("rnn.bias_hh_l0", [15]),
        ("rnn.weight_ih_l0_reverse", [15, 8]), ("rnn.weight_hh_l0_reverse", [15, 5]), ("rnn.bias_ih_l0_reverse", [15]), ("rnn.bias_hh_l0_reverse", [15]),
        ("rnn.weight_ih_l1", [15, 10]), ("rnn.weight_hh_l1", [15, 5]), ("rnn.bias_ih_l1", [15]), ("rnn.bias_hh_l1", [15]),
        ("rnn.weight_ih_l1_reverse", [15, 10]), ("rnn.weight_hh_l1_reverse", [15, 5]), ("rnn.bias_ih_l1_reverse", [15]), ("rnn.bias_hh_l1_reverse", [15]),
        ("head.weight", [3, 10]), ("head.bias", [3]));

    /// <summary>nn.LSTM(3, 6, proj_size=2): H = 6, P = 2.</summary>
    private static FakeModel ProjectedLstm() => new(
        ("weight_ih_l0", [24, 3]), ("weight_hh_l0", [24, 2]), ("bias_ih_l0", [24]), ("bias_hh_l0", [24]), ("weight_hr_l0", [2, 6]));

    private static float MaxAbs(ReadOnlySpan<float> values)
    {
        float max = 0;
        foreach (float v in values) max = Math.Max(max, Math.Abs(v));
        return max;
    }

    /// <summary>
    /// Every |value| ≤ bound, and for 40 or more values the largest is within 20% of it, so a too-small bound fails too
    /// (uniform draws all miss that band with probability 0.8⁴⁰ ≈ 10⁻⁴).
    /// </summary>
    private static void AssertUniformBound(ReadOnlySpan<float> values, double bound, string what)
    {
        float max = MaxAbs(values);
        Assert.True(max <= (float)bound, $"{what}: max |w| = {max} exceeds {bound}");
        Assert.True(values.Length < 40 || max >= 0.8 * bound, $"{what}: max |w| = {max} is far below {bound}");
        Assert.True(max > 0, $"{what} is all zeros");
    }

    /// <summary>The Gram matrix AᵀA of a row-major [rows × cols] block, in double.</summary>
    private static double[,] Gram(ReadOnlySpan<float> a, int rows, int cols, bool ofRows = false)
    {
        int n = ofRows ? rows : cols;
        var g = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < (ofRows ? cols : rows); k++)
                    s += ofRows ? (double)a[i * cols + k] * a[j * cols + k] : (double)a[k * cols + i] * a[k * cols + j];
                g[i, j] = s;
            }
        return g;
    }

    private static void AssertScaledIdentity(double[,] g, double scale, string what)
    {
        for (int i = 0; i < g.GetLength(0); i++)
            for (int j = 0; j < g.GetLength(1); j++)
                NumericAssert.Close(i == j ? scale : 0, g[i, j], 2e-6, 0, $"{what}[{i},{j}]");
    }

    [Fact]
    public void SameSeedReproducesOtherSeedDiffersInEveryTensor()
    {
        FakeModel a = TokenGru(), b = TokenGru(), c = TokenGru();
        Initializer.Apply(a, InitScheme.PyTorchDefault, 1);
        Initializer.Apply(b, InitScheme.PyTorchDefault, 1);
        Initializer.Apply(c, InitScheme.PyTorchDefault, 2);

        Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());
        foreach (ParameterTensor t in a.ParameterTensors)
            Assert.NotEqual(a.Values(t.Name).ToArray(), c.Values(t.Name).ToArray());
    }

    [Fact]
    public void ValuesAreAPureFunctionOfSeedAndName()
    {
        FakeModel model = FakeModel.Lstm(3, 4);
        Initializer.Apply(model, InitScheme.PyTorchDefault, 12345);
        float[] pinned = model.Values("weight_hh_l0")[..4].ToArray();

        // The same tensor inside a larger model, at another offset, gets the same values.
        var larger = new FakeModel(("head.weight", [2, 4]), ("weight_ih_l0", [16, 3]), ("weight_hh_l0", [16, 4]), ("bias_ih_l0", [16]), ("bias_hh_l0", [16]));
        Initializer.Apply(larger, InitScheme.PyTorchDefault, 12345);
        Assert.Equal(model.Values("weight_hh_l0").ToArray(), larger.Values("weight_hh_l0").ToArray());

        // Pinned across versions, from TestData/training/seeded_random_reference.py (an independent Python version of the
        // documented recipe): xoshiro256** seeded with 12345 ^ FNV-1a("weight_hh_l0"), u ↦ (float)(−0.5 + u).
        Assert.Equal([0.3495507836341858f, 0.22557950019836426f, 0.1363210380077362f, -0.08603893220424652f], pinned);
    }

    [Fact]
    public void PyTorchDefaultUsesOneOverRootHForRecurrentAndFanInForLinear()
    {
        FakeModel lstm = FakeModel.Lstm(3, 4);
        Initializer.Apply(lstm, InitScheme.PyTorchDefault, 3);
        foreach (ParameterTensor t in lstm.ParameterTensors)
            AssertUniformBound(lstm.Values(t.Name), 0.5, t.Name);

        FakeModel gru = TokenGru();
        Initializer.Apply(gru, InitScheme.PyTorchDefault, 3);
        foreach (ParameterTensor t in gru.ParameterTensors.Where(t => t.Name.StartsWith("rnn.")))
            AssertUniformBound(gru.Values(t.Name), 1 / Math.Sqrt(5), t.Name);
        AssertUniformBound(gru.Values("head.weight"), 1 / Math.Sqrt(10), "head.weight");
        Assert.True(MaxAbs(gru.Values("head.bias")) <= (float)(1 / Math.Sqrt(10)));
        Assert.NotEqual(0f, MaxAbs(gru.Values("head.bias")));
    }

    [Fact]
    public void PyTorchDefaultProjectedLstmUsesHiddenSizeNotProjectionSize()
    {
        FakeModel model = ProjectedLstm();
        Initializer.Apply(model, InitScheme.PyTorchDefault, 4);
        foreach (ParameterTensor t in model.ParameterTensors)
            AssertUniformBound(model.Values(t.Name), 1 / Math.Sqrt(6), t.Name); // 1/√P = 0.71 would fail the upper bound
    }

    [Fact]
    public void EmbeddingIsStandardNormal()
    {
        FakeModel model = TokenGru();
        Initializer.Apply(model, InitScheme.XavierOrthogonal, 5);
        float[] e = model.Values("embedding.weight").ToArray();
        double mean = e.Average(v => (double)v);
        double variance = e.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, -0.2, 0.2);          // 400 samples: standard error 0.05
        Assert.InRange(variance, 0.75, 1.25);     // standard error 0.07
        Assert.True(MaxAbs(e) > 2, "400 standard normals should include one beyond ±2");
    }

    [Fact]
    public void XavierOrthogonalXavierBoundsAndZeroBiasesWithForgetOffset()
    {
        FakeModel model = FakeModel.Lstm(3, 4);
        Initializer.Apply(model, InitScheme.XavierOrthogonal, 6);

        AssertUniformBound(model.Values("weight_ih_l0"), Math.Sqrt(6.0 / (3 + 4)), "weight_ih_l0"); // per gate block: fan_out = H, not 4H
        float[] bias = model.Values("bias_ih_l0").ToArray();
        Assert.Equal([0f, 0f, 0f, 0f, 1f, 1f, 1f, 1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f], bias);
        Assert.All(model.Values("bias_hh_l0").ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void OrthogonalEachSquareGateBlockIsOrthogonal()
    {
        FakeModel model = FakeModel.Lstm(3, 4);
        Initializer.Apply(model, InitScheme.XavierOrthogonal, 7);
        Span<float> hh = model.Values("weight_hh_l0");

        for (int gate = 0; gate < 4; gate++)
        {
            ReadOnlySpan<float> block = hh.Slice(gate * 16, 16);
            AssertScaledIdentity(Gram(block, 4, 4), 1, $"gate {gate} QᵀQ");
            AssertScaledIdentity(Gram(block, 4, 4, ofRows: true), 1, $"gate {gate} QQᵀ");
        }
        // Orthogonal per block, not as a whole: the stacked [16 × 4] matrix has QᵀQ = Σ_gates I = 4I.
        AssertScaledIdentity(Gram(hh, 16, 4), 4, "stacked QᵀQ");
        Assert.NotEqual(hh[..16].ToArray(), hh.Slice(16, 16).ToArray());
    }

    [Fact]
    public void OrthogonalRectangularBlocksHaveOrthonormalColumnsOrRows()
    {
        FakeModel model = ProjectedLstm();
        Initializer.Apply(model, InitScheme.PyTorchDefault with { RecurrentWeights = WeightInit.Orthogonal, ProjectionWeights = WeightInit.Orthogonal, InputWeights = WeightInit.Orthogonal }, 8);

        Span<float> hh = model.Values("weight_hh_l0"); // 4 blocks [6 × 2]: orthonormal columns
        for (int gate = 0; gate < 4; gate++)
            AssertScaledIdentity(Gram(hh.Slice(gate * 12, 12), 6, 2), 1, $"weight_hh gate {gate} QᵀQ");
        Span<float> ih = model.Values("weight_ih_l0"); // 4 blocks [6 × 3]
        for (int gate = 0; gate < 4; gate++)
            AssertScaledIdentity(Gram(ih.Slice(gate * 18, 18), 6, 3), 1, $"weight_ih gate {gate} QᵀQ");
        AssertScaledIdentity(Gram(model.Values("weight_hr_l0"), 2, 6, ofRows: true), 1, "weight_hr QQᵀ"); // [2 × 6]: orthonormal rows
        AssertUniformBound(model.Values("bias_ih_l0"), 1 / Math.Sqrt(6), "bias_ih_l0");
    }

    [Fact]
    public void ForgetGateBiasOffsetsOnlyTheLstmForgetRowsOfBiasIh()
    {
        FakeModel plain = FakeModel.Lstm(3, 4), offset = FakeModel.Lstm(3, 4);
        Initializer.Apply(plain, InitScheme.PyTorchDefault, 9);
        Initializer.Apply(offset, InitScheme.PyTorchDefault with { ForgetGateBias = 1f }, 9);

        float[] before = plain.Values("bias_ih_l0").ToArray(), after = offset.Values("bias_ih_l0").ToArray();
        for (int r = 0; r < 16; r++)
            NumericAssert.Close(r is >= 4 and < 8 ? 1.0 : 0.0, after[r] - before[r], 1e-6, 0, $"bias_ih_l0[{r}] offset");
        Assert.Equal(plain.Values("bias_hh_l0").ToArray(), offset.Values("bias_hh_l0").ToArray());
        Assert.Equal(plain.Values("weight_ih_l0").ToArray(), offset.Values("weight_ih_l0").ToArray());

        // A GRU has no forget gate: the same scheme leaves it as drawn.
        FakeModel gruPlain = TokenGru(), gruOffset = TokenGru();
        Initializer.Apply(gruPlain, InitScheme.PyTorchDefault, 9);
        Initializer.Apply(gruOffset, InitScheme.PyTorchDefault with { ForgetGateBias = 1f }, 9);
        Assert.Equal(gruPlain.Parameters.ToArray(), gruOffset.Parameters.ToArray());
    }

    [Fact]
    public void VanillaRnnIsRecognisedWithOneGate()
    {
        var model = new FakeModel(("weight_ih_l0", [4, 3]), ("weight_hh_l0", [4, 4]), ("bias_ih_l0", [4]), ("bias_hh_l0", [4]));
        Initializer.Apply(model, InitScheme.XavierOrthogonal, 10);
        AssertScaledIdentity(Gram(model.Values("weight_hh_l0"), 4, 4), 1, "QᵀQ");
        Assert.All(model.Values("bias_ih_l0").ToArray(), v => Assert.Equal(0f, v)); // no forget gate, no offset
    }

    public static TheoryData<string, (string, int[])[]> BadLayouts => new()
    {
        { "mystery", [("weight_ih_l0", [16, 3]), ("weight_hh_l0", [16, 4]), ("mystery", [3])] },
        { "no matching weight_hh", [("weight_ih_l0", [16, 3]), ("bias_ih_l0", [16])] },
        { "G = 1 (RNN), 3 (GRU) or 4 (LSTM", [("weight_ih_l0", [8, 3]), ("weight_hh_l0", [8, 4])] },
        { "should have G·H = 4·4 = 16 rows", [("weight_ih_l0", [16, 3]), ("weight_hh_l0", [16, 4]), ("bias_ih_l0", [12])] },
        { "must have 1 dimension", [("weight_ih_l0", [16, 3]), ("weight_hh_l0", [16, 4]), ("bias_ih_l0", [4, 4])] },
        { "no 'head.weight'", [("head.bias", [3])] },
        { "weight_ih_lx", [("weight_ih_lx", [16, 3])] },
    };

    [Theory]
    [MemberData(nameof(BadLayouts))]
    public void UnreadableLayoutsThrowAndWriteNothing(string message, (string, int[])[] tensors)
    {
        var model = new FakeModel(tensors);
        model.Parameters.Fill(42f);

        var e = Assert.Throws<ArgumentException>(() => Initializer.Apply(model, InitScheme.PyTorchDefault, 1));

        Assert.Contains(message, e.Message);
        Assert.All(model.Parameters.ToArray(), v => Assert.Equal(42f, v));
    }

    [Fact]
    public void UndefinedSchemeValuesAreRejectedUpFront()
    {
        FakeModel model = FakeModel.Lstm(3, 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializer.Apply(model, InitScheme.PyTorchDefault with { HeadWeights = (WeightInit)9 }, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializer.Apply(model, InitScheme.PyTorchDefault with { ForgetGateBias = float.NaN }, 1));
        Assert.All(model.Parameters.ToArray(), v => Assert.Equal(0f, v));
    }
}
