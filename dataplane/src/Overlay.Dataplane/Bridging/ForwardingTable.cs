using System.Runtime.CompilerServices;
using Overlay.Packets;

namespace Overlay.Dataplane.Bridging;

/// <summary>
/// The forwarding table of one network (VNI): MAC -> local port or remote VTEPs, open addressing with linear
/// probing and backward-shift deletion (no tombstones). The all-zeros MAC is not stored here: it is the flood
/// list, held by <see cref="FloodList"/>. One writer (the worker that owns it); no locks.
/// Timestamps are <see cref="TimeProvider.GetTimestamp"/> ticks so tests run on fake time.
/// </summary>
public sealed class ForwardingTable
{
    private const int MinCapacity = 64;

    private FdbEntry[] _slots;
    private int _mask;

    /// <param name="maxAddresses">Cap on entries, 0 for none (the kernel's maxaddress).</param>
    /// <param name="initialCapacity">Slots to start with; the table doubles past 3/4 full.</param>
    public ForwardingTable(int maxAddresses = 0, int initialCapacity = 1024)
    {
        if (maxAddresses < 0) throw new ArgumentOutOfRangeException(nameof(maxAddresses));
        MaxAddresses = maxAddresses;
        int capacity = MinCapacity;
        int wanted = Math.Max(initialCapacity, maxAddresses > 0 ? Math.Min(maxAddresses, 1 << 20) * 4 / 3 + 1 : 0);
        while (capacity < wanted) capacity <<= 1;
        _slots = new FdbEntry[capacity];
        _mask = capacity - 1;
        FloodList = [];
    }

    public int MaxAddresses { get; }
    public int Count { get; private set; }

    /// <summary>Remote VTEPs that receive broadcast, multicast and unknown unicast (the all-zeros entries).
    /// Replaced whole by the control path; the packet path only reads it.</summary>
    public IpAddr[] FloodList { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ulong mac)
    {
        ulong h = mac * 0x9E37_79B9_7F4A_7C15UL;
        return (int)(h >> 32);
    }

    /// <summary>The slot index of <paramref name="mac"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Find(ulong mac)
    {
        var slots = _slots;
        int i = Hash(mac) & _mask;
        while (true)
        {
            ulong k = slots[i].Mac;
            if (k == mac) return i;
            if (k == 0) return -1;
            i = (i + 1) & _mask;
        }
    }

    /// <summary>Looks up a destination and marks the entry used. Returns a reference into the table, valid
    /// until the next write to the table, or a null reference when absent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref FdbEntry Lookup(MacAddress mac, long now)
    {
        if (mac.Value == 0) return ref Unsafe.NullRef<FdbEntry>();
        int i = Find(mac.Value);
        if (i < 0) return ref Unsafe.NullRef<FdbEntry>();
        ref var e = ref _slots[i];
        e.Used = now;
        return ref e;
    }

    /// <summary>Reads an entry without touching it (control path).</summary>
    public bool TryGet(MacAddress mac, out FdbEntry entry)
    {
        int i = mac.Value == 0 ? -1 : Find(mac.Value);
        entry = i >= 0 ? _slots[i] : default;
        return i >= 0;
    }

    /// <summary>Learns that <paramref name="mac"/> is behind local <paramref name="port"/> (port &gt;= 0) or
    /// behind remote VTEP <paramref name="remote"/> (port = -1). The caller checked the MAC is valid unicast.</summary>
    /// <param name="shareAfter">With several workers: a refresh more than this many ticks after the entry was
    /// last shared returns <see cref="LearnResult.RefreshedShare"/>, so the other workers' replicas age it alike.</param>
    public LearnResult Learn(MacAddress mac, int port, IpAddr remote, long now, long shareAfter = long.MaxValue)
    {
        int i = Find(mac.Value);
        if (i >= 0)
        {
            ref var e = ref _slots[i];
            if (e.SameDestination(port, remote))
            {
                e.Updated = now;
                if (now - e.Shared < shareAfter) return LearnResult.Refreshed;
                e.Shared = now;
                return LearnResult.RefreshedShare;
            }
            if (e.IsStatic) return LearnResult.StaticConflict;
            MoveTo(ref e, port, remote, now);
            return LearnResult.Moved;
        }
        return InsertDynamic(mac, port, remote, now);
    }

