using Overlay.ControlPlane.Projection;
using Overlay.Packets;

namespace Overlay.Gossip.Simulator;

/// <summary>A dataplane that takes every change: what the control plane applied is then exactly what it asked
/// for (<see cref="Overlay.ControlPlane.EndpointGossip.Applied"/>).</summary>
internal sealed class AcceptingSink : IDataplaneSink
{
    public static readonly AcceptingSink Instance = new();

    public bool SetRemote(uint vni, MacAddress mac, IpAddr vtep) => true;

    public bool RemoveRemote(uint vni, MacAddress mac, IpAddr vtep) => true;

    public bool SetNeighbour(uint vni, IpAddr ip, MacAddress mac) => true;

    public bool RemoveNeighbour(uint vni, IpAddr ip, MacAddress mac) => true;
}
