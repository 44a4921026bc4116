using Overlay.Dataplane.Bridging;
using Overlay.Packets;

namespace Overlay.Dataplane.Tests.Bridging;

/// <summary>Taking in what another worker's replica learned: the newer sighting wins, statics stay.</summary>
public sealed class ForwardingTableAdoptTests
{
    private static readonly MacAddress Mac = MacAddress.Parse("02:00:00:00:00:0a");
    private static readonly IpAddr Vtep1 = IpAddr.Parse("198.18.0.1");
    private static readonly IpAddr Vtep2 = IpAddr.Parse("198.18.0.2");

    [Fact]
    public void An_unknown_mac_is_created_dynamic_with_the_sighting_time()
    {
        var t = new ForwardingTable();
        Assert.Equal(LearnResult.Created, t.Adopt(Mac, 3, default, seen: 100));
        Assert.True(t.TryGet(Mac, out var e));
        Assert.Equal(3, e.Port);
        Assert.Equal(FdbEntryKind.Dynamic, e.Kind);
        Assert.Equal(100, e.Updated);
        Assert.Equal(100, e.Shared);
    }

    [Fact]
    public void A_refresh_never_makes_an_entry_younger()
    {
        var t = new ForwardingTable();
        t.Learn(Mac, -1, Vtep1, now: 500);
        Assert.Equal(LearnResult.Refreshed, t.Adopt(Mac, -1, Vtep1, seen: 400));
        Assert.True(t.TryGet(Mac, out var e));
        Assert.Equal(500, e.Updated);
        Assert.Equal(LearnResult.Refreshed, t.Adopt(Mac, -1, Vtep1, seen: 700));
        Assert.True(t.TryGet(Mac, out e));
        Assert.Equal(700, e.Updated);
    }

    [Fact]
    public void A_move_is_taken_only_when_newer_than_what_this_replica_saw()
    {
        var t = new ForwardingTable();
        t.Learn(Mac, 1, default, now: 500);
        // News from before our own sighting: the other worker will hear of ours and move back.
        Assert.Equal(LearnResult.Refreshed, t.Adopt(Mac, -1, Vtep2, seen: 499));
        Assert.True(t.TryGet(Mac, out var e));
        Assert.Equal(1, e.Port);
        Assert.Equal(LearnResult.Moved, t.Adopt(Mac, -1, Vtep2, seen: 501));
        Assert.True(t.TryGet(Mac, out e));
        Assert.Equal(-1, e.Port);
        Assert.Equal(Vtep2, e.Remote);
        Assert.Equal(501, e.Updated);
    }

    [Fact]
    public void Static_entries_are_left_alone()
    {
        var t = new ForwardingTable();
        t.Set(new FdbEntry { Mac = Mac.Value, Port = -1, Remote = Vtep1, Kind = FdbEntryKind.Static, Updated = 1 });
        Assert.Equal(LearnResult.StaticConflict, t.Adopt(Mac, 2, default, seen: 1_000));
        Assert.True(t.TryGet(Mac, out var e));
        Assert.Equal(Vtep1, e.Remote);
        Assert.Equal(FdbEntryKind.Static, e.Kind);
    }

    [Fact]
    public void A_full_table_takes_nothing_new()
    {
        var t = new ForwardingTable(maxAddresses: 1);
        t.Learn(MacAddress.Parse("02:00:00:00:00:01"), 0, default, now: 1);
        Assert.Equal(LearnResult.Full, t.Adopt(Mac, 0, default, seen: 2));
        Assert.Equal(1, t.Count);
    }

    [Fact]
    public void Learn_says_when_a_refresh_is_due_to_be_shared()
    {
        var t = new ForwardingTable();
        Assert.Equal(LearnResult.Created, t.Learn(Mac, 0, default, now: 0, shareAfter: 100));
        Assert.Equal(LearnResult.Refreshed, t.Learn(Mac, 0, default, now: 99, shareAfter: 100));
        Assert.Equal(LearnResult.RefreshedShare, t.Learn(Mac, 0, default, now: 100, shareAfter: 100));
        Assert.Equal(LearnResult.Refreshed, t.Learn(Mac, 0, default, now: 150, shareAfter: 100));
        // Without a share interval (one worker) a refresh is never due.
        Assert.Equal(LearnResult.Refreshed, t.Learn(Mac, 0, default, now: long.MaxValue / 2));
    }
}
