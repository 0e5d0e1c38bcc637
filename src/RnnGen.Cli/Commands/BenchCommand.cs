using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RnnGen.Cli.Conformance;
using RnnGen.Cli.Inspection;
using RnnGen.Generator.Emit;
using RnnGen.Generator.Emit.Cells;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;
using RnnGen.Import.Model;
using RnnGen.Weights;

namespace RnnGen.Cli.Commands;

/// <summary>
/// <c>rnngen bench MODEL.safetensors [--precision int8|bf16]</c>: compiles exactly the model <c>inspect</c> infers (in the
/// given precision), loads the weights, and times each call of Step, Forward (a full window) and Backward (float32 only):
/// latency percentiles, bytes allocated per call and GFLOP/s (multiply–adds of the matrix products counted as 2 FLOPs;
/// element-wise work is not counted), and the bytes of recurrent weights a step multiplies; a model with a size off the
/// vector grid is timed against its on-grid twin (<see cref="GridCheck"/>). <c>--batch N [--threads K]</c>
/// times the float32 model's batched Step instead (<see cref="RunBatch"/>).
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "A safetensors file, as for inspect." };
        var iterations = new Option<int>("--iterations", "-n") { Description = "Timed calls of each method.", DefaultValueFactory = _ => 200 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed calls first (and at least --warmup-ms of them), so the JIT has optimised the code.", DefaultValueFactory = _ => 50 };
        var warmupTime = new Option<int>("--warmup-ms")
        {
            Description = $"Milliseconds of untimed calls at least, per method (default {WarmupMilliseconds}); 0 shows what runs quickly, not how fast it runs once optimised.",
            DefaultValueFactory = _ => WarmupMilliseconds,
        };
        var batch = new Option<int>("--batch")
        {
            Description = $"Time the batched Step of N entities (the model's nested Batch, 1 to {Batching.RecurrentBatch.MaxCapacity}) instead: ns per entity-step, GFLOP/s, % of the FMA peak.",
        };
        var threads = new Option<int>("--threads") { Description = "Threads the batched Step uses (with --batch).", DefaultValueFactory = _ => 1 };
        iterations.Validators.Add(r => { if (r.GetValue(iterations) <= 0) r.AddError("--iterations must be positive"); });
        warmup.Validators.Add(r => { if (r.GetValue(warmup) < 0) r.AddError("--warmup must not be negative"); });
        warmupTime.Validators.Add(r => { if (r.GetValue(warmupTime) is < 0 or > 60_000) r.AddError("--warmup-ms must be 0 to 60000"); });
        var precision = PrecisionOption.Create("Compile the model with its recurrent weights in this precision (float32, int8 or bf16); the file's float32 weights are quantized at load.");
        batch.Validators.Add(r => { if (r.GetValue(batch) is < 0 or > Batching.RecurrentBatch.MaxCapacity) r.AddError($"--batch must be 1 to {Batching.RecurrentBatch.MaxCapacity}"); });
        threads.Validators.Add(r => { if (r.GetValue(threads) is < 1 or > Batching.BatchThreads.MaxThreads) r.AddError($"--threads must be 1 to {Batching.BatchThreads.MaxThreads}"); });
        var options = new ModelOptions();
        var command = new Command("bench", "Measure Step, Forward and Backward latency, allocations and GFLOP/s of a model.") { model, iterations, warmup, warmupTime, precision, batch, threads };
        options.AddTo(command);
        command.SetAction(parse => CommandRunner.Run("bench", parse.InvocationConfiguration.Error, () => parse.GetValue(batch) > 0
            ? RunBatch(parse.GetValue(model)!, options.Read(parse, parse.GetValue(model)!), parse.GetValue(batch), parse.GetValue(threads), parse.GetValue(iterations), parse.GetValue(warmup), parse.InvocationConfiguration.Output,
                parse.GetValue(warmupTime), parse.InvocationConfiguration.Error, PrecisionOption.Read(parse, precision))
            : Run(parse.GetValue(model)!, options.Read(parse, parse.GetValue(model)!), parse.GetValue(iterations), parse.GetValue(warmup), parse.InvocationConfiguration.Output,
                parse.GetValue(warmupTime), parse.InvocationConfiguration.Error, PrecisionOption.Read(parse, precision))));
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

    public static int Run(string path, InferenceOptions options, int iterations, int warmup, TextWriter output, int warmupMilliseconds = WarmupMilliseconds, TextWriter? error = null,
        WeightPrecision precision = WeightPrecision.Float32)
    {
        var (spec, instance, declaration) = Load(path, options, error, precision);
        var results = Measure(instance, spec, iterations, warmup, warmupMilliseconds);
        output.WriteLine($"{instance.GetType().Name}: {ModelSummary.Describe(spec)}; {instance.Parameters.Length:N0} parameters, T = {instance.SequenceLength}, {iterations} calls each after at least {warmup} warm-up calls and {warmupMilliseconds} ms");
        output.WriteLine($"{"",-9}{"p50",12}{"p90",12}{"p99",12}{"mean",12}{"alloc/call",12}{"GFLOP/s",10}");
        foreach (var m in results)
        {
            double median = m.Percentile(50);
            output.WriteLine($"{m.Method,-9}{Time(median),12}{Time(m.Percentile(90)),12}{Time(m.Percentile(99)),12}{Time(m.Nanoseconds.Average()),12}{m.AllocatedBytes.ToString("0", CultureInfo.InvariantCulture) + " B",12}{(m.Flops / median).ToString("0.00", CultureInfo.InvariantCulture),10}");
        }
        output.WriteLine("GFLOP/s at the median: matrix products only (2 FLOPs per multiply-add); Backward counts dW and dx products, 2x Forward's.");
        output.WriteLine(WeightBytes(instance));
        // What runs: the precision asked for, or the one a file's recorded declaration sets.
        foreach (string line in KernelReport(spec, instance is IQuantizedModel q ? q.Precision : WeightPrecision.Float32))
            output.WriteLine(line);
        GridCheck(path, spec, instance, declaration, results, iterations, warmup, warmupMilliseconds, output, error);
        return ExitCodes.Success;
    }

    /// <summary>The type name of the on-grid twin <see cref="GridCheck"/> compiles.</summary>
    private const string TwinTypeName = "OnGridTwin";

    /// <summary>
    /// For a model with a hidden or projection size off the vector grid (<see cref="VectorGrid"/>): compiles the same model
    /// with those sizes on the grid (same precision and activations, a new model's initial weights), times its Step (Forward when there is
    /// no Step) as the model's was timed, and prints the model's time per multiply-add over the twin's; the same for the
    /// inference copies' Steps when the model has one. Above <see cref="VectorGrid.Tolerance"/> it also warns on standard
    /// error, naming the sizes that avoid it.
    /// </summary>
    private static void GridCheck(string path, ModelDescription spec, IRecurrentModel instance, string declaration, IReadOnlyList<Measurement> results,
        int iterations, int warmup, int warmupMilliseconds, TextWriter output, TextWriter? error)
    {
        if (VectorGrid.Twin(spec) is not { } plan) return;
        string moves = string.Join(", ", plan.Moves);
        IRecurrentModel twin;
        try
        {
            string source = DeclarationText.Write(plan.Twin, TwinTypeName, instance.SequenceLength, "RnnGen.Bench.Grid");
            if (instance is IQuantizedModel quantized) source = DeclarationPrecision.Apply(source, quantized.Precision);
            if (declaration.Contains("ActivationPrecision.Exact", StringComparison.Ordinal))
                source = source.Replace("[RecurrentModel(", "[RecurrentModel(Activations = ActivationPrecision.Exact, ", StringComparison.Ordinal);
            var compiled = ModelCompiler.Compile([source]);
            twin = compiled.Create(compiled.ModelTypeNames.Single());
        }
        catch (ModelCompilationException e)
        {
            output.WriteLine($"Vector grid: not checked, the on-grid twin ({moves}) did not compile: {e.Errors.FirstOrDefault()}");
            return;
        }
        // The twin keeps the weights its constructor gives every new model (PyTorch's default initialisation, quantized
        // copies included): the time does not depend on their values. The model's Step (or Forward) is compared, and its
        // inference copy's Step with the twin's inference copy's, when it has one.
        foreach (var measured in results.Where((m, i) => i == 0 || m.Method == "Inference"))
        {
            var twinResult = Measure(twin, plan.Twin, iterations, warmup, warmupMilliseconds, only: measured.Method).Single();
            double ratio = measured.Percentile(50) / measured.Flops / (twinResult.Percentile(50) / twinResult.Flops);
            string ratioText = ratio.ToString("0.00", CultureInfo.InvariantCulture);
            string what = measured.Method == "Inference" ? "the inference copy's Step" : measured.Method;
            string twinWhat = measured.Method == "Inference" ? "its on-grid twin's inference copy" : "its on-grid twin";
            output.WriteLine($"Vector grid: {what} costs {ratioText}× the time per multiply-add of {twinWhat} ({moves}: {Time(twinResult.Percentile(50))} per call), measured now; the goal is ≤ {VectorGrid.Tolerance.ToString(CultureInfo.InvariantCulture)}×");
            if (ratio <= VectorGrid.Tolerance) continue;
            string avoid = string.Join("; ", plan.Moves.Select(m =>
            {
                var (below, above) = VectorGrid.Neighbours(m.From);
                return $"layer {m.Layer} {m.Size} = {below} or {above}";
            }));
            error?.WriteLine($"rnngen: warning: {path}: off the vector grid, each multiply-add of {what} costs {ratioText}× what it costs in the{twinWhat["its".Length..]} ({moves}) on this machine; {avoid} would avoid that (docs/PERFORMANCE.md, Uniformity)");
        }
    }

    /// <summary>
    /// <c>--batch N [--threads K]</c>: times the batched Step of N entities through the model's Batch and prints
    /// <c>batch N: X ns per entity-step, Y GFLOP/s (Z% of FMA peak)</c>, the peak being K threads × one core's FMA peak
    /// measured just before. A low-precision model has no Batch (docs/quantization.md): <paramref name="precision"/> other
    /// than float32 is refused.
    /// </summary>
    public static int RunBatch(string path, InferenceOptions options, int entities, int threads, int iterations, int warmup, TextWriter output, int warmupMilliseconds = WarmupMilliseconds, TextWriter? error = null,
        WeightPrecision precision = WeightPrecision.Float32)
    {
        if (precision != WeightPrecision.Float32)
            throw new CommandException(ExitCodes.UnusableInput,
                $"--batch and --precision {DeclarationPrecision.Name(precision)} do not combine: a low-precision model has no Batch (docs/quantization.md); time the float32 model's batch without --precision");
        var (spec, instance, _) = Load(path, options, error, WeightPrecision.Float32);
        if (instance is IQuantizedModel recorded)
            throw new CommandException(ExitCodes.UnusableInput,
                $"{path}: its recorded declaration is in {DeclarationPrecision.Name(recorded.Precision)}, and a low-precision model has no Batch (docs/quantization.md)");
        if (spec.Layers.Any(l => l.Bidirectional))
            throw new CommandException(ExitCodes.UnusableInput, $"{path}: the model has a bidirectional layer, so it has no Step to time; --batch times the batched Step");
        var type = instance.GetType().GetNestedType("Batch") ?? throw new InvalidOperationException("The generated model has no nested Batch class.");
        using var batch = (Batching.RecurrentBatch)Activator.CreateInstance(type, instance, entities)!;
        batch.Threads = threads;
        for (int e = 0; e < entities; e++) batch.Add();
        var random = new Random(12345);
        var inputs = new float[entities * instance.InputSize];
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
        output.WriteLine($"{instance.GetType().Name}: {ModelSummary.Describe(spec)}; batched Step of {entities} entities on {threads} thread(s), path {batch.Path}, {iterations} calls after at least {warmup} warm-up calls and {warmupMilliseconds} ms");
        output.WriteLine($"Step of the batch: p50 {Time(median)}, p90 {Time(m.Percentile(90))}, p99 {Time(m.Percentile(99))}, {m.AllocatedBytes.ToString("0", CultureInfo.InvariantCulture)} B allocated per call (calling thread)");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"batch {entities}: {median / entities:0.0} ns per entity-step, {gigaflops:0.0} GFLOP/s ({100 * gigaflops / peak:0.0}% of FMA peak)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"FMA peak: {peak:0.0} GFLOP/s ({threads} × {peak / threads:0.0}, measured now: {FmaPeak.Lanes} lanes × 2 FLOPs per FMA, 16 independent accumulators); GFLOP/s at the median, matrix products only."));
        return ExitCodes.Success;
    }

    private static (ModelDescription Spec, IRecurrentModel Model, string Declaration) Load(string path, InferenceOptions options, TextWriter? error, WeightPrecision precision)
    {
        var inferred = ArchitectureInference.Infer(WeightsFileReader.ReadHeader(path, error), options);
        if (inferred.Model is not { } spec || inferred.Declaration("RnnGen.Bench") is not { } declaration)
            throw new CommandException(ExitCodes.Unsupported, $"{path}: no RnnGen model fits these tensors; run 'rnngen inspect {path}' for details");
        string source = precision == WeightPrecision.Float32 ? declaration : DeclarationPrecision.Apply(declaration, precision);
        IRecurrentModel instance;
        try
        {
            var compiled = ModelCompiler.Compile([source]);
            instance = compiled.Create(compiled.ModelTypeNames.Single());
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
        return (spec, instance, source);
    }

    /// <summary>
    /// The bytes of recurrent weights (W_ih, W_hh, W_hr) a step multiplies, against their float32 size: int8 one byte a
    /// weight plus a float scale a row, bfloat16 two bytes a weight.
    /// </summary>
    internal static string WeightBytes(IRecurrentModel model)
    {
        var matrices = model.ParameterTensors.Where(t => RnnGen.Weights.WeightQuantization.IsQuantized(t.Name)).ToList();
        long weights = matrices.Sum(t => (long)t.Length), rows = matrices.Sum(t => (long)t.Shape[0]);
        long float32 = 4 * weights;
        long bytes = model is IQuantizedModel q
            ? q.Precision == WeightPrecision.Int8 ? weights + 4 * rows : 2 * weights
            : float32;
        string precision = model is IQuantizedModel m ? DeclarationPrecision.Name(m.Precision) : "float32";
        return $"Recurrent weights: {bytes:N0} bytes in {precision} ({(double)bytes / float32:0.000}× of float32's {float32:N0}{(precision == "int8" ? ", scales included" : "")})";
    }

    /// <summary>
    /// The kernels the generated cells run on this machine (the checks they make themselves, <c>RNNGEN_KERNELS</c>
    /// included), and per layer how its rows are covered: <c>Kernels: AVX-512</c>, then e.g.
    /// <c>layer 0, LSTM(100): 6 blocks of 16, 1 of 4</c>.
    /// </summary>
    internal static IEnumerable<string> KernelReport(ModelDescription model, WeightPrecision precision = WeightPrecision.Float32)
    {
        // The generator's own view of the layers: the same cell emitters and block plans the compiled model runs.
        var spec = new ModelSpec("", "Bench", EquatableArray<ContainingType>.Empty, model.InputSize, 1, null,
            model.Layers.Select(l => new LayerSpec(
                l.Cell switch { CellType.Lstm => CellKind.Lstm, CellType.Gru => CellKind.Gru, _ => l.Relu ? CellKind.RnnRelu : CellKind.RnnTanh },
                l.HiddenSize, l.ProjectionSize, l.Bidirectional, l.Bias, l.ResetAfter)).ToEquatableArray(),
            null, Precision: (RnnGen.Generator.Contract.WeightPrecision)(int)precision);
        yield return $"Kernels: {RnnGen.Kernels.KernelSelection.Describe()}";
        var tier = RnnGen.Kernels.KernelSelection.Active switch
        {
            RnnGen.Kernels.KernelTier.Avx512 => RowBlockStrategy.Tiers[0],
            RnnGen.Kernels.KernelTier.Avx2 => RowBlockStrategy.Tiers[1],
            RnnGen.Kernels.KernelTier.Vector128 => RowBlockStrategy.Tiers[2],
            _ => null,
        };
        var layout = new ModelLayout(spec);
        foreach (var layer in layout.Layers)
        {
            var cell = layer.Directions[0].Cell;
            string plan;
            if (tier is null || cell is not IVectorCell vector)
                plan = "portable cell (scalar loops and TensorPrimitives)";
            else if (tier == RowBlockStrategy.Tiers[0] && RowBlockStrategy.UsesPairs(cell))
                plan = "paired rows (H = 8: two 8-float rows per 512-bit product)";
            else
                plan = string.Join("; ", vector.Passes.Select((pass, i) =>
                    (vector.Passes.Count > 1 ? $"pass {i + 1}: " : "")
                    + RowBlockStrategy.DescribePlan(pass.Rows == Size.P ? layer.Spec.OutputSize : layer.Spec.HiddenSize, tier)));
            string products = cell.Direction.Quantized?.Mode switch
            {
                ProductMode.Int8 => "; int8 products (16-bit vectors, pmaddwd)",
                ProductMode.BFloat16 => "; bfloat16 products (widened to float32)",
                ProductMode.Rounded => $"; float32 products of {DeclarationPrecision.Name(precision)}-rounded copies ({QuantizedWeights.RoundedReason((RnnGen.Generator.Contract.WeightPrecision)(int)precision)})",
                _ => "",
            };
            yield return $"  layer {layer.Index}, {cell.Description}: {plan}{products}";
            if (tier == RowBlockStrategy.Tiers[0] && ColumnStrategy.Applies(layout))
                yield return $"    its inference copy (ToInference): {InferencePlan(cell)}";
        }
    }

    /// <summary>What a layer of an inference copy runs on AVX-512 (<see cref="ColumnStrategy"/>).</summary>
    private static string InferencePlan(CellEmitter cell)
    {
        if (!ColumnStrategy.UsesColumns(cell))
            return $"{(RowBlockStrategy.UsesPairs(cell) ? "paired rows" : "row blocks")}, as the model (packed tiles would overflow the 48 KB L1 cache where the row-major weights fit)";
        int hidden = cell.Direction.Layer.Spec.HiddenSize;
        return $"packed column tiles, {RowBlockStrategy.DescribePlan(hidden, ColumnStrategy.Tier)} a gate";
    }

    /// <summary>Times Step (when the model has one), Forward and Backward (float32), or only the method <paramref name="only"/> names.</summary>
    internal static IReadOnlyList<Measurement> Measure(IRecurrentModel model, ModelDescription spec, int iterations, int warmup, int warmupMilliseconds, string? only = null)
    {
        var random = new Random(12345);
        int steps = model.SequenceLength;
        var inputs = new float[steps * model.InputSize];
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
            IStepModel m => () => m.Step(inputs.AsSpan(0, model.InputSize), outputs),
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

        if (step is not null && only is null or "Step")
        {
            model.ResetState();
            results.Add(Time("Step", step, iterations, warmup, warmupMilliseconds, stepFlops + headFlops));
        }
        // The inference copy (ToInference) of a float32 model that steps: its Step, on its own packed weights.
        if (step is not null && only is null or "Inference" && CompiledModels.InferenceCopy(model) is { } copy)
        {
            Action inferenceStep = copy switch
            {
                IStepInference c => () => c.Step(inputs.AsSpan(0, model.InputSize), outputs),
                ITokenStepInference c => () => c.Step(tokens[0], outputs),
                _ => throw new InvalidOperationException("The inference copy has no Step."),
            };
            results.Add(Time("Inference", inferenceStep, iterations, warmup, warmupMilliseconds, stepFlops + headFlops));
        }
        if (only is "Step" or "Inference") return results;
        model.ResetState();
        results.Add(Time("Forward", () => { model.ResetState(); forward(); }, iterations, warmup, warmupMilliseconds, steps * stepFlops + rows * headFlops));
        // A low-precision model is inference-only: it has no Backward to time.
        if (model is IQuantizedModel || only is not null) return results;
        forward();
        results.Add(Time("Backward", backward, iterations, warmup, warmupMilliseconds, 2 * (steps * stepFlops + rows * headFlops)));
        return results;
    }

    /// <summary>FLOPs of one step of every layer and direction, and of one head row (every dense layer).</summary>
    internal static (double Step, double Head) Flops(ModelDescription spec)
    {
        double step = 0;
        int input = spec.InputSize;
        foreach (var layer in spec.Layers)
        {
            double gates = layer.Gates * (double)layer.HiddenSize;
            double perDirection = 2 * gates * (input + layer.OutputSize) + (layer.ProjectionSize > 0 ? 2.0 * layer.ProjectionSize * layer.HiddenSize : 0);
            step += layer.Directions * perDirection;
            input = layer.Width;
        }
        double head = 0;
        foreach (var dense in spec.Head)
        {
            head += 2.0 * dense.Outputs * input;
            input = dense.Outputs;
        }
        return (step, head);
    }

    internal const int WarmupMilliseconds = 1000;

    private static Measurement Time(string method, Action call, int iterations, int warmup, int warmupMilliseconds, double flops)
    {
        // Tiered compilation promotes hot methods to optimised code in the background, after a delay, and a method with
        // loops may first run a less optimised on-stack-replacement version. Warm up for the given calls and time, and then
        // on until the median of a batch of calls stops improving (two batches in a row within 2 % of the best, at most
        // four more warm-up periods), so the timed calls run the code a long-running host would.
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < warmup || warm.ElapsedMilliseconds < warmupMilliseconds; i++) call();
        double best = double.MaxValue;
        for (int stable = 0; stable < 2 && warm.ElapsedMilliseconds < 5L * Math.Max(warmupMilliseconds, 1);)
        {
            double median = BatchMedian(call);
            stable = median >= best * 0.98 ? stable + 1 : 0;
            best = Math.Min(best, median);
        }
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

    private static double BatchMedian(Action call)
    {
        Span<double> times = stackalloc double[64];
        for (int i = 0; i < times.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            call();
            times[i] = Stopwatch.GetTimestamp() - start;
        }
        times.Sort();
        return times[times.Length / 2];
    }

    private static string Time(double nanoseconds) => nanoseconds switch
    {
        < 1e3 => $"{nanoseconds.ToString("0", CultureInfo.InvariantCulture)} ns",
        < 1e6 => $"{(nanoseconds / 1e3).ToString("0.0", CultureInfo.InvariantCulture)} µs",
        _ => $"{(nanoseconds / 1e6).ToString("0.00", CultureInfo.InvariantCulture)} ms",
    };

}
