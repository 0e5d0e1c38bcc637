using System.Diagnostics;
using System.Globalization;
using System.Text;
using RnnGen;
using RnnGen.Training;

namespace CrowdSample;

/// <summary>The agents' policy: observation (8 floats) → velocity (2 floats in [−1, 1], × the top speed), every frame.</summary>
[RecurrentModel(InputSize = Arena.Observation, SequenceLength = 40)]
[Lstm(32)]
[Dense(2, Activation.Tanh, Over = Steps.Every)]
public partial class CrowdPolicy { }

/// <summary>Settings of a run; the defaults are what the README command runs.</summary>
public sealed record CrowdOptions
{
    public int Agents { get; init; } = 300;
    public int Frames { get; init; } = 300;
    public int Threads { get; init; } = 1;
    public int Epochs { get; init; } = 40;
    public ulong Seed { get; init; } = 7;
    public string OutputDirectory { get; init; } = Directory.GetCurrentDirectory();
    public bool Help { get; init; }

    public const string Usage = """
        Crowd: a headless game loop of agents steering to goals around obstacles, all decided by one batched LSTM Step per frame.
        The policy is trained on the device by imitating a scripted expert, then checked against it in the same arena.

        Options:
          --agents N     agents in the arena (1 to 65536, default 300)
          --frames N     frames of the game loop (default 300: 5 s at 60 fps)
          --threads K    threads the batched Step uses (default 1)
          --epochs N     training epochs (default 40)
          --seed N       seed of the arena, the training data and the spawns (default 7)
          --out DIR      where crowd.svg goes (default: the current directory)
          --help         this text

        Exit code 0 when the policy reaches at least 60% of the expert's goals, touching obstacles in at most 8 percentage
        points more of its agent-frames than the expert does; 1 when it does not; 2 for bad arguments.
        """;

    public static CrowdOptions Parse(string[] args)
    {
        var options = new CrowdOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value. Run with --help for the options.");
            int Positive(string name, int max)
            {
                string text = Next();
                return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 1 && v <= max
                    ? v : throw new ArgumentException($"{name} must be an integer from 1 to {max}, not '{text}'.");
            }
            options = args[i] switch
            {
                "--agents" => options with { Agents = Positive("--agents", RnnGen.Batching.RecurrentBatch.MaxCapacity) },
                "--frames" => options with { Frames = Positive("--frames", 1_000_000) },
                "--threads" => options with { Threads = Positive("--threads", RnnGen.Batching.BatchThreads.MaxThreads) },
                "--epochs" => options with { Epochs = Positive("--epochs", 10_000) },
                "--seed" => options with { Seed = ulong.Parse(Next(), CultureInfo.InvariantCulture) },
                "--out" => options with { OutputDirectory = Next() },
                "--help" or "-h" => options with { Help = true },
                _ => throw new ArgumentException($"Unknown option {args[i]}. Run with --help for the options."),
            };
        }
        return options;
    }
}

/// <summary>What a run measured.</summary>
public sealed record CrowdReport(int PolicyGoals, int ExpertGoals, double PolicyContactRate, double StepMicrosecondsP50, double FrameMicrosecondsP50, string SvgPath, bool Passed);

/// <summary>
/// Imitation learning and a game loop on the batched runtime: the expert drives agents to collect (observation, velocity)
/// sequences; <see cref="BatchTrainer"/> fits the LSTM policy on mini-batches of 32; then every frame all agents'
/// observations go through one <see cref="CrowdPolicy.Batch"/> Step. Agents that reach their goal leave the batch and
/// new ones join (slots come and go without allocation).
/// </summary>
public static class CrowdDemo
{
    private const int Sequences = 512, MiniBatch = 32, T = CrowdPolicy.SequenceLength;
    private const double FrameBudgetMicroseconds = 1e6 / 60;

