using System.Net;

namespace Overlay.Gossip.Net.Tests;

public sealed class PeerFilterTests
{
    [Fact]
    public void Networks_match_both_families_and_mapped_addresses()
    {
        var filter = new PeerFilter([IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("fd00::/8")]);

        Assert.True(filter.Allows([198, 19, 255, 1]));
        Assert.False(filter.Allows([198, 20, 0, 1]));
        Assert.True(filter.Allows(IPAddress.Parse("198.18.0.9").MapToIPv6().GetAddressBytes()));
        Assert.True(filter.Allows(IPAddress.Parse("fd12::1").GetAddressBytes()));
        Assert.False(filter.Allows(IPAddress.Parse("fe80::1").GetAddressBytes()));
        Assert.False(filter.Allows([1, 2]));
        Assert.True(new PeerFilter([]).Allows([1, 2]));
        Assert.True(new PeerFilter([IPNetwork.Parse("0.0.0.0/0")]).Allows([8, 8, 8, 8]));
        Assert.False(new PeerFilter([IPNetwork.Parse("0.0.0.0/0")]).Allows(IPAddress.IPv6Loopback.GetAddressBytes()));
    }
}
