namespace Overlay.Integration.Tests.Rig;

// The underlay (one bridge in a "switch" namespace, a veth to every host) and the kernel's own VXLAN as a peer.
public sealed partial class NetnsRig
{
    public const int UnderlayMtu = 1500;
    /// <summary>The kernel's rule for an IPv4 underlay: outer IPv4 + UDP + VXLAN + inner Ethernet = 50 bytes.</summary>
    public const int KernelEndpointMtu = UnderlayMtu - 50;
    private const string SwitchBridge = "sw0";
    private const string HostBridge = "br0";

    private string? _switch;
    private int _vethCount;

    /// <summary>Host namespace <paramref name="name"/> on the underlay as 198.18.0.<paramref name="index"/>/24 and/or
    /// 2001:2::<paramref name="index"/>/64 (no DAD, so the address is usable at once).</summary>
    public RigHost AddHost(string name, int index, bool ipv4 = true, bool ipv6 = false)
    {
        if (index is < 1 or > 254) throw new ArgumentOutOfRangeException(nameof(index));
        string sw = _switch ??= AddSwitch();
        string ns = AddNamespace(name);
        string underlay = $"{Tag}u{index}", port = $"{Tag}s{index}";
        string mtu = UnderlayMtu.ToString();
        Ip("-n", ns, "link", "add", underlay, "mtu", mtu, "type", "veth", "peer", "name", port, "netns", sw, "mtu", mtu);
        Ip("-n", sw, "link", "set", port, "master", SwitchBridge, "up");
        string? v4 = ipv4 ? $"198.18.0.{index}" : null;
        string? v6 = ipv6 ? $"2001:2::{index}" : null;
        if (v4 is not null) Ip("-n", ns, "addr", "add", $"{v4}/24", "dev", underlay);
        if (v6 is not null) Ip("-n", ns, "addr", "add", $"{v6}/64", "dev", underlay, "nodad");
        Ip("-n", ns, "link", "set", underlay, "up");
        return new RigHost(name, ns, underlay, index, v4, v6);
    }

    /// <summary>
    /// Makes the switch port toward <paramref name="host"/> finish every packet in software before handing it over
    /// (segmentation, checksums), as a NIC does before the wire. A veth otherwise passes the sender's offload
    /// shortcuts through (partial checksums, 64 KB GSO/USO super-packets), so a capture on the host would show
    /// those instead of what a real wire carries.
    /// </summary>
    public void FinishPacketsAtSwitchPort(RigHost host) =>
        Exec(_switch ?? throw new InvalidOperationException("no switch yet"), "ethtool", "-K", $"{Tag}s{host.Index}", "tx", "off");

    /// <summary>An empty endpoint namespace; overlayd creates the endpoint's TAP in it.</summary>
    public string AddEndpointNamespace(string name) => AddNamespace(name);

    /// <summary>
    /// The kernel's VXLAN device vx{vni} on <paramref name="host"/> (learning, UDP <paramref name="dstPort"/>) in
    /// bridge br0, flooding to every remote by head-end replication (an all-zeros fdb entry per remote).
    /// Transmit checksum offload is turned off on the host's underlay veth: with it on, the kernel hands inner
    /// TCP over with a partial checksum and as 64 KB GSO packets, which a NIC would finish but a userspace
    /// receiver on the other end of a veth cannot.
    /// </summary>
    public void AddKernelVxlan(RigHost host, int vni, int dstPort, params string[] remotes)
    {
        string ns = host.Namespace;
        string vx = $"vx{vni}";
        EnsureHostBridge(host);
        Ip("-n", ns, "link", "add", vx, "type", "vxlan", "id", vni.ToString(), "local", host.Vtep,
            "dstport", dstPort.ToString(), "dev", host.UnderlayIf);
        Ip("-n", ns, "link", "set", vx, "mtu", KernelEndpointMtu.ToString(), "master", HostBridge, "up");
        foreach (var remote in remotes)
        {
            Command.Run(["bridge", "-n", ns, "fdb", "append", "00:00:00:00:00:00", "dev", vx, "dst", remote]);
        }
        Exec(ns, "ethtool", "-K", host.UnderlayIf, "tx", "off");
    }

    /// <summary>Endpoint namespace <paramref name="name"/> whose eth0 is a veth into <paramref name="host"/>'s br0.</summary>
    public string AddKernelEndpoint(RigHost host, string name, string mac, string cidr)
    {
        string ns = AddNamespace(name);
        string hostSide = $"{Tag}e{Interlocked.Increment(ref _vethCount)}";
        string mtu = KernelEndpointMtu.ToString();
        EnsureHostBridge(host);
        Ip("-n", ns, "link", "add", "eth0", "mtu", mtu, "address", mac, "type", "veth", "peer", "name", hostSide, "netns", host.Namespace, "mtu", mtu);
        Ip("-n", ns, "addr", "add", cidr, "dev", "eth0");
        Ip("-n", ns, "link", "set", "eth0", "up");
        Ip("-n", host.Namespace, "link", "set", hostSide, "master", HostBridge, "up");
        return ns;
    }

    private string AddSwitch()
    {
        string sw = AddNamespace("sw");
        Ip("-n", sw, "link", "add", SwitchBridge, "type", "bridge");
        Ip("-n", sw, "link", "set", SwitchBridge, "mtu", UnderlayMtu.ToString(), "up");
        return sw;
    }

    private void EnsureHostBridge(RigHost host)
    {
        if (Command.Run(["ip", "-n", host.Namespace, "link", "show", HostBridge], check: false).Ok) return;
        Ip("-n", host.Namespace, "link", "add", HostBridge, "type", "bridge");
        Ip("-n", host.Namespace, "link", "set", HostBridge, "mtu", KernelEndpointMtu.ToString(), "up");
    }
}
