using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Overlay.Dataplane.Linux.Tap;
using Overlay.Dataplane.Switching;
using Overlay.Dataplane.Vxlan;
using Overlay.Packets;

namespace Overlay.Daemon.Config;

/// <summary>Checks <see cref="OverlayOptions"/> and resolves them into a <see cref="DaemonConfig"/>, collecting
/// every problem with the key it belongs to (e.g. "networks[1].vni: 42 is already used by networks[0]").</summary>
public sealed partial class ConfigValidator
{
    private readonly Func<IpAddr, int?> _mtuOf;
    private readonly List<string> _problems = [];

    /// <param name="mtuOf">Finds the MTU of the interface holding an address (null when none holds it).</param>
    public ConfigValidator(Func<IpAddr, int?> mtuOf) => _mtuOf = mtuOf;

    public DaemonConfig Validate(OverlayOptions o)
    {
        _problems.Clear();
        string node = string.IsNullOrWhiteSpace(o.Node.Name) ? Environment.MachineName : o.Node.Name!;
        var vxlan = Underlay(o.Underlay, out int mtu);
        if (string.IsNullOrWhiteSpace(o.Control.Socket) || !Path.IsPathFullyQualified(o.Control.Socket)) Problem("control.socket", $"'{o.Control.Socket}' must be an absolute path");
        if (o.Dataplane.BatchSize is < 1 or > 1024) Problem("dataplane.batchSize", $"{o.Dataplane.BatchSize} is out of range 1..1024");
        if (o.Dataplane.Buffers < 256) Problem("dataplane.buffers", $"{o.Dataplane.Buffers} is below 256");
        if (o.Dataplane.Workers is < 1 or > 64) Problem("dataplane.workers", $"{o.Dataplane.Workers} is out of range 1..64");
        for (int i = 0; i < o.Dataplane.Cpus.Count; i++)
        {
            if (o.Dataplane.Cpus[i] is < 0 or > 63) Problem($"dataplane.cpus[{i}]", $"{o.Dataplane.Cpus[i]} is out of range 0..63");
            else if (o.Dataplane.Cpus[i] >= Environment.ProcessorCount) Problem($"dataplane.cpus[{i}]", $"CPU {o.Dataplane.Cpus[i]} does not exist here ({Environment.ProcessorCount} CPUs)");
        }
        if (o.Dataplane.GsoSourcePorts is < 1 or > 1024) Problem("dataplane.gsoSourcePorts", $"{o.Dataplane.GsoSourcePorts} is out of range 1..1024");
        // UDP sockets take DF and the flow label per socket, not per packet: those settings need the raw socket.
        string? refused = !o.Dataplane.UdpGso ? null
            : vxlan.Df == DfMode.Inherit ? "underlay.df is inherit (per-packet DF needs the raw socket)"
            : vxlan.FlowLabel != 0 ? "underlay.flowLabel is set (per-packet flow labels need the raw socket)"
            : null;
        bool gso = o.Dataplane.UdpGso && refused is null;
        int sourcePorts = Math.Clamp(o.Dataplane.GsoSourcePorts, 1, Math.Max(1, vxlan.SourcePortMax - vxlan.SourcePortMin + 1));
        if (gso) vxlan = vxlan with { SourcePortCount = sourcePorts, ChecksumByKernel = true };
        // Each worker binds its own UDP GSO socket per source-port bucket, at the next free port of the bucket.
        if (gso && o.Dataplane.Workers > vxlan.SourcePortStep)
        {
            Problem("dataplane.workers", $"{o.Dataplane.Workers} workers need {o.Dataplane.Workers} source ports in each of the "
                + $"{sourcePorts} UDP GSO buckets, the range {vxlan.SourcePortMin}-{vxlan.SourcePortMax} gives {vxlan.SourcePortStep}: "
                + "widen underlay.srcPortMin..srcPortMax or lower dataplane.gsoSourcePorts");
        }
        var tap = !o.Dataplane.TapOffloads ? TapOffloads.None
            : TapOffloads.Checksum | (o.Dataplane.Tso ? TapOffloads.Tso : 0) | (o.Dataplane.Uso ? TapOffloads.Uso : 0);
        string? tunnelOff = !o.Dataplane.UdpTunnelGso ? null
            : (tap & TapOffloads.Tso) == 0 ? "it carries TSO super-frames and the TAPs have no TSO (dataplane.tso or tapOffloads is off)"
            : o.Dataplane.Workers != 1 ? "its underlay TAP has one queue, so it needs dataplane.workers: 1"
            : null;
        var offloads = new OffloadConfig(gso, sourcePorts, o.Dataplane.UdpGro, refused, tap,
            o.Dataplane.UdpTunnelGso && tunnelOff is null, tunnelOff);
        var gossip = Gossip(o.Gossip, vxlan.LocalV4.IsNone ? vxlan.LocalV6 : vxlan.LocalV4);

        var networks = new List<NetworkConfig>();
        var vnis = new Dictionary<int, int>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (o.Networks.Count == 0) Problem("networks", "at least one network is needed");
        for (int i = 0; i < o.Networks.Count; i++)
        {
            var n = o.Networks[i];
            string key = $"networks[{i}]";
            if (n.Vni is null) Problem($"{key}.vni", "is required");
            else if (n.Vni is < 0 or > 0xFF_FFFF) Problem($"{key}.vni", $"{n.Vni} is out of range 0..16777215");
            else if (vnis.TryGetValue(n.Vni.Value, out int other)) Problem($"{key}.vni", $"{n.Vni} is already used by networks[{other}]");
            else vnis[n.Vni.Value] = i;
            string name = string.IsNullOrWhiteSpace(n.Name) ? $"vni{n.Vni}" : n.Name!;
            if (names.TryGetValue(name, out var otherKey)) Problem($"{key}.name", $"'{name}' is already used by {otherKey}");
            names[name] = key;
            if (n.AgeingSeconds < 1) Problem($"{key}.ageingSeconds", $"{n.AgeingSeconds} must be at least 1");
            if (n.MaxAddresses < 0) Problem($"{key}.maxAddresses", $"{n.MaxAddresses} must be 0 (no cap) or more");

            var flood = new List<IpAddr>();
            for (int f = 0; f < n.Flood.Count; f++)
            {
                if (!IpAddr.TryParse(n.Flood[f], out var remote)) Problem($"{key}.flood[{f}]", $"'{n.Flood[f]}' is not an IP address");
                else if (remote.IsV4 ? vxlan.LocalV4.IsNone : vxlan.LocalV6.IsNone) Problem($"{key}.flood[{f}]", $"{remote} needs an underlay address of its family");
                else if (flood.Contains(remote)) Problem($"{key}.flood[{f}]", $"{remote} is listed twice");
                else flood.Add(remote);
            }

            var settings = new NetworkSettings
            {
                Name = name, Vni = (uint)(n.Vni ?? 0), Learning = n.Learning,
                Ageing = TimeSpan.FromSeconds(Math.Max(1, n.AgeingSeconds)), MaxAddresses = Math.Max(0, n.MaxAddresses),
                ArpProxy = n.ArpProxy,
            };
            var endpoints = new List<EndpointConfig>();
            for (int e = 0; e < n.Endpoints.Count; e++) endpoints.Add(Endpoint(n.Endpoints[e], $"{key}.endpoints[{e}]", node, vxlan, mtu));
            networks.Add(new NetworkConfig(settings, flood, endpoints));
        }

        var allEndpoints = networks.SelectMany(n => n.Endpoints).ToList();
        foreach (var dup in allEndpoints.GroupBy(e => e.Name).Where(g => g.Count() > 1)) Problem("networks[].endpoints[].name", $"'{dup.Key}' is used more than once");
        foreach (var dup in allEndpoints.GroupBy(e => (e.Netns, e.AttachTap ?? e.Ifname)).Where(g => g.Count() > 1))
            Problem("networks[].endpoints[].ifname", $"'{dup.Key.Item2}' is used twice in namespace '{dup.Key.Netns ?? "(host)"}'");

        if (_problems.Count > 0) throw new ConfigException([.. _problems]);
        return new DaemonConfig(node, vxlan, mtu, o.Control.Socket, o.Dataplane.BatchSize, o.Dataplane.Buffers, networks, offloads, gossip)
        {
            Workers = o.Dataplane.Workers,
            Cpus = [.. o.Dataplane.Cpus],
        };
    }

