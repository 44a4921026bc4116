using Overlay.Packets;

namespace Overlay.ControlPlane.Projection;

/// <summary>A static forwarding entry's key: a MAC address in a network.</summary>
public readonly record struct RemoteKey(uint Vni, MacAddress Mac)
{
    public override string ToString() => $"{Vni}/{Mac}";
}
