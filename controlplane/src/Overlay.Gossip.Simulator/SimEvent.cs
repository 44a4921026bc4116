using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Simulator;

internal enum SimEventKind : byte
{
    Tick,
    Packet,
    PushPullArrive,
    PushPullDone,
    StreamPingArrive,
    StreamPingDone,
    Maintain,
    Action,
}

/// <summary>One scheduled thing. <see cref="Host"/>/<see cref="Generation"/> address the receiving node's life;
/// <see cref="Peer"/>/<see cref="PeerGeneration"/> the initiator of a stream exchange.</summary>
internal struct SimEvent
{
    public SimEventKind Kind;
    public int Host;
    public int Generation;
    public int Peer;
    public int PeerGeneration;
    public long Arg;
    public long Start;
    public long Timeout;
    public object? Payload;
    public GossipEndPoint From;
}

/// <summary>Event order: time, then scheduling order, so equal times replay identically.</summary>
internal readonly record struct EventKey(long Time, long Sequence) : IComparable<EventKey>
{
    public int CompareTo(EventKey other)
    {
        int c = Time.CompareTo(other.Time);
        return c != 0 ? c : Sequence.CompareTo(other.Sequence);
    }
}
