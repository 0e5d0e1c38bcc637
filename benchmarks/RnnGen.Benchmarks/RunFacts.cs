using System.Globalization;
using System.Text.Json;

namespace RnnGen.Benchmarks;

/// <summary>What one run of benchmarks/run.sh measured outside BenchmarkDotNet, and how it was run.</summary>
public sealed record RunFacts(string Command, bool Quick, string LoadAtStart, PyTorchTimings? PyTorch, RtNeuralTimings? RtNeural, PeerStatus Peers);

/// <summary>Why a peer is missing from this run (null: it ran), and the ONNX Runtime models whose outputs differed.</summary>
public sealed record PeerStatus(string? NoOnnxReason, string? NoRtNeuralReason)
{
    public IReadOnlyList<string> OnnxMismatches { get; init; } = [];
}

/// <summary>PyTorch float32 timings measured by pytorch_train_step.py (median ns, one thread).</summary>
public sealed record PyTorchTimings(string Version, double LstmTrainStepNs, double GruTrainStepNs, double LstmForwardNs, double GruForwardNs)
{
    public static PyTorchTimings Read(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        return new(root.GetProperty("torch").GetString() ?? "?", root.GetProperty("lstm_train_step_ns").GetDouble(),
            root.GetProperty("gru_train_step_ns").GetDouble(), root.GetProperty("lstm_forward_ns").GetDouble(), root.GetProperty("gru_forward_ns").GetDouble());
    }
}

/// <summary>
/// The RTNeural comparison of benchmarks/rtneural/run.sh: median ns per Step of every process it ran, RTNeural's
/// (per backend) and RnnGen's (<see cref="Peers.PeerTiming"/>: the model's Step and its inference copy's) interleaved, and
/// how RTNeural was built. File format: <c># key value</c> lines, then <c>rtneural MODEL NS BACKEND</c>,
/// <c>rnngen MODEL NS</c> (backend <c>rnngen</c>) and <c>rnngen MODEL NS inference</c> (backend <c>inference</c>), one per process.
/// </summary>
public sealed record RtNeuralTimings(IReadOnlyDictionary<string, string> Facts, IReadOnlyList<(string Side, string Model, double Ns, string Backend)> Runs)
{
    public static RtNeuralTimings Read(string path)
    {
        var facts = new Dictionary<string, string>();
        var runs = new List<(string, string, double, string)>();
        foreach (string line in File.ReadLines(path))
        {
            if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                string[] kv = line[2..].Split(' ', 2);
                facts[kv[0]] = kv.Length > 1 ? kv[1] : "";
                continue;
            }
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 3 && f[0] is "rtneural" or "rnngen")
                runs.Add((f[0], f[1], double.Parse(f[2], CultureInfo.InvariantCulture), f.Length > 3 ? f[3] : StepBackend));
        }
        return new(facts, runs);
    }

    /// <summary>The backends of RnnGen's lines: the model's Step, and its inference copy's.</summary>
    public const string StepBackend = "rnngen", InferenceBackend = Peers.PeerTiming.Inference;

    public string Fact(string key) => Facts.TryGetValue(key, out string? value) ? value : "?";

    /// <summary>The lowest median of one side (and backend) for a model: the best of the interleaved rounds.</summary>
    public double? Best(string model, string backend) =>
        Runs.Where(r => r.Model == model && r.Backend == backend).Select(r => (double?)r.Ns).Min();

    /// <summary>RTNeural's faster backend for a model, and its time.</summary>
    public (string Backend, double Ns)? BestRtNeural(string model) =>
        Runs.Where(r => r.Model == model && r.Side == "rtneural").OrderBy(r => r.Ns).Select(r => ((string, double)?)(r.Backend, r.Ns)).FirstOrDefault();

    public IEnumerable<string> Backends => Runs.Where(r => r.Side == "rtneural").Select(r => r.Backend).Distinct().Order();
}
