using Overlay.Packets;

namespace Overlay.Daemon.Config;

/// <summary>The validated gossip settings.</summary>
public sealed record GossipConfig(
    bool Enabled,
    IpAddr Bind,
    int Port,
    IpAddr Advertise,
    IReadOnlyList<(IpAddr Address, int Port)> Seeds,
    string Preset,
    IReadOnlyList<byte[]> Keys,
    string? Label,
    IReadOnlyList<(IpAddr Network, int PrefixLength)> AllowCidrs,
    TimeSpan Tombstone)
{
    public static GossipConfig Disabled { get; } = new(false, default, 7946, default, [], "lan", [], null, [], TimeSpan.FromMinutes(30));
}
