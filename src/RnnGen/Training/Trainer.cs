using System.Numerics.Tensors;

namespace RnnGen.Training;

/// <summary>
/// Trains a generated model: forward → loss → backward (BPTT) → average over the mini-batch → clip → optimizer step.
/// Every buffer is allocated at construction; <see cref="Train(ReadOnlySpan{float}, ReadOnlySpan{int})"/>,
/// <see cref="Accumulate(ReadOnlySpan{int}, ReadOnlySpan{float})"/>, <see cref="Apply"/> and <see cref="TrainTruncated(ReadOnlySpan{float}, ReadOnlySpan{int}, int)"/>
/// allocate nothing. Nothing non-finite ever reaches the weights or the optimizer's state: a step with a non-finite
/// input, target, state, loss, gradient or update is skipped, counted, and reported with its <see cref="TrainingSkipReason"/>.
/// </summary>
public sealed class Trainer
{
    private readonly IRecurrentModel _model;
    private readonly IOptimizer _optimizer;
    private readonly TrainerOptions _options;
    private readonly float[] _outputs;
    private readonly float[] _outputGradient;
    private readonly float[] _initialStateGradient;
    private readonly float[] _stateBefore;
    private int _accumulated;
    private double _accumulatedLoss;
    private TrainingSkipReason _skip;        // the mini-batch's first problem
    private TrainingSkipReason _lastForward; // the last Forward's problem, joining the batch when it is accumulated

    /// <summary>Creates a trainer for <paramref name="model"/> (vector or token input) with an optimizer sized for its parameters.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range: an undefined loss or reduction, or a clip limit that is not positive.</exception>
    /// <exception cref="ArgumentException">The optimizer's parameter count differs from the model's.</exception>
    public Trainer(IRecurrentModel model, IOptimizer optimizer, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (optimizer.ParameterCount != model.Parameters.Length)
            throw new ArgumentException($"The optimizer was made for {optimizer.ParameterCount} parameters, but the model has {model.Parameters.Length}.", nameof(optimizer));
        _options = options ?? new TrainerOptions();
        _options.Validate();
        _model = model;
        _optimizer = optimizer;
        int rows = model.OutputsEveryStep ? model.SequenceLength : 1;
        _outputs = new float[rows * model.OutputSize];
        _outputGradient = new float[rows * model.OutputSize];
        _initialStateGradient = new float[model.State.Length];
        _stateBefore = new float[model.State.Length];
        model.ZeroGradients();
    }

    /// <summary>The model being trained.</summary>
    public IRecurrentModel Model => _model;

    /// <summary>The outputs of the last <c>Forward</c> (rows × OutputSize).</summary>
    public ReadOnlySpan<float> Outputs => _outputs.AsSpan(0, Rows * _model.OutputSize);

    /// <summary>dL/d(initial state) of the last <c>Accumulate</c>, laid out as the model's state: hand it to an encoder's Backward as its final-state gradient.</summary>
    public ReadOnlySpan<float> InitialStateGradient => _initialStateGradient;

    /// <summary>Sequences accumulated since the last <see cref="Apply"/>.</summary>
    public int Accumulated => _accumulated;

    /// <summary>Optimizer steps skipped because an input, target, state, loss, gradient or update was not finite.</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>Optimizer steps applied.</summary>
    public long AppliedSteps { get; private set; }

    private int Rows => _model.RecordedSteps == 0 ? 0 : _model.OutputsEveryStep ? _model.RecordedSteps : 1;

    /// <summary>
    /// Runs the model over a sequence of float vectors (resetting the state first unless configured otherwise). An input
    /// that is NaN or ±∞, or a run that leaves a non-finite state, marks the mini-batch to be skipped and puts the state
    /// back as it was before this sequence.
    /// </summary>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> inputs)
    {
        var model = _model as ISequenceModel ?? throw new InvalidOperationException("This model takes tokens: call Forward(ReadOnlySpan<int>).");
        if (_options.ResetStateEachSequence) _model.ResetState();
        ForwardGuarded(model, inputs);
        return Outputs;
    }

