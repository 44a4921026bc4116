using Overlay.ControlPlane.Endpoints;
using Overlay.ControlPlane.Projection;
using Overlay.ControlPlane.Wire;
using Overlay.Gossip.Messages;
using static Overlay.ControlPlane.Tests.Simulation.Build;

namespace Overlay.ControlPlane.Tests.Simulation;

/// <summary>
/// An endpoint leaves host a for host b, keeping its MAC and IP (a rescheduled container reusing its address,
/// moby#31588/#35401). Whatever order the news arrives in, and however late stale copies of a's record turn up,
/// every node ends with exactly one entry for the MAC, pointing at b, and never points it back at a once it has
/// heard of b's record.
/// </summary>
public sealed class MoveTests
{
    private static readonly RemoteKey MacKey = new(42, Mac(1));
    private static readonly NeighbourKey IpKey = new(42, Ip(1));

    /// <summary>A message: a broadcast record, or a push/pull state.</summary>
    private sealed record Message(string Name, EndpointRecord? Record, IReadOnlyCollection<EndpointRecord>? State);

    [Fact]
    public void Recreated_on_another_host_under_a_new_id()
    {
        var time = Time();
        var a = Table("a", time);
        var b = Table("b", time);
        EndpointRecord oldRecord = a.Publish(42, "net", "e1", Mac(1), [Ip(1)], Vtep("a"))!;
        IReadOnlyCollection<EndpointRecord> aBefore = [.. a.Records];
        b.Merge(oldRecord);
        EndpointRecord newRecord = b.Publish(42, "net", "e2", Mac(1), [Ip(1)], Vtep("b"))!;
        EndpointRecord withdrawal = a.Withdraw(42, "e1")!;
        IReadOnlyCollection<EndpointRecord> aAfter = [.. a.Records];

        Message[] messages =
        [
            new("a:e1", oldRecord, null),
            new("b:e2", newRecord, null),
            new("a:e1 withdrawn", withdrawal, null),
            new("a:e1 again, late", oldRecord, null),
            new("a's push/pull before withdrawing", null, aBefore),
        ];
        int orders = AssertEveryOrderEndsAtB(messages, time, sawB: m => m.Name == "b:e2");
        Assert.Equal(120, orders);

        // The old host re-sends its state much later: it carries the tombstone, never the live record.
        var late = ObserverAfter(messages, time);
        late.MergeRemoteState(EndpointCodec.EncodeTable(aAfter, time.GetUtcNow()), join: false);
        AssertOnlyB(late);
    }

    [Fact]
    public void Moved_to_another_host_under_the_same_id()
    {
        var time = Time();
        var a = Table("a", time);
        var b = Table("b", time);
        EndpointRecord oldRecord = a.Publish(42, "net", "e1", Mac(1), [Ip(1)], Vtep("a"))!;
        IReadOnlyCollection<EndpointRecord> aBefore = [.. a.Records];
        b.Merge(oldRecord);
        EndpointRecord moved = b.Publish(42, "net", "e1", Mac(1), [Ip(1)], Vtep("b"))!;
        Assert.Equal(MergeOutcome.Applied, a.Merge(moved).Outcome); // a learns it lost the endpoint
        Assert.Empty(a.LocalEndpoints());
        IReadOnlyCollection<EndpointRecord> aAfter = [.. a.Records];

        Message[] messages =
        [
            new("a:e1", oldRecord, null),
            new("b:e1", moved, null),
            new("a:e1 again, late", oldRecord, null),
            new("a's push/pull before the move", null, aBefore),
            new("a's push/pull after the move", null, aAfter),
        ];
        AssertEveryOrderEndsAtB(messages, time, sawB: m => m.Name is "b:e1" or "a's push/pull after the move");
    }

