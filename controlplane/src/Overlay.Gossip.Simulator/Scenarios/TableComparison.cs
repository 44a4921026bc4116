using Overlay.ControlPlane.Endpoints;

namespace Overlay.Gossip.Simulator.Scenarios;

/// <summary>Whether endpoint tables hold the same writes: every key with the same owner, boot, version, tombstone
/// flag and content (<see cref="EndpointRecord.SameWrite"/>; a tombstone's local time is not compared).</summary>
public static class TableComparison
{
    /// <summary>An order-independent fingerprint of the table's writes: tables with different fingerprints
    /// differ; equal fingerprints are confirmed with <see cref="Differences"/>.</summary>
    public static (int Count, ulong Hash) Fingerprint(EndpointTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        ulong hash = 0;
        foreach (EndpointRecord r in table.Records)
        {
            ulong h = (ulong)(uint)HashCode.Combine(r.Vni, r.EndpointId, r.Owner, r.OwnerBoot, r.Version, r.Deleted, r.Mac, r.Vtep);
            hash += (h * 0x9E3779B97F4A7C15UL) ^ (h << 29);
        }
        return (table.Count, hash);
    }

    /// <summary>Every difference between <paramref name="a"/> and <paramref name="b"/>, as text (empty when they
    /// hold the same writes).</summary>
    public static List<string> Differences(EndpointTable a, EndpointTable b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var differences = new List<string>();
        foreach (EndpointRecord r in a.Records)
        {
            if (!b.TryGet(r.Vni, r.EndpointId, out EndpointRecord other))
            {
                differences.Add($"{b.NodeName} lacks {r}");
            }
            else if (!r.SameWrite(other))
            {
                differences.Add($"{a.NodeName} holds {r}, {b.NodeName} holds {other}");
            }
        }
        foreach (EndpointRecord r in b.Records)
        {
            if (!a.TryGet(r.Vni, r.EndpointId, out _))
            {
                differences.Add($"{a.NodeName} lacks {r}");
            }
        }
        return differences;
    }

    /// <summary>Whether every up host's table holds the same writes.</summary>
    public static bool AllIdentical(SimulatedNetwork net)
    {
        ArgumentNullException.ThrowIfNull(net);
        EndpointTable? first = null;
        (int, ulong) fingerprint = default;
        var up = new List<EndpointTable>();
        foreach (SimHost host in net.Hosts)
        {
            if (!host.Up)
            {
                continue;
            }
            EndpointTable table = host.Endpoints!.Table;
            up.Add(table);
            if (first is null)
            {
                first = table;
                fingerprint = Fingerprint(table);
            }
            else if (Fingerprint(table) != fingerprint)
            {
                return false;
            }
        }
        return first is null || up.TrueForAll(t => Differences(first, t).Count == 0);
    }
}