    /// <summary>Runs the model over a sequence of tokens (resetting the state first unless configured otherwise); a run that leaves a non-finite state is handled as for float inputs.</summary>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<int> tokens)
    {
        var model = _model as ITokenSequenceModel ?? throw new InvalidOperationException("This model takes float vectors: call Forward(ReadOnlySpan<float>).");
        if (_options.ResetStateEachSequence) _model.ResetState();
        _model.State.CopyTo(_stateBefore);
        _lastForward = TrainingSkipReason.None;
        model.Forward(tokens, _outputs);
        GuardState(inputsFinite: true);
        return Outputs;
    }

    /// <summary>
    /// Scores the last <c>Forward</c> against class targets (one per output row) with softmax cross-entropy, runs Backward,
    /// and adds the gradients to the batch. Returns the sequence's loss.
    /// </summary>
    /// <param name="targets">Class index per scored row.</param>
    /// <param name="finalStateGradient">Optional dL/d(final state) arriving from later computation (e.g. a decoder); empty means zero.</param>
    public float Accumulate(ReadOnlySpan<int> targets, ReadOnlySpan<float> finalStateGradient = default)
    {
        RequireLoss(TrainingLoss.SoftmaxCrossEntropy);
        int rows = RequireRows(targets.Length);
        Span<float> gradient = _outputGradient.AsSpan(0, rows * _model.OutputSize);
        float loss = SoftmaxCrossEntropy.Compute(_model.Logits, _model.OutputSize, targets, gradient, _options.Reduction);
        _model.BackwardFromLogits(gradient, default, finalStateGradient, _initialStateGradient);
        return Record(loss);
    }

    /// <summary>
    /// Scores the last <c>Forward</c> against float targets (same shape as the outputs) with the configured binary
    /// cross-entropy or mean squared error, runs Backward, and adds the gradients to the batch. Returns the sequence's loss.
    /// </summary>
    public float Accumulate(ReadOnlySpan<float> targets, ReadOnlySpan<float> finalStateGradient = default)
    {
        int rows = RequireRows(targets.Length / Math.Max(1, _model.OutputSize));
        if (targets.Length != rows * _model.OutputSize)
            throw new ArgumentException($"Expected {rows * _model.OutputSize} targets ({rows} rows of {_model.OutputSize}), but got {targets.Length}.", nameof(targets));
        if (_options.Loss == TrainingLoss.SoftmaxCrossEntropy)
            throw new InvalidOperationException("Softmax cross-entropy takes integer class targets: call Accumulate(ReadOnlySpan<int>).");
        if (!GradientClipping.AllFinite(targets))
        {
            // A NaN or ±∞ target is a bad sample, not a bad call: it costs its mini-batch, as a non-finite input does.
            Skip(TrainingSkipReason.NonFiniteInput);
            return Record(float.NaN);
        }
        _options.CheckTargets(targets, "nothing was accumulated");
        Span<float> gradient = _outputGradient.AsSpan(0, targets.Length);
        float loss;
        switch (_options.Loss)
        {
            case TrainingLoss.SigmoidBinaryCrossEntropy:
                loss = SigmoidBinaryCrossEntropy.Compute(_model.Logits, targets, gradient, _options.Reduction);
                _model.BackwardFromLogits(gradient, default, finalStateGradient, _initialStateGradient);
                break;
            case TrainingLoss.MeanSquaredError:
                loss = MeanSquaredError.Compute(Outputs, targets, gradient, _options.Reduction);
                _model.Backward(gradient, default, finalStateGradient, _initialStateGradient);
                break;
            default:
                throw new InvalidOperationException($"Unknown loss {_options.Loss}.");
        }
        return Record(loss);
    }

