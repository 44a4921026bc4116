using Microsoft.Extensions.Time.Testing;
using Overlay.ControlPlane.Endpoints;
using Overlay.Packets;
using static Overlay.ControlPlane.Tests.Simulation.Build;

namespace Overlay.ControlPlane.Tests.Simulation;

/// <summary>
/// A random history of writes by several owners, each a real <see cref="EndpointTable"/>: new endpoints drawn from
/// small MAC and IP pools (so claims collide, as when an endpoint is recreated elsewhere), updates, withdrawals and
/// moves (another owner publishing an endpoint id it has heard of). Every write reaches each other owner only with
/// some probability, so owners write with partial knowledge, as they do between gossip rounds.
/// </summary>
internal static class History
{
    public static List<EndpointRecord> Generate(int seed, string[] owners, int writes, FakeTimeProvider time) =>
        Generate(seed, owners, writes, time, out _);

    /// <summary>Also hands back the owners' tables, which wrote the history.</summary>
    public static List<EndpointRecord> Generate(int seed, string[] owners, int writes, FakeTimeProvider time, out Dictionary<string, EndpointTable> tables)
    {
        var random = new Random(seed);
        tables = owners.ToDictionary(o => o, o => Table(o, time));
        foreach (EndpointTable t in tables.Values)
        {
            foreach (string o in owners)
            {
                t.SetOwnerAlive(o, BootOf(o));
            }
        }
        var log = new List<EndpointRecord>();
        int nextId = 0;
        while (log.Count < writes)
        {
            string owner = owners[random.Next(owners.Length)];
            EndpointTable t = tables[owner];
            List<EndpointRecord> mine = [.. t.LocalEndpoints()];
            List<EndpointRecord> others = [.. t.Records.Where(r => !r.Deleted && r.Owner != owner)];
            int op = random.Next(10);
            EndpointRecord? written;
            if (op < 4 || (mine.Count == 0 && op < 8) || (op >= 8 && others.Count == 0))
            {
                written = t.Publish((uint)(42 + random.Next(2)), "net", $"e{nextId++}", Mac(random.Next(6)), RandomIps(random), Vtep(owner));
            }
            else if (op < 6 && mine.Count > 0)
            {
                EndpointRecord r = mine[random.Next(mine.Count)];
                written = t.Publish(r.Vni, r.NetworkName, r.EndpointId, r.Mac, RandomIps(random), r.Vtep);
            }
            else if (op < 8 && mine.Count > 0)
            {
                EndpointRecord r = mine[random.Next(mine.Count)];
                written = t.Withdraw(r.Vni, r.EndpointId);
            }
            else
            {
                EndpointRecord r = others[random.Next(others.Count)];
                written = t.Publish(r.Vni, r.NetworkName, r.EndpointId, r.Mac, [.. r.Addresses], Vtep(owner));
            }
            if (written is null)
            {
                continue;
            }
            log.Add(written);
            foreach (var (name, other) in tables)
            {
                if (name != owner && random.NextDouble() < 0.6)
                {
                    other.Merge(written);
                }
            }
        }
        return log;
    }

    private static List<IpAddr> RandomIps(Random random)
    {
        int count = random.Next(3);
        return [.. Enumerable.Range(0, count).Select(_ => Ip(random.Next(10))).Distinct()];
    }
}
