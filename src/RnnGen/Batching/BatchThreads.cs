using System.Runtime.ExceptionServices;

namespace RnnGen.Batching;

/// <summary>
/// An <see cref="IBatchScheduler"/> with dedicated threads: <c>Parallelism − 1</c> background threads started once, and
/// the calling thread, which runs part 0 itself. A call wakes the threads it needs (they spin briefly, then sleep, between
/// calls), so there is no thread-pool queueing and nothing is allocated per call.
/// </summary>
public sealed class BatchThreads : IBatchScheduler, IDisposable
{
    /// <summary>The most threads one instance runs.</summary>
    public const int MaxThreads = 256;

    // ManualResetEventSlim spins up to this many times before it sleeps: a call that follows soon (a game frame, a step
    // of the next layer) finds the threads awake.
    private const int SpinCount = 2047;

    private readonly Worker[] _workers;
    private readonly ManualResetEventSlim _done = new(false, SpinCount);
    private IBatchWork? _work;
    private int _pending;
    private int _running;
    private volatile bool _disposed;
    private ExceptionDispatchInfo? _failure;

    /// <summary>Starts <paramref name="threads"/> − 1 background threads; the caller's thread is the last one.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is not in [1, <see cref="MaxThreads"/>].</exception>
    public BatchThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threads, MaxThreads);
        Parallelism = threads;
        _workers = new Worker[threads - 1];
        for (int i = 0; i < _workers.Length; i++)
            _workers[i] = new Worker(this, i + 1);
    }

    /// <inheritdoc />
    public int Parallelism { get; }

    /// <summary>Bytes the background threads allocated while running parts, since they started (0 expected).</summary>
    internal long WorkerAllocatedBytes
    {
        get
        {
            long total = 0;
            foreach (var worker in _workers) total += Volatile.Read(ref worker.AllocatedBytes);
            return total;
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parts"/> is not in [1, <see cref="Parallelism"/>].</exception>
    /// <exception cref="InvalidOperationException">Another call is running on this instance.</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    public void Run(IBatchWork work, int parts)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parts, Parallelism);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _running, 1) != 0)
            throw new InvalidOperationException("BatchThreads runs one call at a time; another call is still running on it.");
        try
        {
            if (parts == 1)
            {
                work.Run(0);
                return;
            }
            _work = work;
            _failure = null;
            Volatile.Write(ref _pending, parts - 1);
            for (int i = 0; i < parts - 1; i++) _workers[i].Start.Set();
            try
            {
                work.Run(0);
            }
            finally
            {
                // Even when part 0 failed, wait for the others: they use the batch's buffers.
                _done.Wait();
                _done.Reset();
                _work = null;
            }
            _failure?.Throw();
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>Stops the background threads (after any running call). The instance cannot run calls afterwards.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var worker in _workers) worker.Start.Set();
    }

    private void Finish()
    {
        if (Interlocked.Decrement(ref _pending) == 0) _done.Set();
    }

    private sealed class Worker
    {
        private readonly BatchThreads _owner;
        private readonly int _part;
        public readonly ManualResetEventSlim Start = new(false, SpinCount);
        public long AllocatedBytes;

        public Worker(BatchThreads owner, int part)
        {
            _owner = owner;
            _part = part;
            new Thread(Loop) { IsBackground = true, Name = $"RnnGen batch {part}" }.Start();
        }

        private void Loop()
        {
            while (true)
            {
                Start.Wait();
                Start.Reset();
                if (_owner._disposed) return;
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    _owner._work!.Run(_part);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _owner._failure, ExceptionDispatchInfo.Capture(e), null);
                }
                Volatile.Write(ref AllocatedBytes, AllocatedBytes + GC.GetAllocatedBytesForCurrentThread() - before);
                _owner.Finish();
            }
        }
    }
}
