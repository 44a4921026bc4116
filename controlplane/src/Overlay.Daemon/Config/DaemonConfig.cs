using Overlay.Dataplane.Linux.Tap;
using Overlay.Dataplane.Switching;
using Overlay.Dataplane.Vxlan;
using Overlay.Packets;

namespace Overlay.Daemon.Config;

/// <summary>The validated configuration: everything parsed, every default applied.</summary>
public sealed record DaemonConfig(
    string NodeName,
    VxlanSettings Vxlan,
    int UnderlayMtu,
    string ControlSocket,
    int BatchSize,
    int Buffers,
    IReadOnlyList<NetworkConfig> Networks,
    OffloadConfig Offloads,
    GossipConfig Gossip)
{
    /// <summary>Switch workers, each with a queue of every TAP and its own underlay socket.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>CPUs the workers are pinned to, worker i on Cpus[i % count]; empty for none.</summary>
    public IReadOnlyList<int> Cpus { get; init; } = [];
}

/// <summary>Which offloads the dataplane asks for; each can be switched off for comparison or old kernels.
/// <see cref="UdpGsoRefusedBecause"/> says why GSO is off although asked for (the raw socket is then used).</summary>
public sealed record OffloadConfig(bool UdpGso, int GsoSourcePorts, bool UdpGro, string? UdpGsoRefusedBecause, TapOffloads Tap, bool UdpTunnelGso = false,
    string? UdpTunnelGsoOffBecause = null);

public sealed record NetworkConfig(NetworkSettings Settings, IReadOnlyList<IpAddr> Flood, IReadOnlyList<EndpointConfig> Endpoints);

/// <summary>An endpoint's port: a TAP we create (in <see cref="Netns"/> or here) or an existing one we attach to.</summary>
public sealed record EndpointConfig(
    string Name,
    string? Netns,
    string Ifname,
    string? AttachTap,
    MacAddress Mac,
    int Mtu,
    IReadOnlyList<InterfaceAddress> Addresses);

/// <summary>A config that cannot be used; each problem names its key.</summary>
public sealed class ConfigException(IReadOnlyList<string> problems)
    : Exception("invalid configuration:\n  " + string.Join("\n  ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