    [Fact]
    public void Old_host_died_without_withdrawing_and_restarts_later()
    {
        var time = Time();
        var a = Table("a", time, boot: 1);
        var b = Table("b", time);
        EndpointRecord oldRecord = a.Publish(42, "net", "e1", Mac(1), [Ip(1)], Vtep("a"))!;
        EndpointRecord unrelated = a.Publish(42, "net", "e3", Mac(3), [Ip(3)], Vtep("a"))!;
        b.Merge(oldRecord);
        b.Merge(unrelated);
        EndpointRecord newRecord = b.Publish(42, "net", "e2", Mac(1), [Ip(1)], Vtep("b"))!;

        // a comes back as a new process (boot 2) that has neither endpoint; it learns its old records back from
        // a push/pull and refutes them.
        var reborn = Table("a", time, boot: 2);
        reborn.SetOwnerAlive("b", BootOf("b"));
        var refutations = new List<EndpointRecord>();
        foreach (EndpointRecord r in b.Records.ToList())
        {
            if (reborn.Merge(r) is { Outcome: MergeOutcome.Refuted, Broadcast: { } answer })
            {
                refutations.Add(answer);
            }
        }
        Assert.Equal(2, refutations.Count);
        Assert.All(refutations, r => Assert.True(
            r.Deleted && r.OwnerBoot == 2 && b.TryGet(r.Vni, r.EndpointId, out EndpointRecord old) && r.Version > old.Version));

        var o = new EndpointGossip(Table("o", time), new RecordingSink(), (_, _) => { }, time);
        o.NotifyJoin(Member("a", meta: NodeMetaCodec.Encode(1)));
        o.NotifyJoin(Member("b", meta: NodeMetaCodec.Encode(BootOf("b"))));
        Deliver(o, oldRecord, time);
        Deliver(o, unrelated, time);
        Assert.Equal(Vtep("a"), o.Applied.Remotes[MacKey]);
        o.NotifyLeave(Member("a", NodeStateKind.Dead));
        Assert.Empty(o.Applied.Remotes); // suspended, not pointing at a dead VTEP
        Deliver(o, newRecord, time);
        AssertOnlyB(o);
        o.NotifyJoin(Member("a", meta: NodeMetaCodec.Encode(2)));
        AssertOnlyB(o); // a's first-life records are not installed again, even before its refutations arrive
        foreach (EndpointRecord r in refutations)
        {
            Deliver(o, r, time);
        }
        AssertOnlyB(o);
        Assert.All(o.Table.Records.Where(r => r.Owner == "a"), r => Assert.True(r.Deleted));
    }

    private static int AssertEveryOrderEndsAtB(Message[] messages, TimeProvider time, Func<Message, bool> sawB)
    {
        int orders = 0;
        foreach (Message[] order in Permutations.Of(messages))
        {
            orders++;
            var o = NewObserver(time);
            bool heardOfB = false;
            foreach (Message m in order)
            {
                Deliver(o, m, time);
                heardOfB |= sawB(m);
                Assert.True(o.Applied.Remotes.Count <= 1);
                if (heardOfB)
                {
                    Assert.Equal(Vtep("b"), o.Applied.Remotes[MacKey]);
                }
            }
            AssertOnlyB(o);
        }
        return orders;
    }

    private static EndpointGossip ObserverAfter(Message[] messages, TimeProvider time)
    {
        var o = NewObserver(time);
        foreach (Message m in messages)
        {
            Deliver(o, m, time);
        }
        return o;
    }

    private static EndpointGossip NewObserver(TimeProvider time)
    {
        var o = new EndpointGossip(Table("o", time), new RecordingSink(), (_, _) => { }, time);
        o.NotifyJoin(Member("a", meta: NodeMetaCodec.Encode(BootOf("a"))));
        o.NotifyJoin(Member("b", meta: NodeMetaCodec.Encode(BootOf("b"))));
        return o;
    }

    private static void Deliver(EndpointGossip o, Message m, TimeProvider time)
    {
        if (m.Record is not null)
        {
            Deliver(o, m.Record, time);
        }
        else
        {
            o.MergeRemoteState(EndpointCodec.EncodeTable(m.State!, time.GetUtcNow()), join: false);
        }
    }

    private static void Deliver(EndpointGossip o, EndpointRecord r, TimeProvider time) =>
        o.NotifyUserMessage(EndpointCodec.EncodeRecord(r, time.GetUtcNow()));

    private static void AssertOnlyB(EndpointGossip o)
    {
        var remote = Assert.Single(o.Applied.Remotes);
        Assert.Equal(MacKey, remote.Key);
        Assert.Equal(Vtep("b"), remote.Value);
        var neighbour = Assert.Single(o.Applied.Neighbours);
        Assert.Equal(IpKey, neighbour.Key);
        Assert.Equal(Mac(1), neighbour.Value);
        Assert.True(o.Applied.SameAs(o.Table.Desired));
    }
}
