using System.Net;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Tests.Transport;

public sealed class GossipEndPointTests
{
    [Fact]
    public void IPv4_round_trips_through_message_bytes()
    {
        var ep = GossipEndPoint.FromIPv4(0xC6120102, 7946);
        Assert.True(ep.IsIPv4);
        Assert.Equal(new byte[] { 198, 18, 1, 2 }, ep.AddressBytes());
        Assert.Equal(ep, GossipEndPoint.FromBytes([198, 18, 1, 2], 7946));
        Assert.Equal("198.18.1.2:7946", ep.ToString());
        Assert.True(ep.Matches([198, 18, 1, 2], 7946));
        Assert.False(ep.Matches([198, 18, 1, 2], 7947));
    }

    [Fact]
    public void IPv6_and_IPEndPoint_conversions()
    {
        var ip = new IPEndPoint(IPAddress.Parse("fd00::1"), 7946);
        GossipEndPoint ep = GossipEndPoint.FromIPEndPoint(ip);
        Assert.False(ep.IsIPv4);
        Assert.Equal(16, ep.AddressBytes().Length);
        Assert.Equal(ip, ep.ToIPEndPoint());
        Assert.Equal(GossipEndPoint.FromIPv4(0xC6120001, 1), GossipEndPoint.FromIPEndPoint(new IPEndPoint(IPAddress.Parse("::ffff:198.18.0.1"), 1)));
    }
}

public sealed class EstimatedMessageSizerTests
{
    [Fact]
    public void Alive_is_sized_as_memberlist_msgpack_encodes_it()
    {
        var alive = new Alive(1, "node-00001", [198, 18, 0, 2], 7946, null, [1, 5, 2, 0, 0, 0]);
        // type 1 + fixmap 1 + "Incarnation" 12 + 1 + "Node" 5 + 11 + "Addr" 5 + 6 + "Port" 5 + 3 + "Meta" 5 + nil 1
        // + "Vsn" 4 + 8
        Assert.Equal(1 + 1 + 12 + 1 + 5 + 11 + 5 + 6 + 5 + 3 + 5 + 1 + 4 + 8, EstimatedMessageSizer.Instance.SizeOf(alive));
    }

    [Fact]
    public void User_message_is_type_byte_plus_payload()
    {
        Assert.Equal(65, EstimatedMessageSizer.Instance.SizeOf(new UserMessage(new byte[64])));
    }
}
