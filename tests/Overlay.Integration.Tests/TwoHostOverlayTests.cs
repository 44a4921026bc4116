using Overlay.Integration.Tests.Fixtures;

namespace Overlay.Integration.Tests;

/// <summary>overlayd on both ends: reachability, TCP both ways, and what each side learned.</summary>
[Collection(NetnsCollection.Name)]
public sealed class TwoHostOverlayTests(TwoHostsFixture f) : IClassFixture<TwoHostsFixture>
{
    [Fact]
    public void Ping_AnswersBothWays() =>
        OverlayAssert.PingsBothWays(f.Rig, f.A, TwoHostsFixture.AddressA, f.B, TwoHostsFixture.AddressB);

    [Fact]
    public void Iperf3Tcp_FlowsBothWays() =>
        OverlayAssert.TcpFlowsBothWays(f.Rig, f.A, TwoHostsFixture.AddressA, f.B, TwoHostsFixture.AddressB);

    [Fact]
    public void Fdb_ListsTheRemoteEndpointAsDynamic_BehindItsVtep()
    {
        OverlayAssert.PingsBothWays(f.Rig, f.A, TwoHostsFixture.AddressA, f.B, TwoHostsFixture.AddressB);

        var onH1 = OverlayAssert.FdbEntry(f.D1.Ctl, TwoHostsFixture.Vni, TwoHostsFixture.MacB);
        Assert.Equal(("dynamic", f.H2.Vtep), (onH1.Kind, onH1.Dst));
        var onH2 = OverlayAssert.FdbEntry(f.D2.Ctl, TwoHostsFixture.Vni, TwoHostsFixture.MacA);
        Assert.Equal(("dynamic", f.H1.Vtep), (onH2.Kind, onH2.Dst));
    }
}
