using Overlay.Dataplane.Linux.Underlay.Tunnel;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Tests.Underlay.Tunnel;

/// <summary>The /proc/net/arp and <c>ip neigh show</c> parsers on literal kernel/iproute2 output.</summary>
public sealed class TunnelNeighbourParserTests
{
    private static readonly MacAddress Peer = MacAddress.Parse("ae:59:12:5c:9a:37");

    // Captured from a test namespace (iproute2 6.1, kernel 6.18): REACHABLE, PERMANENT (0x6), STALE (0x2),
    // FAILED and INCOMPLETE (0x0, zero MAC), plus an entry on another device.
    private const string ProcArp =
        "IP address       HW type     Flags       HW address            Mask     Device\n" +
        "198.18.99.2      0x1         0x2         ae:59:12:5c:9a:37     *        ovlhva\n" +
        "198.18.99.8      0x1         0x6         02:00:00:00:00:08     *        ovlhva\n" +
        "198.18.99.9      0x1         0x2         02:00:00:00:00:09     *        ovlhva\n" +
        "198.18.99.10     0x1         0x0         00:00:00:00:00:00     *        ovlhva\n" +
        "198.18.99.7      0x1         0x0         00:00:00:00:00:00     *        ovlhva\n" +
        "198.18.98.5      0x1         0x2         02:00:00:00:98:05     *        ovlhvb\n";

    [Fact]
    public void Proc_arp_keeps_complete_entries_on_the_device()
    {
        var table = NeighbourTable.ParseProcArp(ProcArp, "ovlhva");

        Assert.Equal(3, table.Count);
        Assert.Equal(Peer, table[IpAddr.Parse("198.18.99.2")]);
        Assert.Equal(MacAddress.Parse("02:00:00:00:00:08"), table[IpAddr.Parse("198.18.99.8")]);
        Assert.Equal(MacAddress.Parse("02:00:00:00:00:09"), table[IpAddr.Parse("198.18.99.9")]);
        Assert.Equal(MacAddress.Parse("02:00:00:00:98:05"), Assert.Single(NeighbourTable.ParseProcArp(ProcArp, "ovlhvb")).Value);
        Assert.Empty(NeighbourTable.ParseProcArp(ProcArp, "ovlhv"));
    }

