using Overlay.Dataplane.Linux.Underlay.Tunnel;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Tests.Underlay.Tunnel;

/// <summary>The exact tc syntax, argument checks, and picking the underlay device from getifaddrs rows.</summary>
public sealed class TunnelCommandTests
{
    private static readonly IpAddr Local4 = IpAddr.Parse("198.18.99.1");
    private static readonly IpAddr Local6 = IpAddr.Parse("fe80::ac59:12ff:fe5c:9a37");

    private static string Line(string[] args) => string.Join(' ', args);

    [Fact]
    public void IPv4_rules_match_udp_to_local_port_split_by_total_length()
    {
        Assert.Equal(
            "filter add dev eth0 ingress pref 49152 protocol ip u32 match u8 0x05 0x0f at 0 match ip protocol 17 0xff " +
            "match ip dst 198.18.99.1/32 match ip dport 4789 0xffff match u16 0 0xf800 at 2 classid ffff:1",
            Line(TcCommands.ToStack("eth0", Local4, 4789, 2048)));
        Assert.Equal(
            "filter add dev eth0 ingress pref 49153 protocol ip u32 match u8 0x05 0x0f at 0 match ip protocol 17 0xff " +
            "match ip dst 198.18.99.1/32 match ip dport 4789 0xffff match u16 0 0x3fff at 6 " +
            "action mirred egress redirect dev ovltap",
            Line(TcCommands.Redirect("eth0", "ovltap", Local4, 4789)));
    }

    [Fact]
    public void IPv6_rules_match_on_next_header_and_payload_length()
    {
        Assert.Equal(
            "filter add dev eth0 ingress pref 49152 protocol ipv6 u32 match ip6 protocol 17 0xff " +
            "match ip6 dst fe80::ac59:12ff:fe5c:9a37/128 match ip6 dport 8472 0xffff match u16 0 0xf800 at 4 classid ffff:1",
            Line(TcCommands.ToStack("eth0", Local6, 8472, 2048)));
        Assert.Equal(
            "filter add dev eth0 ingress pref 49153 protocol ipv6 u32 match ip6 protocol 17 0xff " +
            "match ip6 dst fe80::ac59:12ff:fe5c:9a37/128 match ip6 dport 8472 0xffff action mirred egress redirect dev ovltap",
            Line(TcCommands.Redirect("eth0", "ovltap", Local6, 8472)));
    }

    [Fact]
    public void The_tap_rule_matches_everything()
    {
        Assert.Equal(
            "filter add dev ovltap ingress pref 49152 protocol all u32 match u32 0 0 action mirred egress redirect dev eth0",
            Line(TcCommands.TapToUnderlay("ovltap", "eth0")));
        Assert.Equal("filter del dev eth0 ingress pref 49153", Line(TcCommands.DeleteIngressFilter("eth0", 49153)));
    }

    [Theory]
    [InlineData(128, 0xff80)]
    [InlineData(1024, 0xfc00)]
    [InlineData(2048, 0xf800)]
    [InlineData(4096, 0xf000)]
    [InlineData(32768, 0x8000)]
    public void The_length_mask_is_zero_exactly_below_min_length(int minLength, int mask)
    {
        Assert.Equal((ushort)mask, TcCommands.LengthMask(minLength));
        for (int length = 0; length < 65536; length += 7)
        {
            Assert.Equal(length < minLength, (length & mask) == 0);
        }
    }

