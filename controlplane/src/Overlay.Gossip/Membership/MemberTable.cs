using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Membership;

/// <summary>
/// The members one node knows, in probe order (memberlist's <c>nodes</c> slice and <c>nodeMap</c> in one): a
/// struct array walked round robin by the prober, indexed by name with an open-addressing table (linear
/// probing; each bucket holds the name's hash so a lookup reads one member slot). A new member is
/// put at a random position so the failure detection bound stays low on average; dead members are removed in bulk
/// when the probe order is reshuffled.
/// </summary>
internal sealed class MemberTable
{
    private MemberSlot[] _slots = new MemberSlot[8];
    private long[] _buckets = new long[16];   // name hash << 32 | slot index + 1; 0 = empty
    private int _mask = 15;

    public int Count { get; private set; }

    public ref MemberSlot this[int index] => ref _slots[index];

    public int IndexOf(string name)
    {
        int hash = HashOf(name);
        for (int b = hash & _mask; ; b = (b + 1) & _mask)
        {
            long bucket = _buckets[b];
            if (bucket == 0)
            {
                return -1;
            }
            int s = (int)bucket - 1;
            if ((int)(bucket >> 32) == hash && string.Equals(_slots[s].Name, name, StringComparison.Ordinal))
            {
                return s;
            }
        }
    }

    /// <summary>Makes room for <paramref name="capacity"/> members without further growth.</summary>
    public void EnsureCapacity(int capacity)
    {
        if (capacity > _slots.Length)
        {
            Array.Resize(ref _slots, capacity);
        }
        int buckets = _buckets.Length;
        while (capacity * 4 > buckets * 3)
        {
            buckets *= 2;
        }
        if (buckets != _buckets.Length)
        {
            _buckets = new long[buckets];
            _mask = buckets - 1;
            Reindex();
        }
    }

    /// <summary>Adds a member at a random position of the probe order and returns its index.</summary>
    public int Add(object identity, NodeStateKind state, uint incarnation, int stateChangeSeconds, Random random)
    {
        if (Count == _slots.Length)
        {
            Array.Resize(ref _slots, Count * 2);
        }
        if ((Count + 1) * 4 > _buckets.Length * 3)
        {
            _buckets = new long[_buckets.Length * 2];
            _mask = _buckets.Length - 1;
            Reindex();
        }
        int n = Count++;
        _slots[n] = new MemberSlot
        {
            Identity = identity, Name = MemberIdentity.Name(identity), Incarnation = incarnation, State = state,
            StateChangeSeconds = stateChangeSeconds, Hash = HashOf(MemberIdentity.Name(identity)),
        };
        Insert(n);
        int offset = random.Next(n + 1);
        if (offset != n)
        {
            Swap(offset, n);
        }
        return offset;
    }

    /// <summary>Fisher-Yates over the probe order.</summary>
    public void Shuffle(Random random)
    {
        for (int i = Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (_slots[i], _slots[j]) = (_slots[j], _slots[i]);
        }
        Reindex();
    }

    /// <summary>Removes every member <paramref name="remove"/> selects, keeping the order of the rest.</summary>
    public int RemoveWhere<TState>(Func<MemberSlot, TState, bool> remove, TState state)
    {
        int kept = 0;
        for (int i = 0; i < Count; i++)
        {
            if (!remove(_slots[i], state))
            {
                _slots[kept++] = _slots[i];
            }
        }
        int removed = Count - kept;
        Array.Clear(_slots, kept, removed);
        Count = kept;
        if (removed > 0)
        {
            Reindex();
        }
        return removed;
    }

    private static int HashOf(string name) => string.GetHashCode(name, StringComparison.Ordinal) & int.MaxValue;

    private static long Bucket(int hash, int slot) => ((long)hash << 32) | (uint)(slot + 1);

    private void Insert(int slot)
    {
        int hash = _slots[slot].Hash;
        int b = hash & _mask;
        while (_buckets[b] != 0)
        {
            b = (b + 1) & _mask;
        }
        _buckets[b] = Bucket(hash, slot);
    }

    private int BucketOf(int slot)
    {
        long wanted = Bucket(_slots[slot].Hash, slot);
        int b = _slots[slot].Hash & _mask;
        while (_buckets[b] != wanted)
        {
            b = (b + 1) & _mask;
        }
        return b;
    }

    private void Swap(int a, int b)
    {
        int bucketA = BucketOf(a);
        int bucketB = BucketOf(b);
        (_slots[a], _slots[b]) = (_slots[b], _slots[a]);
        _buckets[bucketA] = Bucket(_slots[b].Hash, b);
        _buckets[bucketB] = Bucket(_slots[a].Hash, a);
    }

    private void Reindex()
    {
        Array.Clear(_buckets);
        for (int i = 0; i < Count; i++)
        {
            Insert(i);
        }
    }
}
