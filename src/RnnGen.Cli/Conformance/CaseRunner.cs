using RnnGen.Weights;

namespace RnnGen.Cli.Conformance;

/// <summary>The comparison of one result array with its oracle.</summary>
/// <param name="Name">e.g. <c>y</c>, <c>hT</c>, <c>loss</c>, <c>grads.x</c>, <c>grads.params.weight_ih_l0</c>.</param>
/// <param name="MaxAbsError">Largest |got − want|.</param>
/// <param name="Pass">Whether every element has |got − want| ≤ 1e-5 + 1e-4·|want| (or, given a <paramref name="Bound"/>, the largest error is within it).</param>
/// <param name="Bound">The bound a low-precision check held the error to, in words (<see cref="PrecisionCheck"/>); null for the float tolerance.</param>
public sealed record ArrayComparison(string Name, double MaxAbsError, bool Pass, string? Bound = null);

/// <summary>The outcome of one case: every compared array, or the error that stopped it.</summary>
public sealed record CaseResult(string Name, IReadOnlyList<ArrayComparison> Arrays, string? Error = null)
{
    public bool Pass => Error is null && Arrays.Count > 0 && Arrays.All(a => a.Pass);
}

/// <summary>
/// Runs oracle cases through models built by this generator: compiles each case's architecture, loads its weights,
/// runs <c>inputs.x</c> from <c>inputs.h0</c>/<c>inputs.c0</c>, and compares outputs, final states, logits, loss and
/// (optionally) every gradient with the tolerance 1e-5 + 1e-4·|want|.
/// </summary>
public static class CaseRunner
{
    public const double AbsoluteTolerance = 1e-5, RelativeTolerance = 1e-4;

    /// <summary>
    /// Compiles all cases' models in one compilation and runs each case; with <paramref name="batchEntities"/> &gt; 0 also
    /// through the model's batch of that many entities (<see cref="BatchCaseRunner"/>, arrays named <c>batch.…</c>). In a
    /// low <paramref name="precision"/> it compiles each model in that precision too and checks its forward arrays against
    /// the float32 model running the same rounded weights (<see cref="PrecisionCheck"/>); gradients are not checked
    /// (low-precision models have no Backward) and there is no batch (low-precision models have none).
    /// </summary>
    public static IReadOnlyList<CaseResult> Run(IReadOnlyList<ReferenceCase> cases, bool gradients, WeightPrecision precision = WeightPrecision.Float32,
        int batchEntities = 0, int batchThreads = 1)
    {
        var sources = new List<string>();
        var typeNames = new List<string>();
        for (int i = 0; i < cases.Count; i++)
        {
            string typeName = "Case" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var metadata = SafeTensorsFile.Read(cases[i].WeightsPath).Metadata;
            sources.Add("namespace RnnGen.Verify;\n" + ModelSource.Declare(metadata, cases[i].SequenceLength, typeName));
            if (precision != WeightPrecision.Float32)
                sources.Add("namespace RnnGen.Verify;\n" + ModelSource.Declare(metadata, cases[i].SequenceLength, typeName + "Low", precision));
            typeNames.Add("RnnGen.Verify." + typeName);
        }
        var models = ModelCompiler.Compile(sources);
        var results = new List<CaseResult>();
        for (int i = 0; i < cases.Count; i++)
        {
            try
            {
                if (precision != WeightPrecision.Float32)
                {
                    results.Add(RunInPrecision(cases[i], models.Create(typeNames[i] + "Low"), models.Create(typeNames[i]), precision));
                    continue;
                }
                var model = models.Create(typeNames[i]);
                var result = RunOne(cases[i], model, gradients);
                if (result.Error is null) result = result with { Arrays = [.. result.Arrays, .. InferenceArrays(cases[i], model)] };
                if (batchEntities > 0 && result.Error is null)
                    result = result with { Arrays = [.. result.Arrays, .. BatchCaseRunner.Run(cases[i], model, batchEntities, gradients, batchThreads)] };
                results.Add(result);
            }
            catch (Exception e) when (e is WeightFormatException or ArgumentException or InvalidOperationException or IOException)
            {
                results.Add(new CaseResult(cases[i].Name, [], e.Message));
            }
        }
        return results;
    }

    /// <summary>The forward arrays of a low-precision model against its float32 twin running the same rounded weights.</summary>
    private static CaseResult RunInPrecision(ReferenceCase c, IRecurrentModel model, IRecurrentModel twin, WeightPrecision precision)
    {
        model.LoadWeights(c.WeightsPath);
        PrecisionCheck.LoadRoundedWeights(twin, (IQuantizedModel)model);
        var (got, reference) = (ForwardArrays(model, c), ForwardArrays(twin, c));
        var arrays = new List<ArrayComparison>();
        foreach (var (name, values) in got)
        {
            if (c.Expected.TryGetValue(name == "outputs" ? "logits" : name, out var want))
                arrays.Add(PrecisionCheck.AgainstReference(name == "outputs" ? "logits" : name, values, reference[name], want));
        }
        return new CaseResult($"{c.Name} ({DeclarationPrecision.Name(precision)})", arrays);
    }