    /// <summary>
    /// Ends the mini-batch: averages the accumulated gradients over its sequences, clips them, and takes one optimizer
    /// step, unless an input, target, state, loss, gradient or the update itself was not finite, in which case the step
    /// is skipped and the weights and the optimizer are untouched. Gradients are zeroed either way.
    /// </summary>
    /// <exception cref="InvalidOperationException">Nothing was accumulated.</exception>
    public TrainingStep Apply()
    {
        if (_accumulated == 0) throw new InvalidOperationException("Nothing to apply: call Accumulate at least once first.");
        Span<float> gradients = _model.Gradients;
        float loss = (float)(_accumulatedLoss / _accumulated);
        if (_accumulated > 1) TensorPrimitives.Multiply(gradients, 1f / _accumulated, gradients);
        if (!float.IsFinite(loss)) Skip(TrainingSkipReason.NonFiniteLoss);
        if (!GradientClipping.AllFinite(gradients)) Skip(TrainingSkipReason.NonFiniteGradient);
        float norm = GradientClipping.GlobalNorm(gradients);
        if (_skip == TrainingSkipReason.None)
        {
            if (_options.ClipNorm is float maxNorm) GradientClipping.ClipByGlobalNorm(gradients, maxNorm);
            if (_options.ClipValue is float limit) GradientClipping.ClipByValue(gradients, limit);
            if (!_optimizer.Step(_model.Parameters, gradients)) Skip(TrainingSkipReason.NonFiniteUpdate);
        }
        TrainingSkipReason reason = _skip;
        if (reason == TrainingSkipReason.None) AppliedSteps++;
        else SkippedSteps++;
        _model.ZeroGradients();
        _accumulated = 0;
        _accumulatedLoss = 0;
        _skip = TrainingSkipReason.None;
        return new TrainingStep(loss, norm, reason);
    }

    /// <summary>One sequence, one optimizer step: Forward, softmax cross-entropy, Backward, clip, step.</summary>
    public TrainingStep Train(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets)
    {
        Forward(inputs);
        Accumulate(targets);
        return Apply();
    }

    /// <summary>One token sequence, one optimizer step, softmax cross-entropy.</summary>
    public TrainingStep Train(ReadOnlySpan<int> tokens, ReadOnlySpan<int> targets)
    {
        Forward(tokens);
        Accumulate(targets);
        return Apply();
    }

    /// <summary>One sequence, one optimizer step, with the configured float-target loss.</summary>
    public TrainingStep Train(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets)
    {
        Forward(inputs);
        Accumulate(targets);
        return Apply();
    }

    /// <summary>
    /// Truncated BPTT over a long stream with a target per step (the model's head must read every step): the stream is cut
    /// into chunks of at most <paramref name="chunkSteps"/> (≤ SequenceLength) steps, the state carries from chunk to chunk,
    /// the gradient does not cross a chunk boundary, and each chunk takes one optimizer step. The state is reset once, at
    /// the start. Returns the mean loss of the chunks that were applied and how many were skipped, with the first reason
    /// (a chunk with a non-finite input or loss is skipped like any mini-batch). To let gradients reach further back, use a
    /// longer chunk (and SequenceLength).
    /// </summary>
    public TruncatedTraining TrainTruncated(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets, int chunkSteps)
    {
        var model = _model as ISequenceModel ?? throw new InvalidOperationException("This model takes tokens, not float vectors.");
        int steps = RequireStream(inputs.Length, targets.Length, 1, chunkSteps);
        RequireLoss(TrainingLoss.SoftmaxCrossEntropy);
        var result = new TruncatedTrainingTally();
        _model.ResetState();
        for (int start = 0; start < steps; start += chunkSteps)
        {
            int length = Math.Min(chunkSteps, steps - start);
            ForwardGuarded(model, inputs.Slice(start * _model.InputSize, length * _model.InputSize));
            Accumulate(targets.Slice(start, length));
            result.Add(Apply());
        }
        return result.Result;
    }

