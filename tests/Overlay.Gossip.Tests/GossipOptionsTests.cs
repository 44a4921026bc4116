namespace Overlay.Gossip.Tests;

public sealed class GossipOptionsTests
{
    [Fact]
    public void Lan_preset_is_memberlist_DefaultLANConfig()
    {
        GossipOptions o = GossipOptions.Lan;
        Assert.Equal(TimeSpan.FromSeconds(1), o.ProbeInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), o.ProbeTimeout);
        Assert.Equal(3, o.IndirectChecks);
        Assert.Equal(TimeSpan.FromMilliseconds(200), o.GossipInterval);
        Assert.Equal(3, o.GossipNodes);
        Assert.Equal(4, o.RetransmitMult);
        Assert.Equal(4, o.SuspicionMult);
        Assert.Equal(6, o.SuspicionMaxTimeoutMult);
        Assert.Equal(TimeSpan.FromSeconds(30), o.PushPullInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), o.GossipToTheDeadTime);
        Assert.Equal(8, o.AwarenessMaxMultiplier);
        Assert.Equal(1400, o.UdpBufferSize);
        Assert.Equal(TimeSpan.FromSeconds(10), o.TcpTimeout);
        Assert.Equal(TimeSpan.Zero, o.DeadNodeReclaimTime);
        Assert.True(o.Lifeguard);
    }

    [Fact]
    public void Wan_and_Local_presets_change_what_memberlist_changes()
    {
        GossipOptions wan = GossipOptions.Wan;
        Assert.Equal((5.0, 3.0, 0.5, 4, 6, 60.0, 60.0, 30.0), (wan.ProbeInterval.TotalSeconds, wan.ProbeTimeout.TotalSeconds,
            wan.GossipInterval.TotalSeconds, wan.GossipNodes, wan.SuspicionMult, wan.PushPullInterval.TotalSeconds,
            wan.GossipToTheDeadTime.TotalSeconds, wan.TcpTimeout.TotalSeconds));
        GossipOptions local = GossipOptions.Local;
        Assert.Equal((1.0, 0.2, 0.1, 1, 2, 3, 15.0, 15.0, 1.0), (local.ProbeInterval.TotalSeconds, local.ProbeTimeout.TotalSeconds,
            local.GossipInterval.TotalSeconds, local.IndirectChecks, local.RetransmitMult, local.SuspicionMult,
            local.PushPullInterval.TotalSeconds, local.GossipToTheDeadTime.TotalSeconds, local.TcpTimeout.TotalSeconds));
    }

    [Fact]
    public void Validate_names_every_bad_key()
    {
        GossipOptions bad = GossipOptions.Lan with
        {
            Name = "",
            ProbeTimeout = TimeSpan.FromSeconds(2),
            GossipNodes = 0,
            UdpBufferSize = 100,
        };
        var error = Assert.Throws<ArgumentException>(bad.Validate);
        Assert.Contains("GossipOptions.Name", error.Message);
        Assert.Contains("GossipOptions.ProbeTimeout (00:00:02) must be shorter than GossipOptions.ProbeInterval", error.Message);
        Assert.Contains("GossipOptions.GossipNodes", error.Message);
        Assert.Contains("GossipOptions.UdpBufferSize", error.Message);
    }

    [Fact]
    public void Presets_with_a_name_are_valid()
    {
        (GossipOptions.Lan with { Name = "a" }).Validate();
        (GossipOptions.Wan with { Name = "a" }).Validate();
        (GossipOptions.Local with { Name = "a" }).Validate();
    }
}