    /// <summary>Forward from the case's initial state: the top layer's outputs (y), the final states and the model's outputs.</summary>
    private static Dictionary<string, float[]> ForwardArrays(IRecurrentModel model, ReferenceCase c)
    {
        SetState(model, c.H0, c.C0);
        int steps = c.X.Length / model.InputSize;
        var outputs = new float[(model.OutputsEveryStep ? steps : 1) * model.OutputSize];
        ((ISequenceModel)model).Forward(c.X, outputs);
        var (hT, cT) = GetState(model);
        var arrays = new Dictionary<string, float[]> { ["y"] = model.HiddenOutputs.ToArray(), ["hT"] = hT, ["cT"] = cT };
        if (c.Targets is not null) arrays["outputs"] = outputs;
        return arrays;
    }

    /// <summary>
    /// The case stepped through the model's inference copy (<c>ToInference()</c>, made from the case's weights and
    /// initial state), for a model that steps on floats: the final state and the last output, arrays named
    /// <c>inference.step.…</c>. Nothing for a model without one (bidirectional, token or low-precision).
    /// </summary>
    private static IEnumerable<ArrayComparison> InferenceArrays(ReferenceCase c, IRecurrentModel model)
    {
        if (model is not IStepModel) yield break;
        SetState(model, c.H0, c.C0);
        if (CompiledModels.InferenceCopy(model) is not IStepInference inference) yield break;
        int steps = c.X.Length / model.InputSize;
        var output = new float[model.OutputSize];
        for (int t = 0; t < steps; t++) inference.Step(c.X.AsSpan(t * model.InputSize, model.InputSize), output);
        var (hT, cT) = Rows(model, inference.State.ToArray());
        yield return Compare("inference.step.hT", hT, c.Expected["hT"]);
        if (c.Expected.TryGetValue("cT", out var expectedCT)) yield return Compare("inference.step.cT", cT, expectedCT);
        double[] last = c.Expected[c.Targets is not null ? "logits" : "y"];
        yield return Compare("inference.step.output", output, last.AsSpan(last.Length - model.OutputSize).ToArray());
    }

    private static CaseResult RunOne(ReferenceCase c, IRecurrentModel model, bool gradients)
    {
        model.LoadWeights(c.WeightsPath);
        var sequence = (ISequenceModel)model;
        var arrays = new List<ArrayComparison>();
        int steps = c.X.Length / model.InputSize;
        bool hasHead = c.Targets is not null;

        SetState(model, c.H0, c.C0);
        var outputs = new float[(model.OutputsEveryStep ? steps : 1) * model.OutputSize];
        sequence.Forward(c.X, outputs);

        arrays.Add(Compare("y", model.HiddenOutputs.ToArray(), c.Expected["y"]));
        var (hT, cT) = GetState(model);
        arrays.Add(Compare("hT", hT, c.Expected["hT"]));
        if (c.Expected.TryGetValue("cT", out var expectedCT)) arrays.Add(Compare("cT", cT, expectedCT));

        if (hasHead) arrays.Add(Compare("logits", outputs, c.Expected["logits"]));
        double[] outputGradient = OutputGradient(c, outputs, model.OutputSize, out double loss);
        if (c.ExpectedLoss is double expectedLoss) arrays.Add(Compare("loss", [loss], [expectedLoss]));

        if (gradients && c.Gradients is not null)
        {
            arrays.AddRange(CompareGradients("grads", model, c, outputGradient, hasHead, finalState: []));
            if (c.StateCotangentVariant is { } variant)
            {
                var finalState = new float[model.State.Length];
                SetRows(model, finalState, variant.HT, variant.CT);
                arrays.AddRange(CompareGradients("state_cotangent_variant.grads", model, c with { Gradients = variant.Gradients }, outputGradient, hasHead, finalState));
            }
        }
        return new CaseResult(c.Name, arrays);
    }

    private static IEnumerable<ArrayComparison> CompareGradients(string prefix, IRecurrentModel model, ReferenceCase c, double[] outputGradient, bool hasHead, float[] finalState)
    {
        var expected = c.Gradients!;
        model.ZeroGradients();
        var dx = new float[c.X.Length];
        var dInitial = new float[model.State.Length];
        var dOutputs = outputGradient.Select(v => (float)v).ToArray();
        if (hasHead) model.BackwardFromLogits(dOutputs, dx, finalState, dInitial);
        else model.Backward(dOutputs, dx, finalState, dInitial);

        yield return Compare(prefix + ".x", dx, expected.X);
        var (dh0, dc0) = Rows(model, dInitial);
        yield return Compare(prefix + ".h0", dh0, expected.H0);
        if (expected.C0 is not null) yield return Compare(prefix + ".c0", dc0, expected.C0);
        var gradientsBuffer = model.Gradients.ToArray();
        foreach (var (name, want) in expected.Parameters)
        {
            var tensor = model.ParameterTensors.FirstOrDefault(t => t.Name == name);
            if (tensor is null)
            {
                yield return new ArrayComparison($"{prefix}.params.{name} (missing in model)", double.PositiveInfinity, false);
                continue;
            }
            yield return Compare($"{prefix}.params.{name}", gradientsBuffer.AsSpan(tensor.Offset, tensor.Length).ToArray(), want);
        }
    }

