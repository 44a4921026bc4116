using System.Text;
using Overlay.ControlPlane.Tests.Simulation;
using static Overlay.ControlPlane.Tests.Simulation.Build;

namespace Overlay.ControlPlane.Tests;

public sealed class EndpointGossipTests
{
    [Fact]
    public void Only_members_with_our_metadata_are_worth_a_direct_exchange()
    {
        var time = Time();
        var a = new EndpointGossip(Table("a", time), new RecordingSink(), (_, _) => { }, time);
        var b = new EndpointGossip(Table("b", time), new RecordingSink(), (_, _) => { }, time);
        Assert.True(a.SharesState(Member("b", meta: b.NodeMeta(512))));
        Assert.False(a.SharesState(Member("go-peer", meta: Encoding.UTF8.GetBytes("memberlist-peer meta, not overlayd's format"))));
        Assert.False(a.SharesState(Member("bare")));
        Assert.False(a.SharesState(Member("short", meta: [1, 2])));
    }
}
