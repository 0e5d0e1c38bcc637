using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RnnGen.Cli.Conformance;
using RnnGen.Cli.Inspection;
using RnnGen.Generator.Model;
using RnnGen.Weights;

namespace RnnGen.Cli.Commands;

/// <summary>
/// <c>rnngen bench MODEL.safetensors</c>: compiles exactly the model <c>inspect</c> infers, loads the weights, and times
/// each call of Step, Forward (a full window) and Backward: latency percentiles, bytes allocated per call and GFLOP/s
/// (multiply–adds of the matrix products counted as 2 FLOPs; element-wise work is not counted).
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "A safetensors file, as for inspect." };
        var iterations = new Option<int>("--iterations", "-n") { Description = "Timed calls of each method.", DefaultValueFactory = _ => 200 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed calls first (and at least one second of them), so the JIT has optimised the code.", DefaultValueFactory = _ => 50 };
        var batch = new Option<int>("--batch")
        {
            Description = $"Time the batched Step of N entities (the model's nested Batch, 1 to {Batching.RecurrentBatch.MaxCapacity}) instead: ns per entity-step, GFLOP/s, % of the FMA peak.",
        };
        var threads = new Option<int>("--threads") { Description = "Threads the batched Step uses (with --batch).", DefaultValueFactory = _ => 1 };
        iterations.Validators.Add(r => { if (r.GetValue(iterations) <= 0) r.AddError("--iterations must be positive"); });
        warmup.Validators.Add(r => { if (r.GetValue(warmup) < 0) r.AddError("--warmup must not be negative"); });
        batch.Validators.Add(r => { if (r.GetValue(batch) is < 0 or > Batching.RecurrentBatch.MaxCapacity) r.AddError($"--batch must be 1 to {Batching.RecurrentBatch.MaxCapacity}"); });
        threads.Validators.Add(r => { if (r.GetValue(threads) is < 1 or > Batching.BatchThreads.MaxThreads) r.AddError($"--threads must be 1 to {Batching.BatchThreads.MaxThreads}"); });
        var options = new ModelOptions();
        var command = new Command("bench", "Measure Step, Forward and Backward latency, allocations and GFLOP/s of a model.") { model, iterations, warmup, batch, threads };
        options.AddTo(command);
        command.SetAction(parse => CommandRunner.Run("bench", parse.InvocationConfiguration.Error, () => parse.GetValue(batch) > 0
            ? RunBatch(parse.GetValue(model)!, options.Read(parse, parse.GetValue(model)!), parse.GetValue(batch), parse.GetValue(threads), parse.GetValue(iterations), parse.GetValue(warmup), parse.InvocationConfiguration.Output)
            : Run(parse.GetValue(model)!, options.Read(parse, parse.GetValue(model)!), parse.GetValue(iterations), parse.GetValue(warmup), parse.InvocationConfiguration.Output)));
        return command;
    }

    /// <summary>One measured method: per-call times in nanoseconds, bytes allocated per call, FLOPs per call.</summary>
    internal sealed record Measurement(string Method, double[] Nanoseconds, double AllocatedBytes, double Flops)
    {
        public double Percentile(double p)
        {
            var sorted = Nanoseconds.Order().ToArray();
            return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        }
    }

    public static int Run(string path, InferenceOptions options, int iterations, int warmup, TextWriter output, int warmupMilliseconds = WarmupMilliseconds)
    {
        var (spec, instance) = Load(path, options);
        var results = Measure(instance, spec, iterations, warmup, warmupMilliseconds);
        output.WriteLine($"{spec.TypeName}: {Describe(spec)}; {instance.Parameters.Length:N0} parameters, T = {spec.SequenceLength}, {iterations} calls each after at least {warmup} warm-up calls and {warmupMilliseconds} ms");
        output.WriteLine($"{"",-9}{"p50",12}{"p90",12}{"p99",12}{"mean",12}{"alloc/call",12}{"GFLOP/s",10}");
        foreach (var m in results)
        {
            double median = m.Percentile(50);
            output.WriteLine($"{m.Method,-9}{Time(median),12}{Time(m.Percentile(90)),12}{Time(m.Percentile(99)),12}{Time(m.Nanoseconds.Average()),12}{m.AllocatedBytes.ToString("0", CultureInfo.InvariantCulture) + " B",12}{(m.Flops / median).ToString("0.00", CultureInfo.InvariantCulture),10}");
        }
        output.WriteLine("GFLOP/s at the median: matrix products only (2 FLOPs per multiply-add); Backward counts dW and dx products, 2x Forward's.");
        output.WriteLine($"Vector path: {VectorPath()}");
        return ExitCodes.Success;
    }

    /// <summary>
    /// <c>--batch N [--threads K]</c>: times the batched Step of N entities through the model's Batch and prints
    /// <c>batch N: X ns per entity-step, Y GFLOP/s (Z% of FMA peak)</c>, the peak being K threads × one core's FMA peak
    /// measured just before.
    /// </summary>
    public static int RunBatch(string path, InferenceOptions options, int entities, int threads, int iterations, int warmup, TextWriter output, int warmupMilliseconds = WarmupMilliseconds)
    {
        var (spec, instance) = Load(path, options);
        if (!spec.CanStep)
            throw new CommandException(ExitCodes.UnusableInput, $"{path}: the model has a bidirectional layer, so it has no Step to time; --batch times the batched Step");
        var type = instance.GetType().GetNestedType("Batch") ?? throw new InvalidOperationException("The generated model has no nested Batch class.");
        using var batch = (Batching.RecurrentBatch)Activator.CreateInstance(type, instance, entities)!;
        batch.Threads = threads;
        for (int e = 0; e < entities; e++) batch.Add();
        var random = new Random(12345);
        var inputs = new float[entities * spec.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)(random.NextDouble() * 2 - 1);
        var tokens = new int[entities];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = random.Next(Math.Max(1, instance.VocabularySize));
        var outputs = new float[entities * instance.OutputSize];
        Action step = batch switch
        {
            Batching.IStepBatch b => () => b.Step(inputs, outputs),
            Batching.ITokenStepBatch b => () => b.Step(tokens, outputs),
            _ => throw new InvalidOperationException("The batch has no Step."),
        };
        var (stepFlops, headFlops) = Flops(spec);
        double flops = entities * (stepFlops + headFlops);
        double peak = FmaPeak.GigaflopsPerCore() * threads;
        var m = Time("Step", step, iterations, warmup, warmupMilliseconds, flops);
        double median = m.Percentile(50), gigaflops = flops / median;
        output.WriteLine($"{spec.TypeName}: {Describe(spec)}; batched Step of {entities} entities on {threads} thread(s), path {batch.Path}, {iterations} calls after at least {warmup} warm-up calls and {warmupMilliseconds} ms");
        output.WriteLine($"Step of the batch: p50 {Time(median)}, p90 {Time(m.Percentile(90))}, p99 {Time(m.Percentile(99))}, {m.AllocatedBytes.ToString("0", CultureInfo.InvariantCulture)} B allocated per call (calling thread)");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"batch {entities}: {median / entities:0.0} ns per entity-step, {gigaflops:0.0} GFLOP/s ({100 * gigaflops / peak:0.0}% of FMA peak)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"FMA peak: {peak:0.0} GFLOP/s ({threads} × {peak / threads:0.0}, measured now: {FmaPeak.Lanes} lanes × 2 FLOPs per FMA, 16 independent accumulators); GFLOP/s at the median, matrix products only."));
        return ExitCodes.Success;
    }

    private static (ModelSpec Spec, IRecurrentModel Model) Load(string path, InferenceOptions options)
    {
        var inferred = ArchitectureInference.Infer(WeightsFileReader.ReadHeader(path), options);
        if (inferred.Spec is not { } spec)
            throw new CommandException(ExitCodes.Unsupported, $"{path}: no RnnGen model fits these tensors; run 'rnngen inspect {path}' for details");
        var source = DeclarationWriter.Write(spec with { Namespace = "RnnGen.Bench" });
        IRecurrentModel instance;
        try
        {
            instance = ModelCompiler.Compile([source]).Create("RnnGen.Bench." + spec.TypeName);
            instance.LoadWeights(path);
        }
        catch (ModelCompilationException e)
        {
            throw new CommandException(ExitCodes.Unsupported, e.Message);
        }
        catch (WeightFormatException e)
        {
            throw new CommandException(ExitCodes.UnusableInput, e.Message);
        }
        return (spec, instance);
    }

    /// <summary>The row-block width the generated cells dispatch to on this machine (the same checks they make).</summary>
    internal static string VectorPath() =>
        System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "AVX-512, row blocks of 16"
        : System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported ? "AVX2 + FMA, row blocks of 8"
        : "no row blocks (TensorPrimitives cells)";

    internal static IReadOnlyList<Measurement> Measure(IRecurrentModel model, ModelSpec spec, int iterations, int warmup, int warmupMilliseconds)
    {
        var random = new Random(12345);
        int steps = spec.SequenceLength;
        var inputs = new float[steps * spec.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)(random.NextDouble() * 2 - 1);
        var tokens = new int[steps];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = random.Next(Math.Max(1, model.VocabularySize));
        var outputs = new float[steps * model.OutputSize];
        var outputGradient = new float[outputs.Length];
        Array.Fill(outputGradient, 0.01f);
        int rows = model.OutputsEveryStep ? steps : 1;
        var (stepFlops, headFlops) = Flops(spec);
        var results = new List<Measurement>();

        Action? step = model switch
        {
            IStepModel m => () => m.Step(inputs.AsSpan(0, spec.InputSize), outputs),
            ITokenStepModel m => () => m.Step(tokens[0], outputs),
            _ => null,
        };
        Action forward = model switch
        {
            ISequenceModel m => () => m.Forward(inputs, outputs),
            ITokenSequenceModel m => () => m.Forward(tokens, outputs),
            _ => throw new InvalidOperationException("The model is neither a float nor a token sequence model."),
        };
        Action backward = () => model.Backward(outputGradient.AsSpan(0, rows * model.OutputSize), [], [], []);

        if (step is not null)
        {
            model.ResetState();
            results.Add(Time("Step", step, iterations, warmup, warmupMilliseconds, stepFlops + headFlops));
        }
        model.ResetState();
        results.Add(Time("Forward", () => { model.ResetState(); forward(); }, iterations, warmup, warmupMilliseconds, steps * stepFlops + rows * headFlops));
        forward();
        results.Add(Time("Backward", backward, iterations, warmup, warmupMilliseconds, 2 * (steps * stepFlops + rows * headFlops)));
        return results;
    }

    /// <summary>FLOPs of one step of every layer and direction, and of one head row.</summary>
    internal static (double Step, double Head) Flops(ModelSpec spec)
    {
        double step = 0;
        int input = spec.InputSize;
        foreach (var layer in spec.Layers)
        {
            double gates = layer.GateCount * (double)layer.HiddenSize;
            double perDirection = 2 * gates * (input + layer.OutputSize) + (layer.ProjectionSize > 0 ? 2.0 * layer.ProjectionSize * layer.HiddenSize : 0);
            step += layer.Directions * perDirection;
            input = layer.Width;
        }
        double head = spec.Head is { } h ? 2.0 * h.Outputs * input : 0;
        return (step, head);
    }

    internal const int WarmupMilliseconds = 1000;

    private static Measurement Time(string method, Action call, int iterations, int warmup, int warmupMilliseconds, double flops)
    {
        // Tiered compilation promotes hot methods to optimised code in the background, after a delay: warm up for a
        // second as well as for the given number of calls, so the timed calls run the code a long-running host would.
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < warmup || warm.ElapsedMilliseconds < warmupMilliseconds; i++) call();
        var times = new double[iterations];
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            call();
            times[i] = (Stopwatch.GetTimestamp() - start) * 1e9 / Stopwatch.Frequency;
        }
        double perCall = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)iterations;
        return new Measurement(method, times, perCall, flops);
    }

    private static string Time(double nanoseconds) => nanoseconds switch
    {
        < 1e3 => $"{nanoseconds.ToString("0", CultureInfo.InvariantCulture)} ns",
        < 1e6 => $"{(nanoseconds / 1e3).ToString("0.0", CultureInfo.InvariantCulture)} µs",
        _ => $"{(nanoseconds / 1e6).ToString("0.00", CultureInfo.InvariantCulture)} ms",
    };

    private static string Describe(ModelSpec spec)
        => string.Join(" → ", spec.Layers.Select(l => $"{l.Cell}({l.HiddenSize}{(l.ProjectionSize > 0 ? $", P={l.ProjectionSize}" : "")}{(l.Bidirectional ? ", bi" : "")})")
            .Concat(spec.Head is { } h ? [$"Dense({h.Outputs})"] : []));
}
