namespace RnnGen.IntegrationTests;

/// <summary>The PyTorch conformance cases (tests/RnnGen.Generator.Tests/Cases) that the vector-path tests run.</summary>
internal static class ConformanceCases
{
    /// <summary>
    /// Cases whose hidden sizes are multiples of 8 (8, 32 and 64, one and two layers, bidirectional, heads): the ones the
    /// row-block cells serve on every vector width.
    /// </summary>
    public static readonly string[] RowBlock =
    [
        "lstm_head_many_to_one", "lstm_head_many_to_many", "lstm_L2_head_many_to_many", "lstm_medium_L1_uni_bias", "lstm_medium_L2_bi_bias", "lstm_wide_L1_uni_bias",
        "gru_head_many_to_one", "gru_bi_head_many_to_many", "gru_medium_L1_uni_bias", "gru_medium_L2_bi_bias", "gru_wide_L1_uni_bias",
        "rnn_tanh_medium_L2_uni_bias", "rnn_relu_medium_L2_uni_bias",
    ];

    /// <summary>
    /// Cases off the vector grid (H = 13 with I = 7, H = I = 1) and LSTM with projection: the shapes issue 13 moves from
    /// the fallback onto the vector paths (masked tails, projection).
    /// </summary>
    public static readonly string[] OffGrid =
    [
        "lstm_odd_L1_bi_bias", "lstm_odd_L3_uni_nobias", "lstm_tiny_L1_uni_bias", "lstm_proj_small_L1_uni_bias", "lstm_proj_small_L2_bi_bias",
        "gru_odd_L1_bi_bias", "gru_odd_L3_uni_nobias", "gru_tiny_L1_uni_bias",
        "rnn_tanh_odd_L3_uni_nobias", "rnn_relu_odd_L1_bi_bias",
    ];

    /// <summary>
    /// One case of each off-grid kind (odd H for each cell, LSTM with projection, H = 1), for runs under emulation,
    /// where every case costs seconds.
    /// </summary>
    public static readonly string[] OffGridSample = ["lstm_odd_L1_bi_bias", "lstm_proj_small_L1_uni_bias", "gru_odd_L1_bi_bias", "gru_tiny_L1_uni_bias", "rnn_tanh_odd_L3_uni_nobias"];

    /// <summary>The directory of each named case, wherever it lives under Cases/ (shared/ or extra/).</summary>
    public static string[] Directories(IEnumerable<string> names)
    {
        string root = Repository.Path("tests", "RnnGen.Generator.Tests", "Cases");
        return names.Select(name => Directory.GetDirectories(root, name, SearchOption.AllDirectories).Single()).ToArray();
    }

    /// <summary>The low-precision cases (<c>rnngen-quant-case/1</c>: LSTM and GRU, H 32 to 128, int8 and bf16 kernels and rounded copies).</summary>
    public static string QuantDirectory => Repository.Path("tests", "RnnGen.Generator.Tests", "Cases", "quant");

    /// <summary>
    /// The environment the path tests run the rnngen tool in: <paramref name="variables"/>, with profile-guided
    /// optimisation off. Each run JIT-compiles Roslyn to compile its models, and compiling Roslyn's hot methods again with
    /// instrumentation took a third of a verify's CPU time; the generated cells are compiled optimised at once
    /// (AggressiveOptimization), without a profile either way.
    /// </summary>
    public static Dictionary<string, string> ToolEnvironment(params (string Name, string Value)[] variables)
    {
        var environment = variables.ToDictionary(v => v.Name, v => v.Value);
        environment["DOTNET_TieredPGO"] = "0";
        return environment;
    }

    /// <summary>
    /// Runs <c>rnngen verify</c> (<paramref name="cli"/>, a RnnGen.Cli.dll) over <paramref name="directories"/> (all the
    /// quant cases when null) in int8 and in bf16, in <paramref name="environment"/>, and asserts every case passes.
    /// </summary>
    public static void VerifyQuantCases(string cli, IReadOnlyDictionary<string, string> environment, string where, string[]? directories = null)
    {
        string[] cases = directories ?? Directory.GetDirectories(QuantDirectory).Order(StringComparer.Ordinal).ToArray();
        foreach (string precision in new[] { "int8", "bf16" })
        {
            var low = ProcessRunner.Run("dotnet", [cli, "verify", .. cases, "--precision", precision], Repository.Root, TimeSpan.FromMinutes(5), environment)
                .AssertSuccess($"rnngen verify --precision {precision} {where}");
            Assert.EndsWith($"{cases.Length} passed, 0 failed", low.Output.TrimEnd());
        }
    }

    /// <summary>A small model with a Step and <see cref="TwoLayerModelLayers"/> layers (LSTM 4→8→8, a head on every step), so
    /// a path test sees a line per layer; small enough to bench under emulation.</summary>
    public static string TwoLayerModel => Model("lstm_L2_head_many_to_many");

    public const int TwoLayerModelLayers = 2;

    private static string Model(string name) => Path.Combine(Directories([name])[0], "model.safetensors");
}
