using Overlay.ControlPlane.Projection;
using Overlay.ControlPlane.Tests.Simulation;
using Overlay.ControlPlane.Wire;
using Overlay.Gossip.Messages;
using static Overlay.ControlPlane.Tests.Simulation.Build;

namespace Overlay.ControlPlane.Tests.Projection;

public sealed class DataplaneDiffTests
{
    private static readonly RemoteKey M1 = new(42, Mac(1));

    [Fact]
    public void Between_lists_adds_replaces_and_removes_and_nothing_for_equal_entries()
    {
        var applied = new DataplaneState();
        applied.SetRemote(new(42, Mac(1)), Vtep("a"));
        applied.SetRemote(new(42, Mac(2)), Vtep("a"));
        applied.SetRemote(new(42, Mac(3)), Vtep("a"));
        applied.SetNeighbour(new(42, Ip(1)), Mac(1));
        var desired = new DataplaneState();
        desired.SetRemote(new(42, Mac(1)), Vtep("a"));
        desired.SetRemote(new(42, Mac(2)), Vtep("b"));
        desired.SetRemote(new(42, Mac(4)), Vtep("c"));
        desired.SetNeighbour(new(42, Ip(1)), Mac(2));
        desired.SetNeighbour(new(42, Ip(4)), Mac(4));

        DataplaneDiff diff = DataplaneDiff.Between(applied, desired);
        Assert.Equal(
            [
                new RemoteChange(DiffOp.Replace, new(42, Mac(2)), Vtep("b"), Vtep("a")),
                new RemoteChange(DiffOp.Remove, new(42, Mac(3)), default, Vtep("a")),
                new RemoteChange(DiffOp.Add, new(42, Mac(4)), Vtep("c"), default),
            ],
            diff.Remotes.OrderBy(c => c.Key.Mac).ToArray());
        Assert.Equal(
            [
                new NeighbourChange(DiffOp.Replace, new(42, Ip(1)), Mac(2), Mac(1)),
                new NeighbourChange(DiffOp.Add, new(42, Ip(4)), Mac(4), default),
            ],
            diff.Neighbours.OrderBy(c => c.Key.Ip.V4).ToArray());
        Assert.True(DataplaneDiff.Between(desired, desired).IsEmpty);
    }

    [Fact]
    public void Each_change_applies_only_its_own_difference()
    {
        var time = Time();
        var sink = new RecordingSink();
        var o = new EndpointGossip(Table("o", time), sink, (_, _) => { }, time);
        foreach (string n in new[] { "a", "b" })
        {
            o.NotifyJoin(Member(n, meta: NodeMetaCodec.Encode(BootOf(n))));
        }
        for (int i = 0; i < 50; i++)
        {
            Send(o, Record(i % 2 == 0 ? "a" : "b", $"e{i}", i + 1, version: (ulong)i + 1), time);
        }
        Assert.Equal(50, sink.Remotes.Count);

        // A new VTEP for one endpoint: one replace, nothing else.
        sink.Log.Clear();
        Send(o, new(42, "net", "e0", Mac(1), Ips(1), Vtep("z"), "a", BootOf("a"), 100), time);
        Assert.Equal([$"set-remote 42 {Mac(1)} {Vtep("z")}"], sink.Log);

        // The same write again, and an older one: nothing.
        sink.Log.Clear();
        Send(o, new(42, "net", "e0", Mac(1), Ips(1), Vtep("z"), "a", BootOf("a"), 100), time);
        Send(o, Record("a", "e0", 1, version: 50), time);
        Assert.Empty(sink.Log);

        // A new address for one endpoint: one neighbour added.
        sink.Log.Clear();
        Send(o, new(42, "net", "e0", Mac(1), Ips(1, 77), Vtep("z"), "a", BootOf("a"), 101), time);
        Assert.Equal([$"set-neigh 42 {Ip(77)} {Mac(1)}"], sink.Log);

        // A withdrawal: its neighbours, then its forwarding entry.
        sink.Log.Clear();
        Send(o, new(42, "net", "e0", Mac(1), Ips(1, 77), Vtep("z"), "a", BootOf("a"), 102, deleted: true, deletedAt: time.GetUtcNow()), time);
        Assert.Equal(3, sink.Log.Count);
        Assert.StartsWith("remove-neigh", sink.Log[0]);
        Assert.StartsWith("remove-neigh", sink.Log[1]);
        Assert.Equal($"remove-remote 42 {Mac(1)} {Vtep("z")}", sink.Log[2]);

        // An owner dies: exactly its entries go.
        sink.Log.Clear();
        o.NotifyLeave(Member("b", NodeStateKind.Dead));
        Assert.Equal(50, sink.Log.Count); // 25 endpoints, one neighbour each
        Assert.Equal(24, sink.Remotes.Count);
        Assert.True(sink.Matches(o.Table.Desired));
    }

