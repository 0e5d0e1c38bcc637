using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace RnnGen.Batching;

/// <summary>
/// An <see cref="IBatchScheduler"/> with dedicated threads: <c>Parallelism − 1</c> background threads started once, and
/// the calling thread, which runs part 0 itself. A call bumps a generation counter that the threads watch: they spin
/// briefly after each call (so the next call, a frame or a layer later, finds them awake) and then sleep on a monitor.
/// No thread-pool queueing, and nothing is allocated per call.
/// </summary>
public sealed class BatchThreads : IBatchScheduler, IDisposable
{
    /// <summary>The most threads one instance runs.</summary>
    public const int MaxThreads = 256;

    // How long a thread spins for the next call (and the caller for the others to finish) before it sleeps.
    private static readonly long SpinTicks = Stopwatch.Frequency / 10_000;

    private readonly Worker[] _workers;
    private readonly object _startGate = new(), _doneGate = new();
    private IBatchWork? _work;
    // The current call: a sequence number and its part count in one int ((sequence << 9) | parts), so a thread that
    // wakes late can never pair one call's number with another call's part count.
    private int _call;
    private int _pending, _sleeping, _callerWaiting, _running;
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
            Interlocked.Exchange(ref _call, NextCall(parts));
            if (Volatile.Read(ref _sleeping) > 0)
                lock (_startGate) Monitor.PulseAll(_startGate);
            try
            {
                work.Run(0);
            }
            finally
            {
                // Even when part 0 failed, wait for the others: they use the batch's buffers.
                WaitForWorkers();
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
        Interlocked.Exchange(ref _call, NextCall(0));
        lock (_startGate) Monitor.PulseAll(_startGate);
    }

    private int NextCall(int parts) => (((_call >> 9) + 1) << 9) | parts;

    private void WaitForWorkers()
    {
        long until = Stopwatch.GetTimestamp() + SpinTicks;
        var spinner = new SpinWait();
        while (Volatile.Read(ref _pending) > 0 && Stopwatch.GetTimestamp() < until) spinner.SpinOnce(sleep1Threshold: -1);
        if (Volatile.Read(ref _pending) == 0) return;
        lock (_doneGate)
        {
            Interlocked.Exchange(ref _callerWaiting, 1);
            while (Volatile.Read(ref _pending) > 0) Monitor.Wait(_doneGate);
            Volatile.Write(ref _callerWaiting, 0);
        }
    }

    private void Finished()
    {
        if (Interlocked.Decrement(ref _pending) == 0 && Volatile.Read(ref _callerWaiting) != 0)
            lock (_doneGate) Monitor.PulseAll(_doneGate);
    }

    /// <summary>Returns the current call once it differs from <paramref name="seen"/>: after a short spin, or asleep on the monitor.</summary>
    private int WaitForCall(int seen)
    {
        long until = Stopwatch.GetTimestamp() + SpinTicks;
        var spinner = new SpinWait();
        int call;
        while ((call = Volatile.Read(ref _call)) == seen && Stopwatch.GetTimestamp() < until) spinner.SpinOnce(sleep1Threshold: -1);
        if (call != seen) return call;
        lock (_startGate)
        {
            Interlocked.Increment(ref _sleeping);
            while ((call = Volatile.Read(ref _call)) == seen) Monitor.Wait(_startGate);
            Interlocked.Decrement(ref _sleeping);
        }
        return call;
    }

    private sealed class Worker
    {
        private readonly BatchThreads _owner;
        private readonly int _part;
        public long AllocatedBytes;

        public Worker(BatchThreads owner, int part)
        {
            _owner = owner;
            _part = part;
            new Thread(Loop) { IsBackground = true, Name = $"RnnGen batch {part}" }.Start();
        }

        private void Loop()
        {
            int seen = 0;
            while (true)
            {
                seen = _owner.WaitForCall(seen);
                if (_owner._disposed) return;
                if (_part >= (seen & 511)) continue;
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
                _owner.Finished();
            }
        }
    }
}
