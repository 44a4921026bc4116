using Overlay.Dataplane.Bridging;
using Overlay.Packets;

namespace Overlay.Dataplane.Tests.Bridging;

/// <summary>The open-addressing table against an obviously correct dictionary model, under random operation
/// sequences with fake time (ageing), small MAC spaces (collisions, moves) and caps.</summary>
public sealed class ForwardingTableModelTests
{
    private sealed record ModelEntry(int Port, IpAddr Remote, FdbEntryKind Kind, long Updated);

    [Theory]
    [InlineData(1, 0, 40)]
    [InlineData(2, 0, 5000)]
    [InlineData(3, 50, 200)]
    [InlineData(4, 7, 30)]
    [InlineData(5, 0, 100_000)]
    public void RandomOperationsMatchTheModel(int seed, int maxAddresses, int macSpace)
    {
        var rng = new Random(seed);
        var table = new ForwardingTable(maxAddresses, initialCapacity: 64);
        var model = new Dictionary<ulong, ModelEntry>();
        long now = 0;
        const long ageing = 300;

        for (int step = 0; step < 60_000; step++)
        {
            var mac = new MacAddress((ulong)rng.Next(1, macSpace + 1) << 1); // never the group bit, never zero
            int port = rng.Next(-1, 4);
            var remote = port < 0 ? IpAddr.FromV4(0xC612_0000u | (uint)rng.Next(1, 5)) : default;
            switch (rng.Next(10))
            {
                case < 5:
                {
                    var result = table.Learn(mac, port, remote, now);
                    var expected = ModelLearn(model, maxAddresses, mac.Value, port, remote, now);
                    Assert.Equal(expected, result);
                    break;
                }
                case 5:
                {
                    var kind = rng.Next(2) == 0 ? FdbEntryKind.Static : FdbEntryKind.Permanent;
                    bool ok = table.Set(new FdbEntry { Mac = mac.Value, Port = port, Remote = remote, Kind = kind, Updated = now, Used = now });
                    bool modelOk = model.ContainsKey(mac.Value) || maxAddresses == 0 || model.Count < maxAddresses;
                    Assert.Equal(modelOk, ok);
                    if (ok) model[mac.Value] = new ModelEntry(port, remote, kind, now);
                    break;
                }
                case 6:
                    Assert.Equal(model.Remove(mac.Value), table.Remove(mac));
                    break;
                case 7:
                {
                    ref var e = ref table.Lookup(mac, now);
                    bool found = !System.Runtime.CompilerServices.Unsafe.IsNullRef(ref e);
                    Assert.Equal(model.TryGetValue(mac.Value, out var m), found);
                    if (found)
                    {
                        Assert.Equal(m!.Port, e.Port);
                        Assert.Equal(m.Remote, e.Remote);
                        Assert.Equal(m.Kind, e.Kind);
                    }
                    break;
                }
                case 8:
                    now += rng.Next(0, 120);
                    break;
                default:
                {
                    int removed = table.Age(now, ageing);
                    var stale = model.Where(kv => kv.Value.Kind == FdbEntryKind.Dynamic && now - kv.Value.Updated >= ageing).Select(kv => kv.Key).ToList();
                    foreach (var k in stale) model.Remove(k);
                    Assert.Equal(stale.Count, removed);
                    break;
                }
            }
            Assert.Equal(model.Count, table.Count);
        }

        var snapshot = table.Snapshot().ToDictionary(e => e.Mac);
        Assert.Equal(model.Keys.OrderBy(k => k), snapshot.Keys.OrderBy(k => k));
        foreach (var (mac, m) in model)
        {
            Assert.Equal(m.Port, snapshot[mac].Port);
            Assert.Equal(m.Kind, snapshot[mac].Kind);
        }
    }

    private static LearnResult ModelLearn(Dictionary<ulong, ModelEntry> model, int max, ulong mac, int port, IpAddr remote, long now)
    {
        if (model.TryGetValue(mac, out var e))
        {
            bool same = port >= 0 ? e.Port == port : e.Port < 0 && e.Remote == remote;
            if (same)
            {
                model[mac] = e with { Updated = now };
                return LearnResult.Refreshed;
            }
            if (e.Kind != FdbEntryKind.Dynamic) return LearnResult.StaticConflict;
            model[mac] = new ModelEntry(port, remote, FdbEntryKind.Dynamic, now);
            return LearnResult.Moved;
        }
        if (max > 0 && model.Count >= max) return LearnResult.Full;
        model[mac] = new ModelEntry(port, remote, FdbEntryKind.Dynamic, now);
        return LearnResult.Created;
    }

    [Fact]
    public void AllZerosMacIsNotAnEntry()
    {
        var table = new ForwardingTable();
        Assert.Throws<ArgumentException>(() => table.Set(new FdbEntry { Mac = 0, Port = 1 }));
        Assert.True(System.Runtime.CompilerServices.Unsafe.IsNullRef(ref table.Lookup(MacAddress.Zero, 0)));
    }

    [Fact]
    public void LookupRefreshesUseButNotAge()
    {
        var table = new ForwardingTable();
        var mac = MacAddress.Parse("02:00:00:00:00:01");
        table.Learn(mac, 1, default, now: 0);
        table.Lookup(mac, now: 200);
        Assert.True(table.TryGet(mac, out var e));
        Assert.Equal(200, e.Used);
        Assert.Equal(0, e.Updated);
        // The kernel ages from the last time the MAC was seen as a source, not from forwarding to it.
        Assert.Equal(1, table.Age(300, 300));
    }
}
