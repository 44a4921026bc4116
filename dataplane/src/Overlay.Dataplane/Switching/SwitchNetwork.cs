using Overlay.Dataplane.Bridging;
using Overlay.Dataplane.Counters;

namespace Overlay.Dataplane.Switching;

/// <summary>A network (one VNI): its forwarding table, its local ports, its counters.</summary>
public sealed class SwitchNetwork
{
    private SwitchPort[] _ports = [];

    internal SwitchNetwork(int index, NetworkSettings settings)
    {
        Index = index;
        Settings = settings;
        Fdb = new ForwardingTable(settings.MaxAddresses);
    }

    public int Index { get; }
    public NetworkSettings Settings { get; }
    public uint Vni => Settings.Vni;
    public string Name => Settings.Name;
    public ForwardingTable Fdb { get; }
    public NeighbourTable Neighbours { get; } = new();
    /// <summary>ARP requests answered locally (ARP proxy).</summary>
    public long ArpReplies;
    public TrafficCounters Counters { get; } = new();

    /// <summary>Times a learned MAC moved to another port or VTEP.</summary>
    public long MacMoves;
    /// <summary>Times learning found the table at its cap.</summary>
    public long LearnFull;

    public SwitchPort[] Ports => _ports;

    internal void AddPort(SwitchPort port) => _ports = [.. _ports, port];
}
