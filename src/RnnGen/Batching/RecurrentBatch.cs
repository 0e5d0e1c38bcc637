using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using RnnGen.Kernels;

namespace RnnGen.Batching;

/// <summary>
/// One weight set and up to <see cref="Capacity"/> independent recurrent states: a generated model's nested
/// <c>Batch</c> (e.g. <c>new GestureNet.Batch(capacity: 1024)</c>) derives from this. Entities join with
/// <see cref="Add"/> and leave with <see cref="Remove"/>; a slot id stays valid until removed, while the batch keeps
/// the active entities packed in the order <see cref="ActiveSlots"/> lists (the rows of every call's inputs and outputs).
/// Every buffer is allocated at construction, except Forward's records, which the first Forward of a larger batch than
/// before allocates. Step, Forward and Backward allocate nothing after that, whatever <see cref="Threads"/> is.
/// </summary>
/// <remarks>
/// State lives in lanes: a block of 16 entities holds, for each of the model's <see cref="StateSize"/> state values,
/// one 16-float vector (value k of entities 0..15), so one 512-bit FMA serves 16 entities. Each entity's numbers are
/// computed by the same operations whatever the batch size, its place in the batch or the number of threads, so results
/// are bit-identical for any <see cref="Threads"/>. A batch is not thread-safe: call it from one thread at a time.
/// </remarks>
public abstract class RecurrentBatch : IParameterSet, IDisposable
{
    /// <summary>The largest <see cref="Capacity"/> a batch may have.</summary>
    public const int MaxCapacity = 65_536;

    /// <summary>Entities per lane block.</summary>
    public const int Lanes = BatchKernels.Lanes;

    private readonly BatchShape _shape;
    private readonly int[] _positionOfSlot, _slotAtPosition, _freeSlots, _listedStamp;
    private readonly float[] _stateLanes, _gatherLanes, _gradients;
    private readonly float[] _stepInputs, _stepOutputs;
    private readonly int[] _stepTokens;
    private readonly Work _work;
    private int _count, _freeCount, _stamp, _membership;

    // Forward and Backward buffers, grown to the largest batch seen (in blocks of 16 sequences).
    private int _sequenceBlocks;
    private float[] _sequenceInputs = [], _initialLanes = [], _logitRows = [], _outputRows = [], _gradLogitRows = [];
    private float[] _inputGradientRows = [], _finalStateGradientRows = [], _initialStateGradientRows = [];
    private float[] _recomputedOutputs = [];
    private int[] _sequenceTokens = [];
    private int _recordedSequences, _recordedSteps, _recordedMembership;
    private bool _recordedTokens;

    // Scheduling: what the current call does, and each part's scratch (lanes path) or model (per-entity path).
    private IBatchScheduler? _scheduler;
    private BatchThreads? _ownThreads;
    private float[][] _scratch = [];
    private IRecurrentModel[] _workers = [];
    private bool _perEntity;
    private Operation _operation;
    private float[] _activeLanes;
    private int _units, _parts, _partsRun, _callEntities, _callSteps;
    private bool _callTokens, _wantInputGradient, _hasFinalStateGradient, _wantInitialStateGradient;

    private enum Operation { Step, Forward, Backward, WeightGradients }

