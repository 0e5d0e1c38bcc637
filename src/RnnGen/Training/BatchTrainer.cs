using System.Numerics.Tensors;
using RnnGen.Batching;

namespace RnnGen.Training;

/// <summary>
/// Mini-batch training through a model's <c>Batch</c>: the B sequences of a step go through one batched Forward and one
/// batched Backward (weight gradients as matrix–matrix products over the sequences and steps), then the mean gradient is
/// clipped and the optimizer steps, all allocation-free after construction. The result equals <see cref="Trainer"/>'s
/// <c>Forward</c> + <c>Accumulate</c> per sequence and one <c>Apply</c> (the same losses, mean over sequences) to float
/// rounding. The batch's weights are the ones trained: pass a batch that shares a model's weights
/// (<c>new Model.Batch(model, capacity)</c>) to train that model.
/// </summary>
public sealed class BatchTrainer
{
    private readonly RecurrentBatch _batch;
    private readonly IOptimizer _optimizer;
    private readonly TrainerOptions _options;
    private readonly float[] _outputs, _logits, _gradient, _stateBefore;
    private TrainingSkipReason _forwardProblem; // what the last Forward found wrong with its inputs or state

    /// <summary>Creates a trainer for <paramref name="batch"/> with an optimizer sized for its parameters.</summary>
    /// <exception cref="ArgumentException">The optimizer's parameter count differs from the batch's, or a clip limit is not positive.</exception>
    public BatchTrainer(RecurrentBatch batch, IOptimizer optimizer, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (optimizer.ParameterCount != batch.Parameters.Length)
            throw new ArgumentException($"The optimizer was made for {optimizer.ParameterCount} parameters, but the batch has {batch.Parameters.Length}.", nameof(optimizer));
        _options = options ?? new TrainerOptions();
        _options.Validate();
        _batch = batch;
        _optimizer = optimizer;
        int floats = batch.Capacity * batch.SequenceLength * batch.OutputSize;
        _outputs = new float[floats];
        _logits = new float[floats];
        _gradient = new float[floats];
        _stateBefore = new float[batch.Capacity * batch.StateSize];
        batch.ZeroGradients();
    }

    /// <summary>The batch being trained.</summary>
    public RecurrentBatch Batch => _batch;

    /// <summary>
    /// Optimizer steps skipped because an input or float target, the state after Forward, the loss, a gradient or the
    /// update was not finite (each step's <see cref="TrainingStep.SkipReason"/> says which). A skipped step leaves the
    /// weights, the optimizer and the entities' states as they were.
    /// </summary>
    public long SkippedSteps { get; private set; }

    /// <summary>Optimizer steps applied.</summary>
    public long AppliedSteps { get; private set; }

    /// <summary>
    /// One optimizer step on <paramref name="sequences"/> sequences of float vectors ([sequences × steps × InputSize]) with
    /// softmax cross-entropy against class targets ([sequences × rows], rows = steps or 1).
    /// </summary>
    public TrainingStep Train(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets, int sequences)
    {
        RequireLoss(TrainingLoss.SoftmaxCrossEntropy);
        int rows = Forward(inputs, default, false, targets.Length, sequences);
        return Step(sequences, rows, targets, default);
    }

    /// <summary>As <see cref="Train(ReadOnlySpan{float}, ReadOnlySpan{int}, int)"/> for token sequences ([sequences × steps]).</summary>
    public TrainingStep Train(ReadOnlySpan<int> tokens, ReadOnlySpan<int> targets, int sequences)
    {
        RequireLoss(TrainingLoss.SoftmaxCrossEntropy);
        int rows = Forward(default, tokens, true, targets.Length, sequences);
        return Step(sequences, rows, targets, default);
    }

    /// <summary>
    /// One optimizer step with the configured float-target loss (sigmoid binary cross-entropy or mean squared error);
    /// <paramref name="targets"/> has the outputs' shape, [sequences × rows × OutputSize].
    /// </summary>
    public TrainingStep Train(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int sequences)
    {
        if (_options.Loss == TrainingLoss.SoftmaxCrossEntropy)
            throw new InvalidOperationException("Softmax cross-entropy takes integer class targets: call Train(inputs, ReadOnlySpan<int> targets, sequences).");
        int rows = Forward(inputs, default, false, targets.Length / Math.Max(1, _batch.OutputSize), sequences);
        if (targets.Length != sequences * rows * _batch.OutputSize)
            throw new ArgumentException($"Expected {sequences * rows * _batch.OutputSize} targets ({sequences} sequences × {rows} rows × {_batch.OutputSize}), but got {targets.Length}.", nameof(targets));
        if (_forwardProblem == TrainingSkipReason.None && !GradientClipping.AllFinite(targets))
            _forwardProblem = TrainingSkipReason.NonFiniteInput; // a bad sample costs its step, as a non-finite input does
        if (_forwardProblem == TrainingSkipReason.None)
            _options.CheckTargets(targets, "nothing was trained");
        return Step(sequences, rows, default, targets);
    }

