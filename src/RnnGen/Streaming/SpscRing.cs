namespace RnnGen.Streaming;

/// <summary>
/// A lock-free single-producer/single-consumer ring buffer of unmanaged items, for handing samples from a sensor
/// thread to the game or control thread. Exactly one thread may call the producer methods (<see cref="TryWrite"/>) and
/// exactly one the consumer methods (<see cref="TryRead"/>, <see cref="ReadBatch"/>); neither ever blocks or allocates.
/// </summary>
/// <remarks>
/// Overrun policy: <b>drop newest</b>. When the ring is full, <see cref="TryWrite"/> discards the item it was given,
/// counts it in <see cref="Overruns"/> and returns false. The alternative, overwriting the oldest item, would make the
/// producer move the consumer's read index, so both threads would write it and it would need compare-and-swap and a
/// retry protocol. Dropping newest keeps each index single-writer, and the queue stays an unbroken prefix of what the
/// producer sent: the loss shows up downstream as one gap in the timestamps, which the resampler's gap policy handles.
/// <para>
/// Each index is published with a release write (<see cref="Volatile.Write(ref long, long)"/>) after the slot it covers
/// is written or read, and read with an acquire read, so an item is never seen half-written. Each side keeps a cached
/// copy of the other's index and refreshes it only when the ring looks full or empty, and the two indices sit on
/// separate cache lines, so the threads rarely touch the same line.
/// </para>
/// </remarks>
/// <typeparam name="T">The item: a sample struct, e.g. a timestamp and a few floats.</typeparam>
public sealed class SpscRing<T> where T : unmanaged
{
    private readonly T[] _items;
    private readonly int _mask;
    private readonly StreamCounters? _counters;
    private RingIndices _indices;

    /// <summary>Creates a ring holding at least <paramref name="capacity"/> items (rounded up to a power of two).</summary>
    /// <param name="capacity">Minimum number of items, 2..2^30.</param>
    /// <param name="counters">Optional shared counters whose <see cref="StreamCounters.Overruns"/> is also incremented.</param>
    public SpscRing(int capacity, StreamCounters? counters = null)
    {
        if (capacity < 2 || capacity > 1 << 30)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "Capacity must be in 2..2^30.");
        int size = 2;
        while (size < capacity) size <<= 1;
        _items = new T[size];
        _mask = size - 1;
        _counters = counters;
    }

    /// <summary>Number of items the ring can hold.</summary>
    public int Capacity => _items.Length;

    /// <summary>Items currently queued. Exact when called from either side while the other side is idle, otherwise a snapshot.</summary>
    public int Count => (int)(Volatile.Read(ref _indices.Head) - Volatile.Read(ref _indices.Tail));

    /// <summary>Items discarded by <see cref="TryWrite"/> because the ring was full.</summary>
    public long Overruns => Volatile.Read(ref _indices.Overruns);

    /// <summary>Producer only. Appends <paramref name="item"/>, or drops it and counts an overrun when the ring is full.</summary>
    /// <returns>True if the item was queued.</returns>
    public bool TryWrite(in T item)
    {
        long head = _indices.Head;
        if (head - _indices.CachedTail >= _items.Length)
        {
            _indices.CachedTail = Volatile.Read(ref _indices.Tail);
            if (head - _indices.CachedTail >= _items.Length)
            {
                Volatile.Write(ref _indices.Overruns, _indices.Overruns + 1);
                _counters?.CountOverrun();
                return false;
            }
        }
        _items[(int)head & _mask] = item;
        Volatile.Write(ref _indices.Head, head + 1);
        return true;
    }

    /// <summary>Consumer only. Takes the oldest item if there is one.</summary>
    public bool TryRead(out T item)
    {
        long tail = _indices.Tail;
        if (tail >= _indices.CachedHead)
        {
            _indices.CachedHead = Volatile.Read(ref _indices.Head);
            if (tail >= _indices.CachedHead)
            {
                item = default;
                return false;
            }
        }
        item = _items[(int)tail & _mask];
        Volatile.Write(ref _indices.Tail, tail + 1);
        return true;
    }

    /// <summary>Consumer only. Takes up to <c>destination.Length</c> of the oldest items, in order.</summary>
    /// <returns>The number of items copied.</returns>
    public int ReadBatch(Span<T> destination)
    {
        long tail = _indices.Tail;
        _indices.CachedHead = Volatile.Read(ref _indices.Head);
        int n = (int)Math.Min(_indices.CachedHead - tail, destination.Length);
        if (n <= 0) return 0;
        int start = (int)tail & _mask;
        int first = Math.Min(n, _items.Length - start);
        _items.AsSpan(start, first).CopyTo(destination);
        _items.AsSpan(0, n - first).CopyTo(destination[first..]);
        Volatile.Write(ref _indices.Tail, tail + n);
        return n;
    }
}

// Producer fields, consumer fields and the gaps between them each span 128 bytes (two cache lines, since adjacent-line
// prefetchers pull lines in pairs), so neither thread's writes invalidate the other's line. Outside SpscRing<T> because
// a type nested in a generic class is itself generic and cannot have an explicit layout.
