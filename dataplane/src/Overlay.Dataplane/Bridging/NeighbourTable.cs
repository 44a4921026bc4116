using Overlay.Packets;

namespace Overlay.Dataplane.Bridging;

/// <summary>
/// IP -> MAC of the endpoints a network knows (the kernel VXLAN device's neighbour table, used by its
/// <c>proxy</c> option): an ARP request for a known address is answered locally instead of being flooded.
/// Written by the control path on the worker's thread; read by the packet path.
/// </summary>
public sealed class NeighbourTable
{
    private readonly Dictionary<IpAddr, MacAddress> _entries = [];

    public int Count => _entries.Count;

    public bool TryGet(IpAddr address, out MacAddress mac) => _entries.TryGetValue(address, out mac);

    public void Set(IpAddr address, MacAddress mac) => _entries[address] = mac;

    public bool Remove(IpAddr address) => _entries.Remove(address);

    public void Clear() => _entries.Clear();

    public List<KeyValuePair<IpAddr, MacAddress>> Snapshot() => [.. _entries];
}
