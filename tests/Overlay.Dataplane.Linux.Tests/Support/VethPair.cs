using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Tests.Support;

/// <summary>Two namespaces A and B joined by a veth pair, with 198.18.100.1/24 + 2001:2:0:64::1/64 on A and
/// .2 / ::2 on B (no DAD) and permanent neighbour entries both ways, so the first packet needs no ARP/ND.</summary>
internal sealed class VethPair : IDisposable
{
    public static readonly IpAddr A4 = IpAddr.Parse("198.18.100.1");
    public static readonly IpAddr B4 = IpAddr.Parse("198.18.100.2");
    public static readonly IpAddr A6 = IpAddr.Parse("2001:2:0:64::1");
    public static readonly IpAddr B6 = IpAddr.Parse("2001:2:0:64::2");
    public static readonly MacAddress MacA = MacAddress.Parse("02:00:c6:12:64:01");
    public static readonly MacAddress MacB = MacAddress.Parse("02:00:c6:12:64:02");

    private readonly TestNamespace _a;
    private readonly TestNamespace? _b;

    public VethPair()
    {
        _a = new TestNamespace();
        try
        {
            _b = new TestNamespace();
            string suffix = TestNamespace.Suffix();
            IfA = "ova" + suffix;
            IfB = "ovb" + suffix;
            Ip.Run("link", "add", IfA, "address", MacA.ToString(), "netns", A, "type", "veth",
                "peer", "name", IfB, "address", MacB.ToString(), "netns", B);
            Configure(A, IfA, A4, A6, B4, B6, MacB);
            Configure(B, IfB, B4, B6, A4, A6, MacA);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string A => _a.Name;
    public string B => _b!.Name;
    public string IfA { get; } = "";
    public string IfB { get; } = "";

    public void Dispose()
    {
        _a.Dispose();
        _b?.Dispose();
    }

    private static void Configure(string ns, string dev, IpAddr v4, IpAddr v6, IpAddr peer4, IpAddr peer6, MacAddress peerMac)
    {
        Ip.Run("-n", ns, "link", "set", dev, "up");
        Ip.Run("-n", ns, "addr", "add", v4 + "/24", "dev", dev);
        Ip.Run("-n", ns, "addr", "add", v6 + "/64", "dev", dev, "nodad");
        Ip.Run("-n", ns, "neigh", "replace", peer4.ToString(), "lladdr", peerMac.ToString(), "dev", dev, "nud", "permanent");
        Ip.Run("-n", ns, "neigh", "replace", peer6.ToString(), "lladdr", peerMac.ToString(), "dev", dev, "nud", "permanent");
    }
}