    public static CrowdReport Run(CrowdOptions options, TextWriter output)
    {
        var arena = new Arena(options.Seed, obstacles: 14);
        output.WriteLine($"Crowd: {options.Agents} agents, {arena.Obstacles.Length} obstacles in a {Arena.Size}×{Arena.Size} arena; policy LSTM(32) → Dense(2, tanh), {CrowdPolicy.ParameterCount} parameters");
        var policy = Train(arena, options, output);

        var (expertGoals, _, expertContacts, _) = Play(arena, options, policy: null, output: null);
        using var batch = new CrowdPolicy.Batch(policy, options.Agents) { Threads = options.Threads };
        output.WriteLine();
        output.WriteLine($"Game loop: {options.Frames} frames, one batched Step per frame for every agent ({batch.Path} path, {options.Threads} thread(s)); budget of a 60 fps frame: {FrameBudgetMicroseconds:0} µs");
        var (goals, frames, contacts, trails) = Play(arena, options, batch, output);

        double contactRate = contacts / (double)(options.Frames * options.Agents), expertRate = expertContacts / (double)(options.Frames * options.Agents);
        double stepP50 = Median(frames.Select(f => f.Step)), frameP50 = Median(frames.Select(f => f.Frame));
        string svg = Path.Combine(options.OutputDirectory, "crowd.svg");
        Directory.CreateDirectory(options.OutputDirectory);
        File.WriteAllText(svg, Svg(arena, trails));
        bool passed = goals >= 0.6 * expertGoals && contactRate <= expertRate + 0.08;
        output.WriteLine();
        output.WriteLine($"Decisions: batched Step p50 {stepP50:0.0} µs for {options.Agents} agents ({1000 * stepP50 / options.Agents:0} ns per agent), whole frame p50 {frameP50:0.0} µs = {100 * frameP50 / FrameBudgetMicroseconds:0.0}% of a 60 fps frame");
        output.WriteLine($"Goals reached: policy {goals}, scripted expert {expertGoals} ({(expertGoals == 0 ? 0 : 100.0 * goals / expertGoals):0}%); obstacle contacts in {100 * contactRate:0.00}% of agent-frames (expert {100 * expertRate:0.00}%)");
        output.WriteLine($"Arena picture: {svg}");
        output.WriteLine(passed ? "PASS" : "FAIL (needs ≥ 60% of the expert's goals, and obstacle contacts in at most 8 points more of the agent-frames than the expert's)");
        return new CrowdReport(goals, expertGoals, contactRate, stepP50, frameP50, svg, passed);
    }

