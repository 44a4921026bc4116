using Overlay.Packets;

namespace Overlay.ControlPlane.Projection;

/// <summary>An ARP/ND proxy entry's key: an IP address in a network.</summary>
public readonly record struct NeighbourKey(uint Vni, IpAddr Ip)
{
    public override string ToString() => $"{Vni}/{Ip}";
}
