namespace Overlay.Gossip.Broadcasts;

/// <summary>
/// Broadcasts waiting to be piggybacked or gossiped, each sent a limited number of times (memberlist queue.go).
/// Newer news about the same key (a member's name, or a user broadcast key) replaces the older message. Packets
/// are filled with locally originated messages first (moby#50193: our own news must not wait behind rebroadcasts),
/// then with the fewest-transmitted, newest first within a transmit count.
/// </summary>
/// <remarks>
/// Entries live in one struct array linked into lists per (origin, transmit count), so the queue allocates only
/// when it grows: at 10,000 simulated nodes every node may hold thousands of entries.
/// </remarks>
internal sealed class TransmitLimitedQueue
{
    private const int None = -1;
    private const int MaxSkipsPerFill = 64;

    private Entry[] _entries = new Entry[16];
    private int _highWater;
    private int _free = None;
    private int[] _heads = [];   // [origin * _tiers + transmits], origin 0 = local, 1 = relayed
    private int _tiers;
    private readonly Dictionary<string, int> _memberKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _userKeys = new(StringComparer.Ordinal);
    private readonly List<int> _taken = new();

    public TransmitLimitedQueue() => GrowTiers(8);

    /// <summary>Messages queued.</summary>
    public int Count { get; private set; }

    /// <summary>Messages replaced by newer news about the same key before they ran out of transmits.</summary>
    public long Invalidated { get; private set; }

    /// <summary>Queues <paramref name="message"/> under <paramref name="key"/>, dropping any older message with the
    /// same key. Member keys (alive/suspect/dead about a name) and user keys are separate namespaces.</summary>
    public void Enqueue(string key, bool user, object message, int size, bool local)
    {
        Dictionary<string, int> keys = user ? _userKeys : _memberKeys;
        if (keys.Remove(key, out int old))
        {
            Unlink(old);
            Free(old);
            Invalidated++;
        }
        int index = Allocate();
        _entries[index] = new Entry
        {
            Message = message, Key = key, Size = size, Transmits = 0, Local = local, User = user, Prev = None, Next = None,
        };
        keys[key] = index;
        LinkHead(index);
        Count++;
    }

    public bool Contains(string key, bool user) => (user ? _userKeys : _memberKeys).ContainsKey(key);

    /// <summary>The transmit count of the message queued under <paramref name="key"/>, or -1.</summary>
    public int TransmitsOf(string key, bool user) =>
        (user ? _userKeys : _memberKeys).TryGetValue(key, out int i) ? _entries[i].Transmits : -1;

    /// <summary>Adds messages to <paramref name="into"/> (and their sizes to <paramref name="sizes"/>) while they fit
    /// in <paramref name="budget"/> bytes (each costing its size plus <paramref name="entryOverhead"/>), counts a
    /// transmit for each and retires those that reached <paramref name="transmitLimit"/>. Returns the bytes used.</summary>
    public int Fill(List<object> into, List<int>? sizes, int entryOverhead, int budget, int transmitLimit)
    {
        if (Count == 0 || budget <= entryOverhead)
        {
            return 0;
        }
        int used = 0;
        int skips = 0;
        _taken.Clear();
        for (int origin = 0; origin < 2 && skips < MaxSkipsPerFill; origin++)
        {
            for (int t = 0; t < _tiers && skips < MaxSkipsPerFill; t++)
            {
                int i = _heads[origin * _tiers + t];
                while (i != None && budget - used > entryOverhead)
                {
                    int next = _entries[i].Next;
                    int cost = _entries[i].Size + entryOverhead;
                    if (cost <= budget - used)
                    {
                        into.Add(_entries[i].Message!);
                        sizes?.Add(_entries[i].Size);
                        used += cost;
                        Unlink(i);
                        _taken.Add(i);
                    }
                    else if (++skips >= MaxSkipsPerFill)
                    {
                        break;
                    }
                    i = next;
                }
            }
        }
        // Re-link after the walk (a promoted entry must not be met again in the next tier), in reverse so entries
        // keep their relative order at the head of their new tier.
        for (int j = _taken.Count - 1; j >= 0; j--)
        {
            int i = _taken[j];
            ref Entry e = ref _entries[i];
            e.Transmits++;
            if (e.Transmits >= transmitLimit)
            {
                (e.User ? _userKeys : _memberKeys).Remove(e.Key);
                Free(i);
            }
            else
            {
                LinkHead(i);
            }
        }
        return used;
    }

    private void LinkHead(int i)
    {
        ref Entry e = ref _entries[i];
        if (e.Transmits >= _tiers)
        {
            GrowTiers(Math.Max(_tiers * 2, e.Transmits + 1));
        }
        int slot = (e.Local ? 0 : _tiers) + e.Transmits;
        int head = _heads[slot];
        e.Prev = None;
        e.Next = head;
        if (head != None)
        {
            _entries[head].Prev = i;
        }
        _heads[slot] = i;
    }

    private void Unlink(int i)
    {
        ref Entry e = ref _entries[i];
        if (e.Prev != None)
        {
            _entries[e.Prev].Next = e.Next;
        }
        else
        {
            _heads[(e.Local ? 0 : _tiers) + e.Transmits] = e.Next;
        }
        if (e.Next != None)
        {
            _entries[e.Next].Prev = e.Prev;
        }
        e.Prev = e.Next = None;
    }

    private int Allocate()
    {
        if (_free != None)
        {
            int i = _free;
            _free = _entries[i].Next;
            return i;
        }
        if (_highWater == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }
        return _highWater++;
    }

    private void Free(int i)
    {
        _entries[i] = new Entry { Next = _free, Prev = None };
        _free = i;
        Count--;
    }

    private void GrowTiers(int tiers)
    {
        var heads = new int[2 * tiers];
        Array.Fill(heads, None);
        for (int t = 0; t < _tiers; t++)
        {
            heads[t] = _heads[t];
            heads[tiers + t] = _heads[_tiers + t];
        }
        _heads = heads;
        _tiers = tiers;
    }

    private struct Entry
    {
        public object? Message;
        public string Key;
        public int Size;
        public int Transmits;
        public int Prev;
        public int Next;
        public bool Local;
        public bool User;
    }
}