    /// <summary>Expert rollouts (40 frames each, a new goal whenever one is reached), then imitation by mini-batches.</summary>
    private static CrowdPolicy Train(Arena arena, CrowdOptions options, TextWriter output)
    {
        var random = new SeededRandom(options.Seed + 1);
        var inputs = new float[Sequences * T * Arena.Observation];
        var targets = new float[Sequences * T * 2];
        for (int s = 0; s < Sequences; s++)
        {
            var agent = Spawn(arena, random);
            for (int t = 0; t < T; t++)
            {
                Span<float> o = inputs.AsSpan((s * T + t) * Arena.Observation, Arena.Observation);
                arena.Observe(agent, o);
                var (vx, vy) = Arena.Expert(o);
                targets[(s * T + t) * 2] = vx;
                targets[(s * T + t) * 2 + 1] = vy;
                arena.Move(ref agent, vx, vy);
                if (Arena.Distance(agent.X, agent.Y, agent.GoalX, agent.GoalY) < Arena.GoalRadius)
                    (agent.GoalX, agent.GoalY) = arena.FreePoint(random);
            }
        }
        var policy = new CrowdPolicy();
        Initializer.Apply(policy, InitScheme.PyTorchDefault, options.Seed);
        var trainer = new BatchTrainer(new CrowdPolicy.Batch(policy, MiniBatch), new Adam(CrowdPolicy.ParameterCount, learningRate: 0.01f),
            new TrainerOptions { Loss = TrainingLoss.MeanSquaredError, ClipNorm = 1f });
        output.WriteLine($"Imitation: {Sequences} expert sequences of {T} frames, mini-batches of {MiniBatch} through one batched Forward/Backward, MSE, Adam, {options.Epochs} epochs");
        var watch = Stopwatch.StartNew();
        int perSequence = T * Arena.Observation;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            double loss = 0;
            for (int b = 0; b < Sequences / MiniBatch; b++)
                loss += trainer.Train(inputs.AsSpan(b * MiniBatch * perSequence, MiniBatch * perSequence), targets.AsSpan(b * MiniBatch * T * 2, MiniBatch * T * 2), MiniBatch).Loss;
            if (epoch == 1 || epoch % 10 == 0 || epoch == options.Epochs)
                output.WriteLine($"  epoch {epoch,3}  MSE {loss / (Sequences / MiniBatch):0.0000}  ({watch.Elapsed.TotalSeconds:0.0} s)");
        }
        return policy;
    }

    private static Agent Spawn(Arena arena, SeededRandom random)
    {
        var (x, y) = arena.FreePoint(random);
        var (gx, gy) = arena.FreePoint(random);
        return new Agent { X = x, Y = y, GoalX = gx, GoalY = gy };
    }

    /// <summary>
    /// The game loop: the expert (when <paramref name="policy"/> is null) or the batch decides every agent each frame.
    /// Returns the goals reached, per-frame timings, contacts and the first agents' trails.
    /// </summary>
    private static (int Goals, List<(double Step, double Frame)> Frames, int Contacts, List<List<(float X, float Y)>> Trails) Play(
        Arena arena, CrowdOptions options, CrowdPolicy.Batch? policy, TextWriter? output)
    {
        var random = new SeededRandom(options.Seed + 2);
        var agents = new Agent[options.Agents];
        var trails = new List<List<(float X, float Y)>>();
        var trailOfSlot = new int[options.Agents];
        for (int i = 0; i < options.Agents; i++)
        {
            int slot = policy?.Add() ?? i;
            agents[slot] = Spawn(arena, random);
            trailOfSlot[slot] = trails.Count < 24 ? trails.Count : -1;
            if (trailOfSlot[slot] >= 0) trails.Add([(agents[slot].X, agents[slot].Y)]);
        }
        var inputs = new float[options.Agents * Arena.Observation];
        var outputs = new float[options.Agents * 2];
        var frames = new List<(double, double)>(options.Frames);
        int goals = 0, contacts = 0;
        for (int frame = 0; frame < options.Frames; frame++)
        {
            long start = Stopwatch.GetTimestamp();
            int count = policy?.Count ?? options.Agents;
            for (int r = 0; r < count; r++)
            {
                int slot = policy?.ActiveSlots[r] ?? r;
                arena.Observe(agents[slot], inputs.AsSpan(r * Arena.Observation, Arena.Observation));
            }
            long decided = Stopwatch.GetTimestamp();
            if (policy is not null)
            {
                policy.Step(inputs, outputs);
            }
            else
            {
                for (int r = 0; r < count; r++)
                    (outputs[2 * r], outputs[2 * r + 1]) = Arena.Expert(inputs.AsSpan(r * Arena.Observation, Arena.Observation));
            }
            long stepped = Stopwatch.GetTimestamp();
            int arrived = 0;
            for (int r = count - 1; r >= 0; r--)
            {
                int slot = policy?.ActiveSlots[r] ?? r;
                if (arena.Move(ref agents[slot], outputs[2 * r], outputs[2 * r + 1])) contacts++;
                if (trailOfSlot[slot] >= 0) trails[trailOfSlot[slot]].Add((agents[slot].X, agents[slot].Y));
                if (Arena.Distance(agents[slot].X, agents[slot].Y, agents[slot].GoalX, agents[slot].GoalY) >= Arena.GoalRadius) continue;
                arrived++;
                // The agent leaves and a new one joins at a free point: its slot may differ, its state starts at zero.
                int trail = trailOfSlot[slot];
                if (policy is not null)
                {
                    policy.Remove(slot);
                    slot = policy.Add();
                }
                agents[slot] = Spawn(arena, random);
                trailOfSlot[slot] = trail;
                if (trail >= 0) trails[trail].Add((float.NaN, float.NaN));
            }
            goals += arrived;
            long end = Stopwatch.GetTimestamp();
            double stepUs = (stepped - decided) * 1e6 / Stopwatch.Frequency, frameUs = (end - start) * 1e6 / Stopwatch.Frequency;
            frames.Add((stepUs, frameUs));
            output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"frame {frame,4}  agents decided {count,5}  step {stepUs,7:0.0} µs  frame {frameUs,7:0.0} µs  {100 * frameUs / FrameBudgetMicroseconds,5:0.0}% of 60 fps  goals {goals,4}"));
        }
        return (goals, frames, contacts, trails);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
    }

    /// <summary>The arena: obstacles, and the trails of the first agents (a gap where one reached its goal and a new one joined).</summary>
    private static string Svg(Arena arena, List<List<(float X, float Y)>> trails)
    {
        var svg = new StringBuilder();
        string F(float v) => (v * 6).ToString("0.0", CultureInfo.InvariantCulture);
        svg.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{F(Arena.Size)}\" height=\"{F(Arena.Size)}\" viewBox=\"0 0 {F(Arena.Size)} {F(Arena.Size)}\">");
        svg.AppendLine($"<rect width=\"{F(Arena.Size)}\" height=\"{F(Arena.Size)}\" fill=\"#fbfbf8\" stroke=\"#333\"/>");
        foreach (var o in arena.Obstacles)
            svg.AppendLine($"<circle cx=\"{F(o.X)}\" cy=\"{F(o.Y)}\" r=\"{F(o.R)}\" fill=\"#9aa0a6\"/>");
        string[] colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
        for (int i = 0; i < trails.Count; i++)
        {
            var path = new StringBuilder();
            bool pen = false;
            foreach (var (x, y) in trails[i])
            {
                if (float.IsNaN(x)) { pen = false; continue; }
                path.Append(pen ? " L" : " M").Append(F(x)).Append(' ').Append(F(y));
                pen = true;
            }
            svg.AppendLine($"<path d=\"{path}\" fill=\"none\" stroke=\"{colours[i % colours.Length]}\" stroke-width=\"2\" opacity=\"0.8\"/>");
        }
        svg.AppendLine("</svg>");
        return svg.ToString();
    }
}
