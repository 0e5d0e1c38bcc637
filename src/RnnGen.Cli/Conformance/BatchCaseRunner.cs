using RnnGen.Batching;

namespace RnnGen.Cli.Conformance;

/// <summary>
/// Runs an oracle case through the model's batch: the case's sequence and initial state sit in one row of a batch of
/// other entities (random sequences and states, zero output gradients), which must not change its results. Compares that
/// row's outputs (<c>y</c> without a head, <c>logits</c> with one), final states, loss and gradients with the case, as
/// <see cref="CaseRunner"/> does for the single model, and — for models with Step — the state and output after stepping
/// through the sequence. Array names start with <c>batch.</c>.
/// </summary>
public static class BatchCaseRunner
{
    /// <summary>The row the case takes: past the first block of 16, so the lanes path's block offsets are exercised.</summary>
    public static int Row(int entities) => Math.Min(entities - 1, 20);

    public static IEnumerable<ArrayComparison> Run(ReferenceCase c, IRecurrentModel model, int entities, bool gradients, int threads = 1)
    {
        var type = model.GetType().GetNestedType("Batch") ?? throw new InvalidOperationException($"{model.GetType().Name} has no nested Batch class.");
        using var batch = (RecurrentBatch)Activator.CreateInstance(type, model, entities)!;
        batch.Threads = threads;
        var random = new Random(entities);
        float[] Random(int length) => Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

        int row = Row(entities), steps = c.X.Length / model.InputSize, stateSize = batch.StateSize;
        int rows = batch.OutputsEveryStep ? steps : 1, perRow = rows * batch.OutputSize;
        bool hasHead = c.Targets is not null;
        float[] sequences = Random(entities * steps * model.InputSize);
        c.X.CopyTo(sequences, row * steps * model.InputSize);
        var initial = new float[entities][];
        for (int e = 0; e < entities; e++)
        {
            int slot = batch.Add();
            initial[e] = e == row ? CaseRunner.StateOf(model, c.H0, c.C0) : Random(stateSize);
            batch.SetState(slot, initial[e]);
        }

        var outputs = new float[entities * perRow];
        ((ISequenceBatch)batch).Forward(sequences, outputs);
        float[] mine = outputs.AsSpan(row * perRow, perRow).ToArray();
        yield return CaseRunner.Compare(hasHead ? "batch.logits" : "batch.y", mine, c.Expected[hasHead ? "logits" : "y"]);
        var final = new float[stateSize];
        batch.GetState(batch.ActiveSlots[row], final);
        var (hT, cT) = CaseRunner.Rows(model, final);
        yield return CaseRunner.Compare("batch.hT", hT, c.Expected["hT"]);
        if (c.Expected.TryGetValue("cT", out var expectedCT)) yield return CaseRunner.Compare("batch.cT", cT, expectedCT);

        double[] outputGradient = CaseRunner.OutputGradient(c, mine, batch.OutputSize, out double loss);
        if (c.ExpectedLoss is double expectedLoss) yield return CaseRunner.Compare("batch.loss", [loss], [expectedLoss]);

        if (gradients && c.Gradients is not null)
        {
            foreach (var a in Gradients("batch.grads", batch, model, c, c.Gradients, outputGradient, hasHead, row, steps, finalState: null)) yield return a;
            if (c.StateCotangentVariant is { } variant)
            {
                var finalGradient = new float[entities * stateSize];
                CaseRunner.SetRows(model, finalGradient.AsSpan(row * stateSize, stateSize), variant.HT, variant.CT);
                foreach (var a in Gradients("batch.state_cotangent_variant.grads", batch, model, c, variant.Gradients, outputGradient, hasHead, row, steps, finalGradient)) yield return a;
            }
        }

        if (batch is IStepBatch stepper)
        {
            // The same sequences one step at a time, from the same initial states.
            for (int e = 0; e < entities; e++) batch.SetState(batch.ActiveSlots[e], initial[e]);
            var inputs = new float[entities * model.InputSize];
            var stepOutputs = new float[entities * batch.OutputSize];
            for (int t = 0; t < steps; t++)
            {
                for (int e = 0; e < entities; e++)
                    sequences.AsSpan((e * steps + t) * model.InputSize, model.InputSize).CopyTo(inputs.AsSpan(e * model.InputSize));
                stepper.Step(inputs, stepOutputs);
            }
            batch.GetState(batch.ActiveSlots[row], final);
            yield return CaseRunner.Compare("batch.step.hT", CaseRunner.Rows(model, final).Hidden, c.Expected["hT"]);
            double[] last = c.Expected[hasHead ? "logits" : "y"];
            yield return CaseRunner.Compare("batch.step.output", stepOutputs.AsSpan(row * batch.OutputSize, batch.OutputSize).ToArray(), last.AsSpan(last.Length - batch.OutputSize).ToArray());
        }
    }

    private static IEnumerable<ArrayComparison> Gradients(string prefix, RecurrentBatch batch, IRecurrentModel model, ReferenceCase c, ReferenceCase.GradientSet expected,
        double[] outputGradient, bool hasHead, int row, int steps, float[]? finalState)
    {
        int entities = batch.Count, perRow = outputGradient.Length, stateSize = batch.StateSize;
        var dOutputs = new float[entities * perRow];
        for (int i = 0; i < perRow; i++) dOutputs[row * perRow + i] = (float)outputGradient[i];
        var dx = new float[entities * steps * model.InputSize];
        var dInitial = new float[entities * stateSize];
        batch.ZeroGradients();
        if (hasHead) batch.BackwardFromLogits(dOutputs, dx, finalState, dInitial);
        else batch.Backward(dOutputs, dx, finalState, dInitial);

        int inputs = steps * model.InputSize;
        yield return CaseRunner.Compare(prefix + ".x", dx.AsSpan(row * inputs, inputs).ToArray(), expected.X);
        var (dh0, dc0) = CaseRunner.Rows(model, dInitial.AsSpan(row * stateSize, stateSize).ToArray());
        yield return CaseRunner.Compare(prefix + ".h0", dh0, expected.H0);
        if (expected.C0 is not null) yield return CaseRunner.Compare(prefix + ".c0", dc0, expected.C0);
        var gradients = batch.Gradients.ToArray();
        foreach (var (name, want) in expected.Parameters)
        {
            var tensor = batch.ParameterTensors.FirstOrDefault(t => t.Name == name);
            yield return tensor is null
                ? new ArrayComparison($"{prefix}.params.{name} (missing in model)", double.PositiveInfinity, false)
                : CaseRunner.Compare($"{prefix}.params.{name}", gradients.AsSpan(tensor.Offset, tensor.Length).ToArray(), want);
        }
    }
}