    /// <summary>Allocates the slots, the state of <paramref name="capacity"/> entities and the gradients.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is not in [1, <see cref="MaxCapacity"/>], or the state of that many entities would not fit one array.</exception>
    protected RecurrentBatch(int capacity, BatchShape shape, int parameterCount)
    {
        if (capacity < 1 || capacity > MaxCapacity)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"A batch holds 1 to {MaxCapacity} entities.");
        long stateFloats = (long)Blocks(capacity) * Lanes * shape.StateSize;
        if (stateFloats > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"{capacity} states of {shape.StateSize} floats do not fit one array; use a smaller capacity.");
        _shape = shape;
        Capacity = capacity;
        _positionOfSlot = new int[capacity];
        _slotAtPosition = new int[capacity];
        _freeSlots = new int[capacity];
        _listedStamp = new int[capacity];
        Array.Fill(_positionOfSlot, -1);
        for (int i = 0; i < capacity; i++) _freeSlots[i] = capacity - 1 - i;
        _freeCount = capacity;
        _stateLanes = new float[stateFloats];
        _gatherLanes = new float[stateFloats];
        _activeLanes = _stateLanes;
        _gradients = new float[parameterCount];
        _stepInputs = new float[capacity * Math.Max(1, shape.InputSize)];
        _stepTokens = new int[capacity];
        _stepOutputs = new float[capacity * shape.OutputSize];
        _work = new Work(this);
        _perEntity = !shape.HasLanes;
    }

    /// <summary>
    /// Allocates the per-thread scratch or worker models for the current parallelism. The generated constructor calls it
    /// last, once its own fields are set (it calls <see cref="CreateWorker"/> and <see cref="ScratchLength"/>).
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected void Initialize() => PrepareParts(Parallelism);

    // ---- Sizes ----------------------------------------------------------------------------------------------------

    /// <summary>The most entities the batch holds at once.</summary>
    public int Capacity { get; }

    /// <summary>Entities in the batch now (active slots).</summary>
    public int Count => _count;

    /// <summary>Floats per input step (a token model: the embedding dimension; its calls take one token per step).</summary>
    public int InputSize => _shape.InputSize;

    /// <summary>Floats per output row.</summary>
    public int OutputSize => _shape.OutputSize;

    /// <summary>The unroll window T: the most steps Forward accepts.</summary>
    public int SequenceLength => _shape.SequenceLength;

    /// <summary>Floats of one entity's state, laid out as the model's <c>State</c>.</summary>
    public int StateSize => _shape.StateSize;

    /// <summary>Whether Forward writes one output row per step (else one row per sequence: a last-step head).</summary>
    public bool OutputsEveryStep => _shape.OutputsEveryStep;

    /// <summary>Whether this batch's calls take the lanes path or run entity by entity (<see cref="BatchPath"/>).</summary>
    public BatchPath Path => _perEntity ? BatchPath.PerEntity : BatchPath.Lanes16;

    /// <inheritdoc />
    public abstract Span<float> Parameters { get; }

    /// <inheritdoc />
    public abstract IReadOnlyList<ParameterTensor> ParameterTensors { get; }

    /// <summary>Gradients Backward accumulates, laid out as <see cref="Parameters"/>; the batch's own (a model sharing the weights keeps its own too).</summary>
    public Span<float> Gradients => _gradients;

    /// <summary>Sets every entry of <see cref="Gradients"/> to zero.</summary>
    public void ZeroGradients() => Array.Clear(_gradients);

    // ---- Slots --------------------------------------------------------------------------------------------------

    /// <summary>The active slots in row order: row r of every call's inputs and outputs belongs to slot <c>ActiveSlots[r]</c>.</summary>
    public ReadOnlySpan<int> ActiveSlots => _slotAtPosition.AsSpan(0, _count);

    /// <summary>
    /// Adds an entity with a zero state and returns its slot id, valid until <see cref="Remove"/>. It takes the last row
    /// (<see cref="Count"/> − 1). Allocates nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">All <see cref="Capacity"/> slots are in use.</exception>
    public int Add()
    {
        if (_freeCount == 0)
            throw new InvalidOperationException($"The batch is full: all {Capacity} slots are in use. Remove one first, or create the batch with a larger capacity.");
        int slot = _freeSlots[--_freeCount];
        int position = _count++;
        _positionOfSlot[slot] = position;
        _slotAtPosition[position] = slot;
        ClearLanes(_stateLanes, position);
        _membership++;
        return slot;
    }

    /// <summary>
    /// Removes an entity. The last row's entity moves into its row (<see cref="ActiveSlots"/> changes order; every other
    /// slot id stays valid and keeps its state). Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slot"/> is not in [0, Capacity).</exception>
    /// <exception cref="ArgumentException"><paramref name="slot"/> is not in use.</exception>
    public void Remove(int slot)
    {
        int position = PositionOf(slot, nameof(slot));
        int last = --_count;
        if (position != last)
        {
            int moved = _slotAtPosition[last];
            CopyLanes(_stateLanes, last, _stateLanes, position);
            _slotAtPosition[position] = moved;
            _positionOfSlot[moved] = position;
        }
        ClearLanes(_stateLanes, last);
        _positionOfSlot[slot] = -1;
        _freeSlots[_freeCount++] = slot;
        _membership++;
    }

    /// <summary>Removes every entity.</summary>
    public void Clear()
    {
        while (_count > 0) Remove(_slotAtPosition[_count - 1]);
    }

    /// <summary>Whether <paramref name="slot"/> is in use.</summary>
    public bool Contains(int slot) => (uint)slot < (uint)Capacity && _positionOfSlot[slot] >= 0;

    /// <summary>The row of <paramref name="slot"/> in every call's inputs and outputs (its index in <see cref="ActiveSlots"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slot"/> is not in [0, Capacity).</exception>
    /// <exception cref="ArgumentException"><paramref name="slot"/> is not in use.</exception>
    public int RowOf(int slot) => PositionOf(slot, nameof(slot));

    /// <summary>Sets one entity's state to zero.</summary>
    public void ResetState(int slot) => ClearLanes(_stateLanes, PositionOf(slot, nameof(slot)));

    /// <summary>Sets every entity's state to zero.</summary>
    public void ResetState()
    {
        for (int position = 0; position < _count; position++) ClearLanes(_stateLanes, position);
    }

    /// <summary>Copies one entity's state (<see cref="StateSize"/> floats, laid out as the model's <c>State</c>) into <paramref name="state"/>.</summary>
    public void GetState(int slot, Span<float> state)
    {
        int position = PositionOf(slot, nameof(slot));
        ModelGuard.Exactly(state.Length, StateSize, nameof(state));
        ReadLanes(_stateLanes, position, state);
    }

    /// <summary>Sets one entity's state from <paramref name="state"/> (<see cref="StateSize"/> floats, laid out as the model's <c>State</c>).</summary>
    public void SetState(int slot, ReadOnlySpan<float> state)
    {
        int position = PositionOf(slot, nameof(slot));
        ModelGuard.Exactly(state.Length, StateSize, nameof(state));
        WriteLanes(state, _stateLanes, position);
    }

    // ---- Threads ------------------------------------------------------------------------------------------------

    /// <summary>
    /// Threads a call may use, the caller's included (1 by default: everything runs on the calling thread). Setting it
    /// starts that many − 1 dedicated background threads (once, not per call) and replaces any <see cref="Scheduler"/>.
    /// Results are bit-identical for any value.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in [1, <see cref="BatchThreads.MaxThreads"/>].</exception>
    public int Threads
    {
        get => Parallelism;
        set
        {
            if (value < 1 || value > BatchThreads.MaxThreads)
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Threads must be 1 to {BatchThreads.MaxThreads}.");
            var own = value == 1 ? null : new BatchThreads(value);
            PrepareParts(value);
            _ownThreads?.Dispose();
            _ownThreads = own;
            _scheduler = own;
        }
    }

    /// <summary>
    /// The scheduler a call splits its work over: the one <see cref="Threads"/> created, or the caller's own (a job
    /// system). Null runs everything on the calling thread. A caller's scheduler is not disposed by the batch.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The scheduler's <see cref="IBatchScheduler.Parallelism"/> is not in [1, <see cref="BatchThreads.MaxThreads"/>].</exception>
    public IBatchScheduler? Scheduler
    {
        get => _scheduler;
        set
        {
            int parallelism = value?.Parallelism ?? 1;
            if (parallelism < 1 || parallelism > BatchThreads.MaxThreads)
                throw new ArgumentOutOfRangeException(nameof(value), parallelism, $"The scheduler's Parallelism must be 1 to {BatchThreads.MaxThreads}.");
            PrepareParts(parallelism);
            if (!ReferenceEquals(value, _ownThreads))
            {
                _ownThreads?.Dispose();
                _ownThreads = null;
            }
            _scheduler = value;
        }
    }

    private int Parallelism => _scheduler?.Parallelism ?? 1;

    /// <summary>Stops the threads <see cref="Threads"/> started.</summary>
    public void Dispose()
    {
        _ownThreads?.Dispose();
        _ownThreads = null;
        _scheduler = null;
        GC.SuppressFinalize(this);
    }

    /// <summary>Bytes the background threads of <see cref="Threads"/> allocated while running parts (0 expected).</summary>
    internal long WorkerAllocatedBytes => _ownThreads?.WorkerAllocatedBytes ?? 0;

    /// <summary>Test hook: takes the per-entity path even where lanes are available (as a machine without AVX-512 would).</summary>
    internal bool UsePerEntityPath
    {
        get => _perEntity;
        set
        {
            _perEntity = value || !_shape.HasLanes;
            PrepareParts(Parallelism);
            _membership++;
        }
    }

    private void PrepareParts(int parts)
    {
        if (_perEntity)
        {
            var workers = new IRecurrentModel[parts];
            for (int i = 0; i < parts; i++) workers[i] = i < _workers.Length ? _workers[i] : CreateWorker(_gradients);
            _workers = workers;
        }
        else
        {
            var scratch = new float[parts][];
            for (int i = 0; i < parts; i++) scratch[i] = i < _scratch.Length ? _scratch[i] : new float[ScratchLength];
            _scratch = scratch;
        }
    }

    // ---- Step ---------------------------------------------------------------------------------------------------

    /// <summary>Step over every active slot (listed = false) or the listed slots, with float inputs or tokens.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected void StepCore(ReadOnlySpan<int> slots, bool listed, ReadOnlySpan<float> inputs, ReadOnlySpan<int> tokens, bool useTokens, Span<float> outputs)
    {
        if (!_shape.CanStep) throw new InvalidOperationException("A model with a bidirectional layer has no Step: its reverse direction needs the whole sequence. Use Forward.");
        int n = listed ? slots.Length : _count;
        if (listed) CheckSlots(slots);
        if (useTokens)
        {
            ModelGuard.Exactly(tokens.Length, n, nameof(tokens));
            for (int i = 0; i < n; i++) ModelGuard.Token(tokens[i], _shape.VocabularySize, i, nameof(tokens));
        }
        else
        {
            ModelGuard.Exactly(inputs.Length, n * InputSize, nameof(inputs));
        }
        ModelGuard.AtLeast(outputs.Length, n * OutputSize, nameof(outputs));
        if (n == 0) return;

        if (useTokens) tokens.CopyTo(_stepTokens);
        else inputs.CopyTo(_stepInputs);
        _activeLanes = _stateLanes;
        if (listed)
        {
            for (int r = 0; r < n; r++) CopyLanes(_stateLanes, _positionOfSlot[slots[r]], _gatherLanes, r);
            for (int r = n; r < Blocks(n) * Lanes; r++) ClearLanes(_gatherLanes, r);
            _activeLanes = _gatherLanes;
        }
        _callEntities = n;
        _callTokens = useTokens;
        Run(Operation.Step, _perEntity ? n : Blocks(n));
        if (listed)
            for (int r = 0; r < n; r++) CopyLanes(_gatherLanes, r, _stateLanes, _positionOfSlot[slots[r]]);
        _activeLanes = _stateLanes;
        _stepOutputs.AsSpan(0, n * OutputSize).CopyTo(outputs);
    }

    // ---- Forward ------------------------------------------------------------------------------------------------

    /// <summary>Forward over every active slot with float sequences or token sequences.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected void ForwardCore(ReadOnlySpan<float> sequences, ReadOnlySpan<int> tokens, bool useTokens, Span<float> outputs)
    {
        int n = _count;
        if (n == 0) throw new InvalidOperationException("The batch has no entities: Add one slot per sequence before Forward.");
        int perStep = useTokens ? 1 : InputSize;
        int length = useTokens ? tokens.Length : sequences.Length;
        string name = useTokens ? nameof(tokens) : nameof(sequences);
        int steps = length / (n * perStep);
        if (steps < 1 || steps > SequenceLength || steps * n * perStep != length)
            throw new ArgumentException(
                $"Expected one sequence per active slot ({n}) of 1 to {SequenceLength} steps of {perStep} value(s): a multiple of {n * perStep} up to {(long)n * perStep * SequenceLength}, but got {length}.", name);
        int rows = OutputsEveryStep ? steps : 1;
        ModelGuard.AtLeast(outputs.Length, n * rows * OutputSize, nameof(outputs));
        if (useTokens)
            for (int i = 0; i < length; i++) ModelGuard.Token(tokens[i], _shape.VocabularySize, i, nameof(tokens));
        EnsureSequenceBuffers(Blocks(n));

        // Each sequence is stored at a stride of SequenceLength steps, so a slot's rows do not move with the length.
        for (int e = 0; e < n; e++)
        {
            if (useTokens) tokens.Slice(e * steps, steps).CopyTo(_sequenceTokens.AsSpan(e * SequenceLength));
            else sequences.Slice(e * steps * InputSize, steps * InputSize).CopyTo(_sequenceInputs.AsSpan(e * SequenceLength * InputSize));
        }
        _stateLanes.AsSpan(0, Blocks(n) * Lanes * StateSize).CopyTo(_initialLanes);
        _callEntities = n;
        _callSteps = steps;
        _callTokens = useTokens;
        _recordedSequences = 0;
        Run(Operation.Forward, _perEntity ? n : Blocks(n));
        for (int e = 0; e < n; e++)
            _outputRows.AsSpan(e * SequenceLength * OutputSize, rows * OutputSize).CopyTo(outputs.Slice(e * rows * OutputSize));
        _recordedSequences = n;
        _recordedSteps = steps;
        _recordedTokens = useTokens;
        _recordedMembership = _membership;
    }

    /// <summary>Sequences recorded by the last Forward (what Backward runs over); 0 before the first or after Add/Remove.</summary>
    public int RecordedSequences => _recordedMembership == _membership ? _recordedSequences : 0;

    /// <summary>Steps per sequence of the last Forward.</summary>
    public int RecordedSteps => RecordedSequences == 0 ? 0 : _recordedSteps;

    private int RecordedRows => OutputsEveryStep ? _recordedSteps : 1;

    /// <summary>
    /// Copies the head's logits (pre-activation outputs) of the last Forward into <paramref name="logits"/>:
    /// [RecordedSequences × rows × OutputSize], the same rows as its outputs.
    /// </summary>
    public void CopyLogits(Span<float> logits)
    {
        RequireRecorded();
        int rows = RecordedRows;
        ModelGuard.Exactly(logits.Length, _recordedSequences * rows * OutputSize, nameof(logits));
        for (int e = 0; e < _recordedSequences; e++)
            _logitRows.AsSpan(e * SequenceLength * OutputSize, rows * OutputSize).CopyTo(logits.Slice(e * rows * OutputSize));
    }

    // ---- Backward -----------------------------------------------------------------------------------------------

    /// <summary>
    /// Backpropagation through time over the last Forward, for every recorded sequence at once: adds the sum of the
    /// sequences' parameter gradients to <see cref="Gradients"/> (weight gradients as matrix–matrix products over the
    /// batch and the steps) and writes the gradients of each sequence's inputs and initial state.
    /// </summary>
    /// <param name="outputGradient">dL/d(outputs) [RecordedSequences × rows × OutputSize], as Forward wrote the outputs.</param>
    /// <param name="inputGradient">Receives dL/d(inputs) [RecordedSequences × steps × InputSize]; empty when not needed (always for a token model).</param>
    /// <param name="finalStateGradient">dL/d(final states) [RecordedSequences × StateSize]; empty means zero.</param>
    /// <param name="initialStateGradient">Receives dL/d(initial states) [RecordedSequences × StateSize]; empty when not needed.</param>
    /// <exception cref="InvalidOperationException">No Forward was recorded, or entities were added or removed since.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, ReadOnlySpan<float> finalStateGradient, Span<float> initialStateGradient)
        => BackwardCore(outputGradient, fromLogits: false, nameof(outputGradient), inputGradient, finalStateGradient, initialStateGradient);

    /// <summary>As <see cref="Backward"/>, with dL/d(logits) instead (losses fused with softmax or sigmoid).</summary>
    public void BackwardFromLogits(ReadOnlySpan<float> logitGradient, Span<float> inputGradient, ReadOnlySpan<float> finalStateGradient, Span<float> initialStateGradient)
        => BackwardCore(logitGradient, fromLogits: true, nameof(logitGradient), inputGradient, finalStateGradient, initialStateGradient);

    private void BackwardCore(ReadOnlySpan<float> gradient, bool fromLogits, string gradientName, Span<float> inputGradient, ReadOnlySpan<float> finalStateGradient, Span<float> initialStateGradient)
    {
        RequireRecorded();
        int n = _recordedSequences, steps = _recordedSteps, rows = RecordedRows;
        ModelGuard.Exactly(gradient.Length, n * rows * OutputSize, gradientName);
        if (_recordedTokens) ModelGuard.NoInputGradient(inputGradient.Length, nameof(inputGradient));
        else ModelGuard.EmptyOrExactly(inputGradient.Length, n * steps * InputSize, nameof(inputGradient));
        ModelGuard.EmptyOrExactly(finalStateGradient.Length, n * StateSize, nameof(finalStateGradient));
        ModelGuard.EmptyOrExactly(initialStateGradient.Length, n * StateSize, nameof(initialStateGradient));

        for (int e = 0; e < n; e++)
            for (int r = 0; r < rows; r++)
            {
                int stored = (e * SequenceLength + r) * OutputSize;
                ReadOnlySpan<float> dy = gradient.Slice((e * rows + r) * OutputSize, OutputSize);
                Span<float> dLogits = _gradLogitRows.AsSpan(stored, OutputSize);
                if (fromLogits) dy.CopyTo(dLogits);
                else HeadActivationBackward(_outputRows.AsSpan(stored, OutputSize), dy, dLogits);
            }
        _hasFinalStateGradient = !finalStateGradient.IsEmpty;
        if (_hasFinalStateGradient) finalStateGradient.CopyTo(_finalStateGradientRows);
        _wantInitialStateGradient = !initialStateGradient.IsEmpty;
        _wantInputGradient = !inputGradient.IsEmpty || (_recordedTokens && !_perEntity);
        _callEntities = n;
        _callSteps = steps;
        _callTokens = _recordedTokens;

        if (_perEntity)
        {
            // One entity after another on this thread, into the shared gradients: the same order for any Threads.
            for (int e = 0; e < n; e++) EntityBackward(_workers[0], e);
        }
        else
        {
            PrepareLaneBackward();
            Run(Operation.Backward, Blocks(n));
            Run(Operation.WeightGradients, Parallelism);
            if (_callTokens) EmbeddingGradients(n, steps);
        }
        for (int e = 0; e < n; e++)
        {
            if (!inputGradient.IsEmpty)
                _inputGradientRows.AsSpan(e * SequenceLength * InputSize, steps * InputSize).CopyTo(inputGradient.Slice(e * steps * InputSize));
        }
        if (_wantInitialStateGradient) _initialStateGradientRows.AsSpan(0, n * StateSize).CopyTo(initialStateGradient);
    }

    private void EmbeddingGradients(int n, int steps)
    {
        Span<float> table = _gradients.AsSpan(EmbeddingOffset, _shape.VocabularySize * InputSize);
        for (int e = 0; e < n; e++)
            for (int t = 0; t < steps; t++)
            {
                Span<float> row = table.Slice(_sequenceTokens[e * SequenceLength + t] * InputSize, InputSize);
                System.Numerics.Tensors.TensorPrimitives.Add(row, _inputGradientRows.AsSpan((e * SequenceLength + t) * InputSize, InputSize), row);
            }
    }

    private void RequireRecorded()
    {
        if (_recordedSequences == 0)
            throw new InvalidOperationException("Backward needs a recorded batch: call Forward first.");
        if (_recordedMembership != _membership)
            throw new InvalidOperationException("Entities were added or removed since the last Forward, so its records no longer match the rows: run Forward again.");
    }

    // ---- Running the parts --------------------------------------------------------------------------------------

    private void Run(Operation operation, int units)
    {
        _operation = operation;
        _units = units;
        _parts = Math.Min(Parallelism, units);
        _partsRun = 0;
        if (_scheduler is null || _parts == 1) _work.Run(0);
        else _scheduler.Run(_work, _parts);
        if (Volatile.Read(ref _partsRun) != _parts)
            throw new InvalidOperationException($"The scheduler ran {_partsRun} of the call's {_parts} parts; IBatchScheduler.Run must run every part once.");
    }

    private void RunPart(int part)
    {
        int start = (int)((long)part * _units / _parts), end = (int)((long)(part + 1) * _units / _parts);
        switch (_operation)
        {
            case Operation.Step when _perEntity:
                for (int e = start; e < end; e++) EntityStep(_workers[part], e);
                break;
            case Operation.Step:
                LaneStep(_activeLanes, start, end - start, Math.Min(_callEntities, end * Lanes) - start * Lanes, _scratch[part]);
                break;
            case Operation.Forward when _perEntity:
                for (int e = start; e < end; e++) EntityForward(_workers[part], e);
                break;
            case Operation.Forward:
                LaneForward(start, end - start, Math.Min(_callEntities, end * Lanes) - start * Lanes, _callSteps, _scratch[part]);
                break;
            case Operation.Backward:
                LaneBackward(start, end - start, Math.Min(_callEntities, end * Lanes) - start * Lanes, _callSteps, _scratch[part]);
                break;
            case Operation.WeightGradients:
                LaneWeightGradients(Blocks(_callEntities), _callSteps, part, _parts);
                break;
        }
        Interlocked.Increment(ref _partsRun);
    }

    private sealed class Work(RecurrentBatch batch) : IBatchWork
    {
        public void Run(int part) => batch.RunPart(part);
    }

    // ---- The per-entity path ------------------------------------------------------------------------------------

    private void EntityStep(IRecurrentModel worker, int position)
    {
        Span<float> state = worker.State;
        ReadLanes(_activeLanes, position, state);
        Span<float> output = _stepOutputs.AsSpan(position * OutputSize, OutputSize);
        if (_callTokens) ((ITokenStepModel)worker).Step(_stepTokens[position], output);
        else ((IStepModel)worker).Step(_stepInputs.AsSpan(position * InputSize, InputSize), output);
        WriteLanes(state, _activeLanes, position);
    }

    private void EntityForward(IRecurrentModel worker, int position)
    {
        int steps = _callSteps, rows = OutputsEveryStep ? steps : 1;
        ReadLanes(_stateLanes, position, worker.State);
        RunEntity(worker, position, steps, _outputRows.AsSpan(position * SequenceLength * OutputSize, rows * OutputSize));
        worker.Logits.CopyTo(_logitRows.AsSpan(position * SequenceLength * OutputSize));
        WriteLanes(worker.State, _stateLanes, position);
    }

    private void EntityBackward(IRecurrentModel worker, int position)
    {
        int steps = _callSteps, rows = OutputsEveryStep ? steps : 1;
        // The worker's records are another entity's by now: run this one's Forward again from its initial state.
        ReadLanes(_initialLanes, position, worker.State);
        RunEntity(worker, position, steps, _recomputedOutputs.AsSpan(0, rows * OutputSize));
        worker.BackwardFromLogits(
            _gradLogitRows.AsSpan(position * SequenceLength * OutputSize, rows * OutputSize),
            _wantInputGradient ? _inputGradientRows.AsSpan(position * SequenceLength * InputSize, steps * InputSize) : default,
            _hasFinalStateGradient ? _finalStateGradientRows.AsSpan(position * StateSize, StateSize) : default,
            _wantInitialStateGradient ? _initialStateGradientRows.AsSpan(position * StateSize, StateSize) : default);
    }

    private void RunEntity(IRecurrentModel worker, int position, int steps, Span<float> outputs)
    {
        if (_callTokens) ((ITokenSequenceModel)worker).Forward(_sequenceTokens.AsSpan(position * SequenceLength, steps), outputs);
        else ((ISequenceModel)worker).Forward(_sequenceInputs.AsSpan(position * SequenceLength * InputSize, steps * InputSize), outputs);
    }

    // ---- Buffers ------------------------------------------------------------------------------------------------

    private void EnsureSequenceBuffers(int blocks)
    {
        if (blocks <= _sequenceBlocks) return;
        long entities = (long)blocks * Lanes, T = SequenceLength;
        long largest = Math.Max(Math.Max(entities * T * Math.Max(InputSize, OutputSize), entities * Lanes * StateSize), LaneRecordFloats(blocks));
        if (largest > Array.MaxLength)
            throw new InvalidOperationException($"Forward's records for {entities} sequences of {T} steps do not fit one array; use fewer entities per Forward or a shorter SequenceLength.");
        _sequenceInputs = new float[entities * T * InputSize];
        _sequenceTokens = new int[entities * T];
        _initialLanes = new float[entities * StateSize];
        _logitRows = new float[entities * T * OutputSize];
        _outputRows = new float[entities * T * OutputSize];
        _gradLogitRows = new float[entities * T * OutputSize];
        _inputGradientRows = new float[entities * T * InputSize];
        _recomputedOutputs = new float[T * OutputSize];
        _finalStateGradientRows = new float[entities * StateSize];
        _initialStateGradientRows = new float[entities * StateSize];
        if (_shape.HasLanes) AllocateLaneRecords(blocks);
        _sequenceBlocks = blocks;
    }

    /// <summary>Blocks of 16 that <paramref name="entities"/> entities take.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected static int Blocks(int entities) => (entities + Lanes - 1) / Lanes;

    private int PositionOf(int slot, string parameterName)
    {
        if ((uint)slot >= (uint)Capacity)
            throw new ArgumentOutOfRangeException(parameterName, slot, $"Slot ids are in [0, {Capacity}).");
        int position = _positionOfSlot[slot];
        if (position < 0) throw new ArgumentException($"Slot {slot} is not in use (it was never added, or was removed).", parameterName);
        return position;
    }

    private void CheckSlots(ReadOnlySpan<int> slots)
    {
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_listedStamp);
            _stamp = 1;
        }
        for (int i = 0; i < slots.Length; i++)
        {
            int slot = slots[i];
            PositionOf(slot, nameof(slots));
            if (_listedStamp[slot] == _stamp) ThrowDuplicate(slot, i);
            _listedStamp[slot] = _stamp;
        }
    }

    [DoesNotReturn]
    private static void ThrowDuplicate(int slot, int index)
        => throw new ArgumentException($"Slot {slot} is listed twice (again at index {index}); each entity steps once per call.", "slots");

    private int LaneIndex(int position, int k) => ((position / Lanes) * StateSize + k) * Lanes + position % Lanes;

    private void ReadLanes(float[] lanes, int position, Span<float> state)
    {
        for (int k = 0; k < StateSize; k++) state[k] = lanes[LaneIndex(position, k)];
    }

    private void WriteLanes(ReadOnlySpan<float> state, float[] lanes, int position)
    {
        for (int k = 0; k < StateSize; k++) lanes[LaneIndex(position, k)] = state[k];
    }

    private void CopyLanes(float[] source, int from, float[] destination, int to)
    {
        for (int k = 0; k < StateSize; k++) destination[LaneIndex(to, k)] = source[LaneIndex(from, k)];
    }

    private void ClearLanes(float[] lanes, int position)
    {
        for (int k = 0; k < StateSize; k++) lanes[LaneIndex(position, k)] = 0f;
    }

    // ---- What the generated batch supplies and uses ---------------------------------------------------------------

    /// <summary>A model of the same class sharing this batch's parameters and <paramref name="gradients"/> (the per-entity path).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected abstract IRecurrentModel CreateWorker(float[] gradients);

    /// <summary>Floats of scratch one part of the lanes path needs.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected virtual int ScratchLength => 0;

    /// <summary>Floats of the largest lanes record for <paramref name="blocks"/> blocks (checked against the array limit first).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected virtual long LaneRecordFloats(int blocks) => 0;

    /// <summary>(Re)allocates the lanes path's Forward records and Backward buffers for <paramref name="blocks"/> blocks.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected virtual void AllocateLaneRecords(int blocks) { }

    /// <summary>Offset of the embedding table in the parameters (token models), else −1.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected abstract int EmbeddingOffset { get; }

    /// <summary>dL/d(logits) of one row from its outputs <paramref name="y"/> and dL/d(outputs) <paramref name="dy"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected abstract void HeadActivationBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dLogits);

    /// <summary>Lanes path: one step of blocks [firstBlock, firstBlock + blocks) of <paramref name="lanes"/> (their <paramref name="entities"/> entities).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected virtual void LaneStep(float[] lanes, int firstBlock, int blocks, int entities, float[] scratch) => throw NoLanes();

    /// <summary>Lanes path: Forward of blocks [firstBlock, firstBlock + blocks), from <see cref="InitialLanes"/> to <see cref="StateLanes"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected virtual void LaneForward(int firstBlock, int blocks, int entities, int steps, float[] scratch) => throw NoLanes();

    /// <summary>Lanes path: the transposed weights Backward's products read, from the current parameters.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected virtual void PrepareLaneBackward() => throw NoLanes();

    /// <summary>Lanes path: back through time for blocks [firstBlock, firstBlock + blocks): gate gradients, input and state gradients.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected virtual void LaneBackward(int firstBlock, int blocks, int entities, int steps, float[] scratch) => throw NoLanes();

    /// <summary>Lanes path: part <paramref name="part"/> of <paramref name="parts"/> of the weight gradients, over all <paramref name="blocks"/> blocks and steps.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected virtual void LaneWeightGradients(int blocks, int steps, int part, int parts) => throw NoLanes();

    // The lanes hooks are overridden by models whose cells all have a lanes body; the base never calls them otherwise.
    private InvalidOperationException NoLanes() => new($"{GetType().FullName} has no lanes path; its calls run per entity.");

    /// <summary>The state of every entity, in lanes: block b, state value k, lane l at <c>(b·StateSize + k)·16 + l</c>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected float[] StateLanes => _stateLanes;

    /// <summary>The states at the start of the last Forward, laid out as <see cref="StateLanes"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected float[] InitialLanes => _initialLanes;

    /// <summary>Step's inputs: row r (InputSize floats) belongs to lane position r.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected float[] StepInputs => _stepInputs;

    /// <summary>Step's tokens, one per lane position.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected int[] StepTokens => _stepTokens;

    /// <summary>Step's outputs: row r (OutputSize floats) belongs to lane position r.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected float[] StepOutputs => _stepOutputs;

    /// <summary>Whether the current call's inputs are tokens.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected bool CallTakesTokens => _callTokens;

    /// <summary>Forward's inputs: sequence e's step t at <c>(e·SequenceLength + t)·InputSize</c>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected float[] SequenceInputs => _sequenceInputs;

    /// <summary>Forward's tokens: sequence e's step t at <c>e·SequenceLength + t</c>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected int[] SequenceTokens => _sequenceTokens;

    /// <summary>Forward's logits: sequence e's row r at <c>(e·SequenceLength + r)·OutputSize</c>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected float[] LogitRows => _logitRows;

    /// <summary>Forward's outputs, laid out as <see cref="LogitRows"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected float[] OutputRows => _outputRows;

    /// <summary>Backward's dL/d(logits), laid out as <see cref="LogitRows"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected float[] GradLogitRows => _gradLogitRows;

    /// <summary>Backward's dL/d(inputs), laid out as <see cref="SequenceInputs"/>; written when <see cref="WantsInputGradient"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected float[] InputGradientRows => _inputGradientRows;

    /// <summary>Whether Backward must write <see cref="InputGradientRows"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected bool WantsInputGradient => _wantInputGradient;

    /// <summary>Backward's dL/d(final state) per sequence (StateSize floats each), or null when zero.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected float[]? FinalStateGradientRows => _hasFinalStateGradient ? _finalStateGradientRows : null;

    /// <summary>Backward's dL/d(initial state) per sequence, or null when not wanted.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected float[]? InitialStateGradientRows => _wantInitialStateGradient ? _initialStateGradientRows : null;

    /// <summary>The gradients buffer, for the weight-gradient products.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected float[] GradientArray => _gradients;
}
