using System.Net;
using System.Net.Sockets;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Security;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Net.Tests;

/// <summary>memberlist's CIDRsAllowed: sources and member addresses outside the allowed networks are dropped.
/// Loopback has the whole 127/8, so a second address needs no namespace.</summary>
public sealed class AllowListTests
{
    private static UdpTcpTransportOptions Allowing(string address, string network) => TestNode.Loopback() with
    {
        BindAddress = IPAddress.Parse(address),
        AllowedPeers = [IPNetwork.Parse(network)],
    };

    [Fact]
    public async Task A_peer_outside_the_allowed_networks_is_not_admitted()
    {
        await using TestCluster cluster = await TestCluster.StartAsync(2, _ => Allowing("127.0.0.1", "127.0.0.1/32"));
        await using TestNode stranger = await TestNode.StartAsync("stranger", TestNode.Loopback() with { BindAddress = IPAddress.Parse("127.0.0.2") },
            seeds: [cluster[0].EndPoint]);
        TransportCounters counters = cluster[0].Transport.Counters;

        await Eventually.HoldsAsync(() => counters.Dropped(TransportDropReason.PeerNotAllowed) > 0, TimeSpan.FromSeconds(5), counters.ToString);
        Assert.Null(await cluster[0].StateOfAsync("stranger"));
        Assert.Single(await stranger.MembersAsync());

        // An allowed source gossiping about a member at a disallowed address: that alive is dropped.
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        byte[] alive = MemberlistCodec.Encode(new Alive(1, "ghost", [10, 0, 0, 1], 7946, null, [1, 5, 2, 0, 0, 0]));
        await udp.SendAsync(PacketEnvelope.Seal(alive, GossipSecurityOptions.None, crc: false), cluster[0].Transport.BoundEndPoint);
        await Eventually.HoldsAsync(() => counters.Dropped(TransportDropReason.MemberNotAllowed) > 0, TimeSpan.FromSeconds(3), counters.ToString);
        Assert.Null(await cluster[0].StateOfAsync("ghost"));
        await cluster.ConvergedAsync(TimeSpan.FromSeconds(1));
    }
}
