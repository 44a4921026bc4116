namespace Overlay.Integration.Tests.Rig;

/// <summary>A network (VNI) with its static flood list and local endpoints; <paramref name="ArpProxy"/> makes overlayd
/// answer the endpoints' ARP requests itself (from gossip) instead of flooding them.</summary>
public sealed record OverlaydNetwork(string Name, int Vni, IReadOnlyList<string> Flood, IReadOnlyList<OverlaydEndpoint> Endpoints, bool ArpProxy = false);