    [Fact]
    public void Proc_arp_skips_a_complete_flag_with_a_zero_mac_and_a_zero_flag_with_a_mac()
    {
        const string text =
            "IP address       HW type     Flags       HW address            Mask     Device\n" +
            "198.18.99.3      0x1         0x2         00:00:00:00:00:00     *        eth0\n" +
            "198.18.99.4      0x1         0x0         02:00:00:00:00:04     *        eth0\n" +
            "198.18.99.5      0x1         0x4         02:00:00:00:00:05     *        eth0\n";
        Assert.Empty(NeighbourTable.ParseProcArp(text, "eth0"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("\n\n\r\n")]
    [InlineData("IP address       HW type     Flags       HW address            Mask     Device")]
    [InlineData("198.18.99.2 0x1 0x2 ae:59:12:5c:9a:37 *")]                 // no device
    [InlineData("198.18.99.2 0x1 0x2 ae:59:12:5c:9a:37 * eth0 extra")]      // too many columns
    [InlineData("198.18.99.300 0x1 0x2 ae:59:12:5c:9a:37 * eth0")]          // bad address
    [InlineData("fe80::1 0x1 0x2 ae:59:12:5c:9a:37 * eth0")]                // not IPv4
    [InlineData("198.18.99.2 0x1 0xzz ae:59:12:5c:9a:37 * eth0")]           // bad flags
    [InlineData("198.18.99.2 0x1 0x2 ae:59:12:5c:9a * eth0")]               // short MAC
    [InlineData("198.18.99.2 0x200 0x2 00:11:22:33:44:55:66:77 * eth0")]    // not Ethernet
    [InlineData("\0\0\0 \uFFFD 0x2 \t\t eth0 eth0")]
    public void Proc_arp_never_throws_on_odd_input(string? text)
    {
        Assert.Empty(NeighbourTable.ParseProcArp(text, "eth0"));
    }

    [Fact]
    public void Proc_arp_accepts_tabs_and_crlf_and_lets_the_last_line_win()
    {
        const string text = "198.18.99.2\t0x1\t0x2\t02:00:00:00:00:01\t*\teth0\r\n198.18.99.2 0x1 0x2 02:00:00:00:00:02 * eth0";
        Assert.Equal(MacAddress.Parse("02:00:00:00:00:02"), Assert.Single(NeighbourTable.ParseProcArp(text, "eth0")).Value);
    }

    // `ip -6 neigh show dev ovlhva` prints no "dev"; `ip neigh show` does. Captured the same way as ProcArp.
    private const string IpNeighDevFiltered =
        "fe80::ac59:12ff:fe5c:9a37 lladdr ae:59:12:5c:9a:37 router REACHABLE\n" +
        "fe80::11 INCOMPLETE\n" +
        "fe80::12 lladdr 02:00:00:00:00:12 STALE\n" +
        "fe80::13 lladdr 02:00:00:00:00:13 DELAY\n" +
        "fe80::14 lladdr 02:00:00:00:00:14 PROBE\n" +
        "fe80::15 lladdr 02:00:00:00:00:15 PERMANENT\n" +
        "fe80::16 lladdr 02:00:00:00:00:16 FAILED\n" +
        "fe80::17 lladdr 02:00:00:00:00:17 NOARP\n" +
        "fe80::18 FAILED\n";

    [Fact]
    public void Ip_neigh_keeps_usable_states_with_an_lladdr()
    {
        var table = NeighbourTable.ParseIpNeighbours(IpNeighDevFiltered, "ovlhva", ipv6: true);

        Assert.Equal(5, table.Count);
        Assert.Equal(Peer, table[IpAddr.Parse("fe80::ac59:12ff:fe5c:9a37")]);
        for (int i = 2; i <= 5; i++)
        {
            Assert.Equal(MacAddress.Parse($"02:00:00:00:00:1{i}"), table[IpAddr.Parse($"fe80::1{i}")]);
        }
    }

    [Fact]
    public void Ip_neigh_with_dev_columns_keeps_the_device_and_the_family()
    {
        const string text =
            "198.18.99.2 dev ovlhva lladdr ae:59:12:5c:9a:37 REACHABLE\n" +
            "198.18.99.7 dev ovlhva INCOMPLETE\n" +
            "198.18.98.2 dev ovlhvb lladdr 02:00:00:00:98:02 REACHABLE\n" +
            "fe80::ac59:12ff:fe5c:9a37 dev ovlhva lladdr ae:59:12:5c:9a:37 router STALE\n" +
            "fe80::2 dev ovlhvb lladdr 02:00:00:00:98:02 STALE\n";

        var v4 = NeighbourTable.ParseIpNeighbours(text, "ovlhva", ipv6: false);
        var v6 = NeighbourTable.ParseIpNeighbours(text, "ovlhva", ipv6: true);

        Assert.Equal(IpAddr.Parse("198.18.99.2"), Assert.Single(v4).Key);
        Assert.Equal(Peer, Assert.Single(v4).Value);
        Assert.Equal(IpAddr.Parse("fe80::ac59:12ff:fe5c:9a37"), Assert.Single(v6).Key);
        Assert.Equal(IpAddr.Parse("198.18.98.2"), Assert.Single(NeighbourTable.ParseIpNeighbours(text, "ovlhvb", ipv6: false)).Key);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("fe80::1")]
    [InlineData("fe80::1 REACHABLE")]                              // no lladdr
    [InlineData("fe80::1 lladdr REACHABLE")]                       // lladdr without a value
    [InlineData("fe80::1 lladdr")]
    [InlineData("fe80::1 dev")]
    [InlineData("fe80::1 lladdr 00:00:00:00:00:00 PERMANENT")]     // zero MAC
    [InlineData("fe80::1 lladdr fe80::2 REACHABLE")]               // not an Ethernet lladdr (ip6gre and friends)
    [InlineData("fe80::1 dev other lladdr 02:00:00:00:00:01 REACHABLE")]
    [InlineData("fe80::zz lladdr 02:00:00:00:00:01 REACHABLE")]
    [InlineData("198.18.99.2 lladdr 02:00:00:00:00:01 REACHABLE")] // IPv4 when IPv6 is asked for
    [InlineData("Deleted fe80::1 lladdr 02:00:00:00:00:01 REACHABLE")]
    [InlineData("lladdr lladdr dev dev REACHABLE REACHABLE")]
    [InlineData("\t\r \0 \uFFFD")]
    public void Ip_neigh_never_throws_on_odd_input(string? text)
    {
        Assert.Empty(NeighbourTable.ParseIpNeighbours(text, "eth0", ipv6: true));
    }
}
