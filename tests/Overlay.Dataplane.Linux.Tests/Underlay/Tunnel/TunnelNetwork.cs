using System.Text.Json;
using Overlay.Dataplane.Linux.Tests.Support;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Tests.Underlay.Tunnel;

/// <summary>
/// Two namespaces "ovlhXXXXXXXX": A holds the underlay device <see cref="Underlay"/> (198.18.99.1/24), B its veth
/// peer <see cref="Peer"/> (198.18.99.2/24), MTU 9000 both ends so a 3000-byte datagram crosses unfragmented.
/// Each end also gets a fixed link-local IPv6 address (<see cref="LocalLinkLocal"/>, <see cref="PeerLinkLocal"/>,
/// no DAD), usable at once, so nothing waits for the kernel to make its own. Both namespaces are deleted on Dispose, also when the constructor fails half way.
/// </summary>
internal sealed class TunnelNetwork : IDisposable
{
    public const string Underlay = "ovlhu0";
    public const string Peer = "ovlhp0";
    public const int Mtu = 9000;
    public static readonly IpAddr LocalIp = IpAddr.Parse("198.18.99.1");
    public static readonly IpAddr PeerIp = IpAddr.Parse("198.18.99.2");
    public static readonly IpAddr LocalLinkLocal = IpAddr.Parse("fe80::99:1");
    public static readonly IpAddr PeerLinkLocal = IpAddr.Parse("fe80::99:2");

    private readonly List<string> _namespaces = [];

    public TunnelNetwork()
    {
        try
        {
            A = AddNamespace();
            B = AddNamespace();
            Ip.Run("link", "add", Underlay, "netns", A, "mtu", "9000", "type", "veth", "peer", "name", Peer, "netns", B, "mtu", "9000");
            Configure(A, Underlay, LocalIp, LocalLinkLocal);
            Configure(B, Peer, PeerIp, PeerLinkLocal);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string A { get; } = "";
    public string B { get; } = "";

    public void Dispose()
    {
        foreach (var ns in _namespaces) Ip.TryRun("netns", "del", ns);
        _namespaces.Clear();
    }

    public static JsonElement Link(string ns, string device) => Ip.Link(ns, device);

    public static MacAddress MacOf(string ns, string device) => MacAddress.Parse(Link(ns, device).GetProperty("address").GetString()!);

    /// <summary><c>tc -n NS ARGS</c>; returns stdout, throws with stderr on failure.</summary>
    public static string Tc(string ns, params string[] args)
    {
        var result = Overlay.Dataplane.Linux.Underlay.Tunnel.IpRoute2.Run("tc", ns, args);
        if (!result.Succeeded) throw new InvalidOperationException(result.Describe());
        return result.Output;
    }

    /// <summary>Runs a command inside <paramref name="ns"/> (<c>ip netns exec</c>) and returns its exit code.</summary>
    public static int Exec(string ns, params string[] command) => Ip.TryRun(["netns", "exec", ns, .. command]).Code;

    private string AddNamespace()
    {
        string name = "ovlh" + TestNamespace.Suffix();
        Ip.Run("netns", "add", name);
        _namespaces.Add(name);
        Ip.Run("-n", name, "link", "set", "lo", "up");
        Exec(name, "sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0");
        Exec(name, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0");
        return name;
    }

    private static void Configure(string ns, string device, IpAddr address, IpAddr linkLocal)
    {
        Ip.Run("-n", ns, "addr", "add", address + "/24", "dev", device);
        Ip.Run("-n", ns, "addr", "add", linkLocal + "/64", "dev", device, "nodad");
        Ip.Run("-n", ns, "link", "set", device, "up");
    }
}