    /// <summary>
    /// The case's loss on the outputs and dL/d(outputs): cross-entropy on the logits against the targets for a case with a
    /// head, Σ y ⊙ cotangent otherwise.
    /// </summary>
    internal static double[] OutputGradient(ReferenceCase c, float[] outputs, int classes, out double loss)
    {
        if (c.Targets is not null)
        {
            loss = CrossEntropy(outputs, c.Targets, classes, out var gradient);
            return gradient;
        }
        var cotangent = c.OutputCotangent ?? throw new CaseFormatException($"{c.Name}: plain case without cotangents.y");
        loss = 0;
        for (int j = 0; j < outputs.Length; j++) loss += (double)outputs[j] * cotangent[j];
        return cotangent.Select(v => (double)v).ToArray();
    }

    /// <summary>Σ_n logsumexp(logits_n) − logits_n[target_n], and its gradient softmax − onehot per row.</summary>
    private static double CrossEntropy(float[] logits, int[] targets, int classes, out double[] gradient)
    {
        gradient = new double[logits.Length];
        double loss = 0;
        for (int n = 0; n < targets.Length; n++)
        {
            var row = logits.AsSpan(n * classes, classes);
            double max = double.NegativeInfinity;
            foreach (float v in row) max = Math.Max(max, v);
            double sum = 0;
            foreach (float v in row) sum += Math.Exp(v - max);
            double logSumExp = max + Math.Log(sum);
            loss += logSumExp - row[targets[n]];
            for (int j = 0; j < classes; j++)
                gradient[n * classes + j] = Math.Exp(row[j] - logSumExp) - (j == targets[n] ? 1 : 0);
        }
        return loss;
    }

    /// <summary>Writes PyTorch-layout rows ([L·D][P] hidden, [L·D][H] cell) into the model's state layout.</summary>
    private static void SetState(IRecurrentModel model, float[] h0, float[]? c0) => StateOf(model, h0, c0).CopyTo(model.State);

    /// <summary>The model's state laid out from PyTorch's h0 (and c0) rows.</summary>
    internal static float[] StateOf(IRecurrentModel model, float[] h0, float[]? c0)
    {
        var state = new float[model.State.Length];
        SetRows(model, state, h0, c0);
        return state;
    }

    internal static void SetRows(IRecurrentModel model, Span<float> state, float[] hidden, float[]? cell)
    {
        int directions = model.StateTensors.Where(s => s.Layer == 0 && s.Kind == StateKind.Hidden).Count();
        foreach (var piece in model.StateTensors)
        {
            float[]? source = piece.Kind == StateKind.Hidden ? hidden : cell;
            if (source is null) continue;
            int row = piece.Layer * directions + piece.Direction;
            source.AsSpan(row * piece.Length, piece.Length).CopyTo(state.Slice(piece.Offset, piece.Length));
        }
    }

    private static (float[] Hidden, float[] Cell) GetState(IRecurrentModel model) => Rows(model, model.State.ToArray());

    internal static (float[] Hidden, float[] Cell) Rows(IRecurrentModel model, float[] state)
    {
        var hidden = model.StateTensors.Where(s => s.Kind == StateKind.Hidden).SelectMany(s => state.AsSpan(s.Offset, s.Length).ToArray()).ToArray();
        var cell = model.StateTensors.Where(s => s.Kind == StateKind.Cell).SelectMany(s => state.AsSpan(s.Offset, s.Length).ToArray()).ToArray();
        return (hidden, cell);
    }

    /// <summary>Compares element-wise with |got − want| ≤ 1e-5 + 1e-4·|want|; a length mismatch fails.</summary>
    public static ArrayComparison Compare(string name, IReadOnlyList<float> got, IReadOnlyList<double> want)
        => Compare(name, got.Select(v => (double)v).ToArray(), want);

    public static ArrayComparison Compare(string name, IReadOnlyList<double> got, IReadOnlyList<double> want)
    {
        if (got.Count != want.Count)
            return new ArrayComparison($"{name} (length {got.Count}, expected {want.Count})", double.PositiveInfinity, false);
        double maxError = 0;
        bool pass = true;
        for (int i = 0; i < got.Count; i++)
        {
            double error = Math.Abs(got[i] - want[i]);
            if (!(error <= AbsoluteTolerance + RelativeTolerance * Math.Abs(want[i]))) pass = false;
            if (!(error <= maxError)) maxError = error;
        }
        return new ArrayComparison(name, maxError, pass);
    }
}
