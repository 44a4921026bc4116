using Overlay.ControlPlane.Endpoints;
using Overlay.ControlPlane.Tests.Simulation;
using Overlay.ControlPlane.Wire;
using Overlay.Gossip.Messages;
using static Overlay.ControlPlane.Tests.Simulation.Build;

namespace Overlay.ControlPlane.Tests.Endpoints;

public sealed class LivenessTests
{
    [Fact]
    public void A_dead_owner_is_withdrawn_from_the_dataplane_at_once_kept_in_the_table_and_restored_when_back()
    {
        var time = Time();
        var sink = new RecordingSink();
        var o = new EndpointGossip(Table("o", time), sink, (_, _) => { }, time);
        o.NotifyJoin(Member("b", meta: NodeMetaCodec.Encode(BootOf("b"))));
        o.NotifyUserMessage(EndpointCodec.EncodeRecord(Record("b", "e1", 1, version: 1, ips: [1, 2]), time.GetUtcNow()));
        o.NotifyUserMessage(EndpointCodec.EncodeRecord(Record("c", "e2", 2, version: 2, ips: [3]), time.GetUtcNow()));
        o.NotifyJoin(Member("c", meta: NodeMetaCodec.Encode(BootOf("c"))));
        Assert.Equal(2, sink.Remotes.Count);
        Assert.Equal(3, sink.Neighbours.Count);

        sink.Log.Clear();
        o.NotifyLeave(Member("b", NodeStateKind.Dead));
        Assert.Equal(["remove-neigh 42 198.19.0.1 02:42:0a:00:00:01", "remove-neigh 42 198.19.0.2 02:42:0a:00:00:01", "remove-remote 42 02:42:0a:00:00:01 " + Vtep("b")],
            sink.Log.Order().ToArray());
        Assert.Single(sink.Remotes);
        Assert.Equal(2, o.Table.Count);

        o.NotifyJoin(Member("b", meta: NodeMetaCodec.Encode(BootOf("b"))));
        Assert.Equal(2, sink.Remotes.Count);
        Assert.True(sink.Matches(o.Table.Desired));
    }

    [Fact]
    public void A_left_owner_is_suspended_like_a_dead_one()
    {
        var time = Time();
        var table = Table("o", time);
        table.SetOwnerAlive("b", BootOf("b"));
        table.Merge(Record("b", "e1", 1, version: 1));
        var o = new EndpointGossip(table, new RecordingSink(), (_, _) => { }, time);
        o.Resync();
        Assert.Single(o.Applied.Remotes);
        o.NotifyLeave(Member("b", NodeStateKind.Left));
        Assert.Empty(o.Applied.Remotes);
        Assert.False(table.IsOwnerAlive("b"));
    }

    [Fact]
    public void An_owner_gone_longer_than_the_retention_loses_its_records_and_stale_copies_are_refused()
    {
        var time = Time();
        var table = Table("o", time);
        table.SetOwnerAlive("b", BootOf("b"));
        table.Merge(Record("b", "e1", 1, version: 1));
        table.SetOwnerGone("b");
        time.Advance(TimeSpan.FromMinutes(19));
        Assert.Equal(0, table.Collect());
        Assert.Equal(MergeOutcome.Applied, table.Merge(Record("b", "e2", 2, version: 2)).Outcome);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(2, table.Collect());
        Assert.Equal(MergeOutcome.Rejected, table.Merge(Record("b", "e1", 1, version: 1)).Outcome);
        Assert.Equal(2, table.Counters.OwnerRecordsCollected);

        table.SetOwnerAlive("b", BootOf("b"));
        Assert.Equal(MergeOutcome.Applied, table.Merge(Record("b", "e1", 1, version: 1)).Outcome);
        Assert.Single(table.Desired.Remotes);
    }

    [Fact]
    public void A_record_that_outruns_its_owners_alive_message_waits_for_it_and_is_dropped_if_it_never_comes()
    {
        var time = Time();
        var table = Table("o", time);
        table.Merge(Record("b", "e1", 1, version: 1));
        table.Merge(Record("c", "e2", 2, version: 2));
        Assert.Empty(table.Desired.Remotes);
        table.SetOwnerAlive("b", BootOf("b"));
        Assert.Single(table.Desired.Remotes);
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, table.Collect());
        Assert.False(table.TryGet(42, "e2", out _));
        Assert.True(table.TryGet(42, "e1", out _));
    }

    [Fact]
    public void Records_written_in_another_life_of_the_owner_are_not_installed()
    {
        var time = Time();
        var table = Table("o", time);
        table.Merge(Record("b", "old", 1, version: 1, boot: 7));
        table.Merge(Record("b", "new", 2, version: 2, boot: 8));
        table.SetOwnerAlive("b", 8);
        Assert.Equal([new(42, Mac(2))], table.Desired.Remotes.Keys.ToArray());
        table.SetOwnerAlive("b", 7); // NotifyUpdate with other metadata: now the other life is current
        Assert.Equal([new(42, Mac(1))], table.Desired.Remotes.Keys.ToArray());
        table.SetOwnerAlive("b", 0); // a member that announces no boot id: its records are taken at their word
        Assert.Equal(2, table.Desired.Remotes.Count);
    }

    [Fact]
    public void Metadata_that_is_not_ours_is_counted_and_read_as_no_boot_id()
    {
        var time = Time();
        var o = new EndpointGossip(Table("o", time), new RecordingSink(), (_, _) => { }, time);
        o.NotifyUserMessage(EndpointCodec.EncodeRecord(Record("b", "e1", 1, version: 1, boot: 5), time.GetUtcNow()));
        o.NotifyJoin(Member("b", meta: [9, 9, 9]));
        Assert.Equal(1, o.Counters.MetaDecodeFailures);
        Assert.Single(o.Applied.Remotes);
        Assert.Equal(NodeMetaCodec.Size, o.NodeMeta(NodeMetaCodec.Size)!.Length);
        Assert.Null(o.NodeMeta(4));
    }

    [Fact]
    public void Membership_news_about_ourselves_changes_nothing()
    {
        var time = Time();
        var table = Table("a", time);
        table.Publish(42, "net", "e1", Mac(1), [Ip(1)], Vtep("a"));
        Assert.False(table.SetOwnerGone("a"));
        Assert.False(table.SetOwnerAlive("a", 99));
        Assert.True(table.IsEligible(table.LocalEndpoints().Single()));
    }
}