    private VxlanSettings Underlay(UnderlayOptions u, out int mtu)
    {
        IpAddr v4 = default, v6 = default;
        if (u.Addresses.Count == 0) Problem("underlay.addresses", "at least one VTEP address is needed");
        for (int i = 0; i < u.Addresses.Count; i++)
        {
            if (!IpAddr.TryParse(u.Addresses[i], out var a)) Problem($"underlay.addresses[{i}]", $"'{u.Addresses[i]}' is not an IP address");
            else if (a.IsV4 && !v4.IsNone || a.IsV6 && !v6.IsNone) Problem($"underlay.addresses[{i}]", "at most one IPv4 and one IPv6 address");
            else if (a.IsV4) v4 = a;
            else v6 = a;
        }
        if (u.Port is < 1 or > 65535) Problem("underlay.port", $"{u.Port} is out of range 1..65535");
        if (u.SrcPortMin is < 1 or > 65535) Problem("underlay.srcPortMin", $"{u.SrcPortMin} is out of range 1..65535");
        if (u.SrcPortMax is < 1 or > 65535) Problem("underlay.srcPortMax", $"{u.SrcPortMax} is out of range 1..65535");
        if (u.SrcPortMin > u.SrcPortMax) Problem("underlay.srcPortMin", $"{u.SrcPortMin} is above srcPortMax {u.SrcPortMax}");
        if (u.FlowLabel is < 0 or > 0xFFFFF) Problem("underlay.flowLabel", $"{u.FlowLabel} is out of range 0..1048575");

        bool ttlInherit = u.Ttl == "inherit";
        byte ttl = 0;
        if (!ttlInherit && u.Ttl != "auto" && !(byte.TryParse(u.Ttl, CultureInfo.InvariantCulture, out ttl) && ttl >= 1))
            Problem("underlay.ttl", $"'{u.Ttl}' is not auto, inherit or 1..255");
        bool tosInherit = u.Tos == "inherit";
        byte tos = 0;
        if (!tosInherit && !byte.TryParse(u.Tos, CultureInfo.InvariantCulture, out tos)) Problem("underlay.tos", $"'{u.Tos}' is not inherit or 0..255");
        DfMode df = DfMode.Unset;
        if (u.Df is not ("unset" or "set" or "inherit")) Problem("underlay.df", $"'{u.Df}' is not unset, set or inherit");
        else df = u.Df == "set" ? DfMode.Set : u.Df == "inherit" ? DfMode.Inherit : DfMode.Unset;
        string bits = u.ReservedBits.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? u.ReservedBits[2..] : u.ReservedBits;
        if (!ulong.TryParse(bits, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong reserved))
            Problem("underlay.reservedBits", $"'{u.ReservedBits}' is not a hex mask such as 0x0");

        mtu = 0;
        var first = v4.IsNone ? v6 : v4;
        if (u.Mtu is { } configured)
        {
            if (configured is < 576 or > 65535) Problem("underlay.mtu", $"{configured} is out of range 576..65535");
            mtu = configured;
        }
        else if (!first.IsNone)
        {
            int? found = _mtuOf(first);
            if (found is null) Problem("underlay.addresses[0]", $"{first} is not on any interface here (set underlay.mtu to skip this check)");
            else mtu = found.Value;
        }
        return new VxlanSettings
        {
            LocalV4 = v4, LocalV6 = v6, DestinationPort = (ushort)Math.Clamp(u.Port, 1, 65535),
            SourcePortMin = (ushort)Math.Clamp(u.SrcPortMin, 1, 65535), SourcePortMax = (ushort)Math.Clamp(u.SrcPortMax, 1, 65535),
            Ttl = ttl, TtlInherit = ttlInherit, Tos = tos, TosInherit = tosInherit, Df = df,
            FlowLabel = (uint)Math.Clamp(u.FlowLabel, 0, 0xFFFFF), UdpChecksumV4 = u.UdpChecksum, ZeroChecksumTxV6 = u.Udp6ZeroChecksumTx,
            ReservedBitsMask = reserved, UnderlayMtu = mtu,
        };
    }