    /// <summary>
    /// Takes in what another worker's replica of this table learned at <paramref name="seen"/>: the same as
    /// <see cref="Learn"/>, except that a newer local sighting wins (the two workers' news may cross), a static
    /// entry is left alone, and a refresh never makes an entry younger than it is. Nothing is counted as a move:
    /// the worker that saw the frame counted it.
    /// </summary>
    public LearnResult Adopt(MacAddress mac, int port, IpAddr remote, long seen)
    {
        int i = Find(mac.Value);
        if (i >= 0)
        {
            ref var e = ref _slots[i];
            if (e.SameDestination(port, remote))
            {
                if (seen > e.Updated) e.Updated = seen;
                if (seen > e.Shared) e.Shared = seen;
                return LearnResult.Refreshed;
            }
            if (e.IsStatic) return LearnResult.StaticConflict;
            if (seen <= e.Updated) return LearnResult.Refreshed; // ours is newer: the other worker will hear of it
            MoveTo(ref e, port, remote, seen);
            return LearnResult.Moved;
        }
        return InsertDynamic(mac, port, remote, seen);
    }

    private static void MoveTo(ref FdbEntry e, int port, IpAddr remote, long now)
    {
        e.Port = port;
        e.Remote = port >= 0 ? default : remote;
        e.MoreRemotes = null;
        e.Updated = now;
        e.Shared = now;
    }

    private LearnResult InsertDynamic(MacAddress mac, int port, IpAddr remote, long now)
    {
        if (MaxAddresses > 0 && Count >= MaxAddresses) return LearnResult.Full;
        Insert(new FdbEntry
        {
            Mac = mac.Value, Port = port, Remote = port >= 0 ? default : remote,
            Kind = FdbEntryKind.Dynamic, Updated = now, Used = now, Shared = now,
        });
        return LearnResult.Created;
    }

    /// <summary>Writes an entry whole (control path: add/replace). Returns false when the table is full.</summary>
    public bool Set(in FdbEntry entry)
    {
        if (entry.Mac == 0) throw new ArgumentException("the all-zeros MAC is the flood list", nameof(entry));
        int i = Find(entry.Mac);
        if (i >= 0)
        {
            _slots[i] = entry;
            return true;
        }
        if (MaxAddresses > 0 && Count >= MaxAddresses) return false;
        Insert(entry);
        return true;
    }

    public bool Remove(MacAddress mac)
    {
        int i = mac.Value == 0 ? -1 : Find(mac.Value);
        if (i < 0) return false;
        RemoveAt(i);
        return true;
    }

    public void SetFloodList(IpAddr[] remotes) => FloodList = remotes;

    /// <summary>Removes dynamic entries not refreshed within <paramref name="ageingTicks"/> (the kernel ages from
    /// the last time the MAC was seen as a source). Returns how many were removed.</summary>
    public int Age(long now, long ageingTicks)
    {
        int removed = 0;
        int i = 0;
        while (i < _slots.Length)
        {
            ref var e = ref _slots[i];
            if (e.Mac != 0 && e.Kind == FdbEntryKind.Dynamic && now - e.Updated >= ageingTicks)
            {
                RemoveAt(i);
                removed++;
                continue; // a later entry may have shifted into slot i
            }
            i++;
        }
        return removed;
    }

    /// <summary>Removes the entries <paramref name="match"/> selects (control path: flush, withdraw). Returns the count.</summary>
    public int RemoveWhere(Func<FdbEntry, bool> match)
    {
        int removed = 0;
        int i = 0;
        while (i < _slots.Length)
        {
            if (_slots[i].Mac != 0 && match(_slots[i]))
            {
                RemoveAt(i);
                removed++;
                continue;
            }
            i++;
        }
        return removed;
    }

    /// <summary>A copy of every entry (control path).</summary>
    public List<FdbEntry> Snapshot()
    {
        var list = new List<FdbEntry>(Count);
        foreach (var e in _slots)
        {
            if (e.Mac != 0) list.Add(e);
        }
        return list;
    }

    private void Insert(in FdbEntry entry)
    {
        if ((Count + 1) * 4 > _slots.Length * 3) Grow();
        int i = Hash(entry.Mac) & _mask;
        while (_slots[i].Mac != 0) i = (i + 1) & _mask;
        _slots[i] = entry;
        Count++;
    }

    private void RemoveAt(int hole)
    {
        // Backward-shift deletion: pull later members of the probe run into the hole.
        var slots = _slots;
        int i = hole;
        while (true)
        {
            i = (i + 1) & _mask;
            ulong k = slots[i].Mac;
            if (k == 0) break;
            int home = Hash(k) & _mask;
            // Move the entry at i into the hole unless its home lies cyclically in (hole, i].
            bool homeBetween = hole <= i ? home > hole && home <= i : home > hole || home <= i;
            if (!homeBetween)
            {
                slots[hole] = slots[i];
                hole = i;
            }
        }
        slots[hole] = default;
        Count--;
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new FdbEntry[old.Length * 2];
        _mask = _slots.Length - 1;
        Count = 0;
        foreach (var e in old)
        {
            if (e.Mac != 0) Insert(e);
        }
    }
}
