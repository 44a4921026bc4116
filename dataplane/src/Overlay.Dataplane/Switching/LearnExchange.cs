using System.Runtime.InteropServices;
using System.Threading;

namespace Overlay.Dataplane.Switching;

/// <summary>
/// How the workers' forwarding tables stay alike without sharing one: each worker owns its replica and writes it
/// alone; what it learns (a new or moved MAC, and about once a second a refresh, so replicas age alike) goes into
/// a single-producer single-consumer ring towards every other worker, which adopts it between batches. A full ring
/// drops the news (counted in <see cref="Dropped"/>): the other worker floods that MAC a little longer or learns it
/// from its own traffic, which is what a bridge does anyway. No locks, no allocation after construction.
/// </summary>
public sealed class LearnExchange
{
    private readonly Ring[] _rings; // [from * workers + to]
    private readonly long[] _dropped;

    public LearnExchange(int workers, int capacity = 4096)
    {
        if (workers < 1) throw new ArgumentOutOfRangeException(nameof(workers));
        if (capacity < 2 || (capacity & (capacity - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(capacity), "a power of two");
        Workers = workers;
        _rings = new Ring[workers * workers];
        for (int i = 0; i < _rings.Length; i++) _rings[i] = new Ring(capacity);
        _dropped = new long[workers];
    }

    public int Workers { get; }

    /// <summary>News lost because a ring was full, summed over the workers that published them.</summary>
    public long Dropped
    {
        get
        {
            long sum = 0;
            for (int i = 0; i < _dropped.Length; i++) sum += Volatile.Read(ref _dropped[i]);
            return sum;
        }
    }

    /// <summary>Tells every other worker. Called only by worker <paramref name="from"/>.</summary>
    public void Publish(int from, in SharedLearn item)
    {
        for (int to = 0; to < Workers; to++)
        {
            if (to != from && !_rings[from * Workers + to].TryWrite(item)) _dropped[from]++;
        }
    }

    /// <summary>Takes the next piece of news for worker <paramref name="to"/>. Called only by that worker.</summary>
    public bool TryTake(int to, out SharedLearn item)
    {
        for (int from = 0; from < Workers; from++)
        {
            if (from != to && _rings[from * Workers + to].TryRead(out item)) return true;
        }
        item = default;
        return false;
    }

    /// <summary>One producer, one consumer: the producer alone moves the tail, the consumer alone the head.</summary>
    private sealed class Ring(int capacity)
    {
        private readonly SharedLearn[] _items = new SharedLearn[capacity];
        private readonly int _mask = capacity - 1;
        private Cursors _cursors;

        public bool TryWrite(in SharedLearn item)
        {
            long tail = _cursors.Tail;
            if (tail - Volatile.Read(ref _cursors.Head) >= _items.Length) return false;
            _items[(int)tail & _mask] = item;
            Volatile.Write(ref _cursors.Tail, tail + 1); // publishes the item written above
            return true;
        }

        public bool TryRead(out SharedLearn item)
        {
            long head = _cursors.Head;
            if (head == Volatile.Read(ref _cursors.Tail))
            {
                item = default;
                return false;
            }
            item = _items[(int)head & _mask];
            Volatile.Write(ref _cursors.Head, head + 1); // frees the slot for the producer
            return true;
        }
    }

    /// <summary>Head and tail on separate cache lines, so the two threads do not fight over one.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct Cursors
    {
        [FieldOffset(64)] public long Head;
        [FieldOffset(128)] public long Tail;
    }
}
