using System.Text.Json;
using Overlay.Dataplane.Linux.Tests.Support;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Tests.Underlay.Tunnel;

/// <summary>
/// Two namespaces "ovlhXXXXXXXX": A holds the underlay device <see cref="Underlay"/> (198.18.99.1/24), B its veth
/// peer <see cref="Peer"/> (198.18.99.2/24), MTU 9000 both ends so a 3000-byte datagram crosses unfragmented.
/// IPv6 DAD is off so the kernel's link-local addresses are usable at once (no IPv6 address is configured by
/// hand). Both namespaces are deleted on Dispose, also when the constructor fails half way.
/// </summary>
internal sealed class TunnelNetwork : IDisposable
{
    public const string Underlay = "ovlhu0";
    public const string Peer = "ovlhp0";
    public const int Mtu = 9000;
    public static readonly IpAddr LocalIp = IpAddr.Parse("198.18.99.1");
    public static readonly IpAddr PeerIp = IpAddr.Parse("198.18.99.2");

    private readonly List<string> _namespaces = [];

    public TunnelNetwork()
    {
        try
        {
            A = AddNamespace();
            B = AddNamespace();
            Ip.Run("link", "add", Underlay, "netns", A, "mtu", "9000", "type", "veth", "peer", "name", Peer, "netns", B, "mtu", "9000");
            Configure(A, Underlay, LocalIp);
            Configure(B, Peer, PeerIp);
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

    /// <summary>The kernel-made fe80:: address of the device, waiting up to 5 s for it to appear.</summary>
    public static IpAddr LinkLocal(string ns, string device)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 5_000)
        {
            foreach (var link in Ip.Json("-n", ns, "-6", "addr", "show", "dev", device, "scope", "link").EnumerateArray())
            {
                foreach (var a in link.GetProperty("addr_info").EnumerateArray())
                {
                    if (IpAddr.TryParse(a.GetProperty("local").GetString(), out var address)) return address;
                }
            }
            Thread.Sleep(50);
        }
        throw new InvalidOperationException($"no link-local address on {device} in {ns}");
    }

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

    private static void Configure(string ns, string device, IpAddr address)
    {
        Ip.Run("-n", ns, "addr", "add", address + "/24", "dev", device);
        Ip.Run("-n", ns, "link", "set", device, "up");
    }
}
