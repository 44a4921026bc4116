namespace Overlay.Dataplane.Counters;

/// <summary>Packet and byte counters of one port, network or the underlay, plus drops by reason. For a network,
/// rx counts frames entering it (from local ports and decapsulated) and tx frames leaving it (to local ports
/// and encapsulated). Written by one worker with
/// plain increments; readers on other threads see each 64-bit value whole (x64/arm64 aligned loads).</summary>
public sealed class TrafficCounters
{
    public long RxPackets;
    public long RxBytes;
    public long TxPackets;
    public long TxBytes;
    public readonly long[] Drops = new long[DropReasons.Count];

    public long TotalDrops
    {
        get
        {
            long sum = 0;
            foreach (long d in Drops) sum += Volatile.Read(in d);
            return sum;
        }
    }

    /// <summary>Adds another worker's counters into this one (used when summing workers on read).</summary>
    public void AddFrom(TrafficCounters other)
    {
        RxPackets += Volatile.Read(ref other.RxPackets);
        RxBytes += Volatile.Read(ref other.RxBytes);
        TxPackets += Volatile.Read(ref other.TxPackets);
        TxBytes += Volatile.Read(ref other.TxBytes);
        for (int i = 0; i < Drops.Length; i++) Drops[i] += Volatile.Read(ref other.Drops[i]);
    }
}
