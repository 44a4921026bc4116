using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Counters;
using Overlay.Dataplane.Ports;

namespace Overlay.Dataplane.Switching;

/// <summary>A local port of the switch: an endpoint's TAP (or a fake), in one network.</summary>
public sealed class SwitchPort
{
    internal SwitchPort(int index, string name, IInsidePort device, SwitchNetwork network, int mtu, int batchSize)
    {
        Index = index;
        Name = name;
        Device = device;
        Network = network;
        Mtu = mtu;
        // The MTU plus an Ethernet header; one 802.1Q tag may add 4 more.
        MaxFrameLength = mtu + 14;
        TxBatch = new PacketBatch(batchSize);
    }

    public int Index { get; }
    public string Name { get; }
    public IInsidePort Device { get; }
    public SwitchNetwork Network { get; }
    public int Mtu { get; }
    public int MaxFrameLength { get; }
    public TrafficCounters Counters { get; } = new();
    internal PacketBatch TxBatch { get; }
    /// <summary>Listed among the ports to flush at the end of the batch.</summary>
    internal bool Dirty { get; set; }
}