    public static TheoryData<string?, string, string, string, int, int> BadArguments => new()
    {
        { "with/slash", "eth0", "tap0", "198.18.99.1", 4789, 2048 },
        { "", "eth0", "tap0", "198.18.99.1", 4789, 2048 },
        { "a b", "eth0", "tap0", "198.18.99.1", 4789, 2048 },
        { null, "", "tap0", "198.18.99.1", 4789, 2048 },
        { null, "eth 0", "tap0", "198.18.99.1", 4789, 2048 },
        { null, "eth0", "a-name-of-16-chr", "198.18.99.1", 4789, 2048 },
        { null, "eth0:1", "tap0", "198.18.99.1", 4789, 2048 },
        { null, "-eth0", "tap0", "198.18.99.1", 4789, 2048 },
        { null, "eth0", "eth0", "198.18.99.1", 4789, 2048 },
        { null, "eth0", "tap0", "", 4789, 2048 },
        { null, "eth0", "tap0", "198.18.99.1", 0, 2048 },
        { null, "eth0", "tap0", "198.18.99.1", 4789, 2000 },
        { null, "eth0", "tap0", "198.18.99.1", 4789, 64 },
        { null, "eth0", "tap0", "198.18.99.1", 4789, 65536 },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void Install_checks_its_arguments_before_running_anything(string? ns, string underlay, string tap, string local, int port, int minLength)
    {
        var address = local.Length == 0 ? IpAddr.None : IpAddr.Parse(local);
        Assert.ThrowsAny<ArgumentException>(() => TcRedirect.Install(ns, underlay, tap, address, (ushort)port, minLength));
    }

    [Fact]
    public void Neighbour_reads_check_their_arguments()
    {
        Assert.Throws<ArgumentException>(() => NeighbourTable.ReadIPv4("eth 0"));
        Assert.Throws<ArgumentException>(() => NeighbourTable.ReadIPv6("eth0", "/proc/1/ns/net"));
        Assert.Throws<ArgumentException>(() => UnderlayDevice.Find(IpAddr.None));
    }

    [Fact]
    public void A_missing_tool_is_a_result_not_an_exception()
    {
        var result = IpRoute2.Run("ovlh-no-such-tool", "ns1", ["qdisc", "show"]);
        Assert.False(result.Succeeded);
        Assert.Equal(-1, result.ExitCode);
        Assert.Equal("ovlh-no-such-tool -n ns1 qdisc show", result.CommandLine);
        Assert.Contains("not found", result.Describe());
    }

    private static readonly MacAddress MacA = MacAddress.Parse("02:00:c6:12:63:01");
    private static readonly MacAddress MacB = MacAddress.Parse("02:00:c6:12:63:02");

    private static readonly InterfaceAddressList.Entry[] Rows =
    [
        InterfaceAddressList.Entry.ForLink("lo", 1, MacAddress.Zero),
        InterfaceAddressList.Entry.ForLink("eth0", 2, MacA),
        InterfaceAddressList.Entry.ForLink("eth1", 3, MacB),
        InterfaceAddressList.Entry.ForAddress("lo", IpAddr.Parse("127.0.0.1")),
        InterfaceAddressList.Entry.ForAddress("eth0", IpAddr.Parse("198.18.99.1")),
        InterfaceAddressList.Entry.ForAddress("eth0:7", IpAddr.Parse("198.18.99.7")),
        InterfaceAddressList.Entry.ForAddress("eth1", IpAddr.Parse("198.18.98.1")),
        InterfaceAddressList.Entry.ForAddress("lo", IpAddr.Parse("::1")),
        InterfaceAddressList.Entry.ForAddress("eth1", Local6),
    ];

    [Fact]
    public void Select_finds_the_device_of_an_address_of_either_family()
    {
        Assert.Equal(new UnderlayDeviceInfo("eth0", 2, MacA), UnderlayDevice.Select(Rows, Local4));
        Assert.Equal(new UnderlayDeviceInfo("eth0", 2, MacA), UnderlayDevice.Select(Rows, IpAddr.Parse("198.18.99.7")));
        Assert.Equal(new UnderlayDeviceInfo("eth1", 3, MacB), UnderlayDevice.Select(Rows, IpAddr.Parse("198.18.98.1")));
        Assert.Equal(new UnderlayDeviceInfo("eth1", 3, MacB), UnderlayDevice.Select(Rows, Local6));
        Assert.Equal(new UnderlayDeviceInfo("lo", 1, MacAddress.Zero), UnderlayDevice.Select(Rows, IpAddr.Parse("::1")));
    }

    [Fact]
    public void Select_returns_null_for_an_unknown_address_or_a_missing_link_row()
    {
        Assert.Null(UnderlayDevice.Select(Rows, IpAddr.Parse("198.18.99.2")));
        Assert.Null(UnderlayDevice.Select([], Local4));
        Assert.Null(UnderlayDevice.Select([InterfaceAddressList.Entry.ForAddress("eth9", Local4)], Local4));
        Assert.Null(UnderlayDevice.Select([InterfaceAddressList.Entry.ForAddress(":1", Local4), .. Rows], Local4));
    }
}