    /// <summary>
    /// Truncated BPTT as <see cref="TrainTruncated(ReadOnlySpan{float}, ReadOnlySpan{int}, int)"/>, with float targets
    /// (one output row per step) and the configured binary cross-entropy or mean squared error.
    /// </summary>
    public TruncatedTraining TrainTruncated(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int chunkSteps)
    {
        var model = _model as ISequenceModel ?? throw new InvalidOperationException("This model takes tokens, not float vectors.");
        int steps = RequireStream(inputs.Length, targets.Length, _model.OutputSize, chunkSteps);
        if (_options.Loss == TrainingLoss.SoftmaxCrossEntropy)
            throw new InvalidOperationException("Softmax cross-entropy takes integer class targets: call TrainTruncated with ReadOnlySpan<int> targets.");
        var result = new TruncatedTrainingTally();
        _model.ResetState();
        for (int start = 0; start < steps; start += chunkSteps)
        {
            int length = Math.Min(chunkSteps, steps - start);
            ForwardGuarded(model, inputs.Slice(start * _model.InputSize, length * _model.InputSize));
            Accumulate(targets.Slice(start * _model.OutputSize, length * _model.OutputSize));
            result.Add(Apply());
        }
        return result.Result;
    }

    private int RequireStream(int inputLength, int targetCount, int targetsPerStep, int chunkSteps)
    {
        if (!_model.OutputsEveryStep) throw new InvalidOperationException("Truncated BPTT needs a target per step: give the model a head over every step (or no head).");
        if (chunkSteps < 1 || chunkSteps > _model.SequenceLength)
            throw new ArgumentOutOfRangeException(nameof(chunkSteps), chunkSteps, $"A chunk must have 1 to SequenceLength ({_model.SequenceLength}) steps.");
        int steps = inputLength / _model.InputSize;
        if (steps == 0 || steps * _model.InputSize != inputLength)
            throw new ArgumentException($"The stream must hold whole steps of {_model.InputSize} floats, but has {inputLength}.", "inputs");
        if (targetCount != steps * targetsPerStep)
            throw new ArgumentException(targetsPerStep == 1
                ? $"Expected one target per step ({steps}), but got {targetCount}."
                : $"Expected one row of {targetsPerStep} targets per step ({steps * targetsPerStep}), but got {targetCount}.", "targets");
        return steps;
    }

    private void RequireLoss(TrainingLoss loss)
    {
        if (_options.Loss != loss)
            throw new InvalidOperationException($"This trainer minimises {_options.Loss}, which takes float targets: call Accumulate(ReadOnlySpan<float>).");
    }

    private int RequireRows(int targetRows)
    {
        if (_model.RecordedSteps == 0) throw new InvalidOperationException("Call Forward before Accumulate.");
        int rows = Rows;
        if (targetRows != rows)
            throw new ArgumentException($"The last Forward produced {rows} output row(s), so {rows} target row(s) are needed, but got {targetRows}.", "targets");
        return rows;
    }

    /// <summary>Forward from the current state; on a non-finite input or resulting state, the state is put back and the batch marked.</summary>
    private void ForwardGuarded(ISequenceModel model, ReadOnlySpan<float> inputs)
    {
        _model.State.CopyTo(_stateBefore);
        _lastForward = TrainingSkipReason.None;
        model.Forward(inputs, _outputs);
        GuardState(GradientClipping.AllFinite(inputs));
    }

    private void GuardState(bool inputsFinite)
    {
        if (inputsFinite && GradientClipping.AllFinite(_model.State)) return;
        _lastForward = inputsFinite ? TrainingSkipReason.NonFiniteState : TrainingSkipReason.NonFiniteInput;
        _stateBefore.CopyTo(_model.State);
    }

    /// <summary>Marks the mini-batch to be skipped, keeping the first reason found (None marks nothing).</summary>
    private void Skip(TrainingSkipReason reason)
    {
        if (_skip == TrainingSkipReason.None) _skip = reason;
    }

    private float Record(float loss)
    {
        Skip(_lastForward);
        if (!float.IsFinite(loss)) Skip(TrainingSkipReason.NonFiniteLoss);
        _accumulatedLoss += loss;
        _accumulated++;
        return loss;
    }
}
