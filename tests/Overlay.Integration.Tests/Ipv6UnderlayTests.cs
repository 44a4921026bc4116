using Overlay.Integration.Tests.Fixtures;
using Overlay.Integration.Tests.Rig;

namespace Overlay.Integration.Tests;

/// <summary>overlayd on both ends of an IPv6-only underlay.</summary>
[Collection(NetnsCollection.Name)]
public sealed class Ipv6UnderlayTests(TwoHostsIpv6Fixture f) : IClassFixture<TwoHostsIpv6Fixture>
{
    [Fact]
    public void Ping_AnswersBothWays() =>
        OverlayAssert.PingsBothWays(f.Rig, f.A, TwoHostsFixture.AddressA, f.B, TwoHostsFixture.AddressB);

    [Fact]
    public void Iperf3Tcp_FlowsBothWays() =>
        OverlayAssert.TcpFlowsBothWays(f.Rig, f.A, TwoHostsFixture.AddressA, f.B, TwoHostsFixture.AddressB);

    [Fact]
    public void EndpointMtu_LeavesRoomForTheIpv6OuterHeaders()
    {
        // Outer IPv6 (40) + UDP (8) + VXLAN (8) + inner Ethernet (14) = 70, the kernel's rule too.
        const int expected = NetnsRig.UnderlayMtu - 70;
        Assert.Equal(expected, f.Rig.LinkMtu(f.A, "eth0"));
        Assert.Equal(expected, f.Rig.LinkMtu(f.B, "eth0"));
    }

    [Fact]
    public void Fdb_LearnsTheRemoteEndpointBehindItsIpv6Vtep()
    {
        OverlayAssert.PingsBothWays(f.Rig, f.A, TwoHostsFixture.AddressA, f.B, TwoHostsFixture.AddressB);

        var onH1 = OverlayAssert.FdbEntry(f.D1.Ctl, TwoHostsFixture.Vni, TwoHostsFixture.MacB);
        Assert.Equal(("dynamic", "2001:2::2"), (onH1.Kind, onH1.Dst));
    }
}