    private EndpointConfig Endpoint(EndpointOptions e, string key, string node, VxlanSettings vxlan, int underlayMtu)
    {
        if (string.IsNullOrWhiteSpace(e.Name)) Problem($"{key}.name", "is required");
        string name = e.Name ?? "";
        if (e.Tap is not null && (e.Netns is not null || e.Ifname is not null || e.Addresses.Count > 0))
            Problem($"{key}.tap", "an attached TAP is used as it is: netns, ifname and addresses do not apply");
        string ifname = e.Tap ?? e.Ifname ?? (e.Netns is not null ? "eth0" : name);
        if (ifname.Length is 0 or > 15 || ifname.Any(c => c is '/' or ' ' or ':'))
            Problem($"{key}.{(e.Tap is not null ? "tap" : "ifname")}", $"'{ifname}' is not a valid interface name (1..15 characters, no '/', ':' or space)");

        MacAddress mac;
        if (e.Mac is null) mac = DeriveMac(node, name);
        else if (!MacAddress.TryParse(e.Mac, out mac)) Problem($"{key}.mac", $"'{e.Mac}' is not a MAC address (aa:bb:cc:dd:ee:ff)");
        else if (!mac.IsValidUnicast) Problem($"{key}.mac", $"{mac} is not a unicast address");

        // The kernel's rule: the endpoint MTU leaves room for the outer headers of the widest family in use.
        int overhead = vxlan.LocalV6.IsNone ? 50 : 70;
        int maxMtu = underlayMtu - overhead;
        int mtu = e.Mtu ?? maxMtu;
        if (e.Mtu is { } m && (m < 68 || (underlayMtu > 0 && m > maxMtu)))
            Problem($"{key}.mtu", $"{m} is out of range 68..{maxMtu} (underlay MTU {underlayMtu} - {overhead})");

        var addresses = new List<InterfaceAddress>();
        for (int i = 0; i < e.Addresses.Count; i++)
        {
            string text = e.Addresses[i];
            int slash = text.IndexOf('/');
            if (slash < 0 || !IpAddr.TryParse(text[..slash], out var a) || !int.TryParse(text[(slash + 1)..], CultureInfo.InvariantCulture, out int prefix)
                || prefix < 0 || prefix > (a.IsV4 ? 32 : 128))
            {
                Problem($"{key}.addresses[{i}]", $"'{text}' is not ADDRESS/PREFIX");
                continue;
            }
            addresses.Add(new InterfaceAddress(a, prefix));
        }
        return new EndpointConfig(name, e.Netns, ifname, e.Tap, mac, mtu, addresses);
    }

    /// <summary>A stable, locally administered unicast MAC from the node and endpoint names.</summary>
    public static MacAddress DeriveMac(string node, string endpoint)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(node + "/" + endpoint));
        hash[0] = (byte)((hash[0] & 0xFE) | 0x02);
        return MacAddress.Read(hash);
    }

    private void Problem(string key, string message) => _problems.Add($"{key}: {message}");
}