    [Fact]
    public void A_newer_claim_on_a_MAC_replaces_the_entry_in_place()
    {
        var time = Time();
        var sink = new RecordingSink();
        var o = new EndpointGossip(Table("o", time), sink, (_, _) => { }, time);
        o.NotifyJoin(Member("a", meta: NodeMetaCodec.Encode(BootOf("a"))));
        o.NotifyJoin(Member("b", meta: NodeMetaCodec.Encode(BootOf("b"))));
        Send(o, Record("a", "e1", 1, version: 1), time);
        sink.Log.Clear();
        Send(o, Record("b", "e2", 1, version: 2), time);
        Assert.Equal([$"set-remote 42 {Mac(1)} {Vtep("b")}"], sink.Log); // no remove, no gap
        Assert.Equal(Vtep("b"), sink.Remotes[M1]);
    }

    [Fact]
    public void Refused_changes_stay_pending_and_are_retried()
    {
        var time = Time();
        var sink = new RecordingSink();
        sink.RefusedVnis.Add(42);
        var o = new EndpointGossip(Table("o", time), sink, (_, _) => { }, time);
        o.NotifyJoin(Member("a", meta: NodeMetaCodec.Encode(BootOf("a"))));
        Send(o, Record("a", "e1", 1, version: 1), time);
        Assert.Empty(sink.Remotes);
        Assert.Equal(2, o.PendingDataplaneChanges);
        Assert.Equal(2, o.Counters.SinkFailures);

        sink.RefusedVnis.Clear();
        o.Maintain();
        Assert.Equal(0, o.PendingDataplaneChanges);
        Assert.True(sink.Matches(o.Table.Desired));

        // A refused removal is retried too: no entry is left pointing at a dead VTEP once the sink recovers.
        sink.RefusedVnis.Add(42);
        o.NotifyLeave(Member("a", NodeStateKind.Dead));
        Assert.Single(sink.Remotes);
        sink.RefusedVnis.Clear();
        o.Maintain();
        Assert.Empty(sink.Remotes);
        Assert.Empty(sink.Neighbours);
    }

    [Fact]
    public void Resync_installs_the_whole_desired_state_after_the_switch_lost_it()
    {
        var time = Time();
        var sink = new RecordingSink();
        var o = new EndpointGossip(Table("o", time), sink, (_, _) => { }, time);
        o.NotifyJoin(Member("a", meta: NodeMetaCodec.Encode(BootOf("a"))));
        Send(o, Record("a", "e1", 1, version: 1), time);
        sink.Remotes.Clear();
        sink.Neighbours.Clear();
        DataplaneDiff diff = o.Resync();
        Assert.Equal(2, diff.Count);
        Assert.True(sink.Matches(o.Table.Desired));
    }

    private static void Send(EndpointGossip o, Overlay.ControlPlane.Endpoints.EndpointRecord r, TimeProvider time) =>
        o.NotifyUserMessage(EndpointCodec.EncodeRecord(r, time.GetUtcNow()));
}