    /// <summary>Sets the slots to <paramref name="sequences"/> entities, runs Forward and returns the rows per sequence.</summary>
    private int Forward(ReadOnlySpan<float> inputs, ReadOnlySpan<int> tokens, bool useTokens, int targetRows, int sequences)
    {
        if (sequences < 1 || sequences > _batch.Capacity)
            throw new ArgumentOutOfRangeException(nameof(sequences), sequences, $"A step takes 1 to the batch's Capacity ({_batch.Capacity}) sequences.");
        int length = useTokens ? tokens.Length : inputs.Length, perStep = useTokens ? 1 : _batch.InputSize;
        int steps = length / (sequences * perStep);
        if (steps < 1 || steps > _batch.SequenceLength || steps * sequences * perStep != length)
            throw new ArgumentException($"Expected {sequences} sequences of 1 to {_batch.SequenceLength} steps of {perStep} value(s), but got {length} values.", useTokens ? "tokens" : "inputs");
        int rows = _batch.OutputsEveryStep ? steps : 1;
        if (targetRows != sequences * rows)
            throw new ArgumentException($"{sequences} sequences of {steps} steps produce {sequences * rows} output rows, so as many target rows are needed, but got {targetRows}.", "targets");
        if (_batch.Count != sequences)
        {
            _batch.Clear();
            for (int i = 0; i < sequences; i++) _batch.Add();
        }
        else if (_options.ResetStateEachSequence)
        {
            _batch.ResetState();
        }
        _forwardProblem = TrainingSkipReason.None;
        if (!useTokens && !GradientClipping.AllFinite(inputs))
        {
            _forwardProblem = TrainingSkipReason.NonFiniteInput; // not run: the states stay as they are
            return rows;
        }
        int stateSize = _batch.StateSize;
        ReadOnlySpan<int> slots = _batch.ActiveSlots;
        for (int i = 0; i < slots.Length; i++) _batch.GetState(slots[i], _stateBefore.AsSpan(i * stateSize, stateSize));
        Span<float> outputs = _outputs.AsSpan(0, sequences * rows * _batch.OutputSize);
        if (useTokens) ((ITokenSequenceBatch)_batch).Forward(tokens, outputs);
        else ((ISequenceBatch)_batch).Forward(inputs, outputs);
        Span<float> state = _logits.AsSpan(0, stateSize); // scratch: the logits are read only after this
        for (int i = 0; i < slots.Length && _forwardProblem == TrainingSkipReason.None; i++)
        {
            _batch.GetState(slots[i], state);
            if (!GradientClipping.AllFinite(state)) _forwardProblem = TrainingSkipReason.NonFiniteState;
        }
        if (_forwardProblem != TrainingSkipReason.None)
            for (int i = 0; i < slots.Length; i++) _batch.SetState(slots[i], _stateBefore.AsSpan(i * stateSize, stateSize));
        return rows;
    }

    private TrainingStep Step(int sequences, int rows, ReadOnlySpan<int> classTargets, ReadOnlySpan<float> floatTargets)
    {
        if (_forwardProblem != TrainingSkipReason.None)
        {
            SkippedSteps++;
            return new TrainingStep(float.NaN, float.NaN, _forwardProblem);
        }
        int perSequence = rows * _batch.OutputSize, total = sequences * perSequence;
        Span<float> logits = _logits.AsSpan(0, total), outputs = _outputs.AsSpan(0, total), gradient = _gradient.AsSpan(0, total);
        _batch.CopyLogits(logits);
        double loss = 0;
        var reason = TrainingSkipReason.None;
        for (int e = 0; e < sequences; e++)
        {
            Span<float> g = gradient.Slice(e * perSequence, perSequence);
            float sequenceLoss = _options.Loss switch
            {
                TrainingLoss.SoftmaxCrossEntropy => SoftmaxCrossEntropy.Compute(logits.Slice(e * perSequence, perSequence), _batch.OutputSize, classTargets.Slice(e * rows, rows), g, _options.Reduction),
                TrainingLoss.SigmoidBinaryCrossEntropy => SigmoidBinaryCrossEntropy.Compute(logits.Slice(e * perSequence, perSequence), floatTargets.Slice(e * perSequence, perSequence), g, _options.Reduction),
                _ => MeanSquaredError.Compute(outputs.Slice(e * perSequence, perSequence), floatTargets.Slice(e * perSequence, perSequence), g, _options.Reduction),
            };
            if (!float.IsFinite(sequenceLoss)) reason = TrainingSkipReason.NonFiniteLoss;
            loss += sequenceLoss;
        }
        if (_options.Loss == TrainingLoss.MeanSquaredError) _batch.Backward(gradient, default, default, default);
        else _batch.BackwardFromLogits(gradient, default, default, default);

        Span<float> gradients = _batch.Gradients;
        if (sequences > 1) TensorPrimitives.Multiply(gradients, 1f / sequences, gradients);
        float meanLoss = (float)(loss / sequences);
        if (reason == TrainingSkipReason.None && !float.IsFinite(meanLoss)) reason = TrainingSkipReason.NonFiniteLoss;
        if (reason == TrainingSkipReason.None && !GradientClipping.AllFinite(gradients)) reason = TrainingSkipReason.NonFiniteGradient;
        float norm = GradientClipping.GlobalNorm(gradients);
        if (reason == TrainingSkipReason.None)
        {
            if (_options.ClipNorm is float maxNorm) GradientClipping.ClipByGlobalNorm(gradients, maxNorm);
            if (_options.ClipValue is float limit) GradientClipping.ClipByValue(gradients, limit);
            if (!_optimizer.Step(_batch.Parameters, gradients)) reason = TrainingSkipReason.NonFiniteUpdate;
        }
        if (reason == TrainingSkipReason.None) AppliedSteps++;
        else SkippedSteps++;
        _batch.ZeroGradients();
        return new TrainingStep(meanLoss, norm, reason);
    }

    private void RequireLoss(TrainingLoss loss)
    {
        if (_options.Loss != loss)
            throw new InvalidOperationException($"This trainer minimises {_options.Loss}, which takes float targets: call Train(inputs, ReadOnlySpan<float> targets, sequences).");
    }
}
