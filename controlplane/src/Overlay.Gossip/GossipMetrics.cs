using Overlay.Gossip.Messages;

namespace Overlay.Gossip;

/// <summary>
/// Plain counters of one node, bumped on the node's thread (read them from that thread, or accept torn reads).
/// Messages and bytes are counted per <see cref="MessageType"/>; a packet's bytes include compound overhead.
/// </summary>
public sealed class GossipMetrics
{
    private const int Types = (int)MessageType.Err + 1;

    private readonly long[] _messagesSent = new long[Types];
    private readonly long[] _messagesReceived = new long[Types];
    private readonly long[] _bytesSent = new long[Types];
    private readonly long[] _bytesReceived = new long[Types];

    public long PacketsSent { get; internal set; }
    /// <summary>Alive news or push/pull members refused for a missing name or an address that is neither IPv4 nor IPv6.</summary>
    public long RejectedAlive { get; internal set; }
    public long PacketsReceived { get; internal set; }
    public long PacketBytesSent { get; internal set; }
    public long PacketBytesReceived { get; internal set; }
    public long StreamBytesSent { get; internal set; }
    public long StreamBytesReceived { get; internal set; }

    /// <summary>Probes started (one per probe interval with a target).</summary>
    public long Probes { get; internal set; }
    /// <summary>Probes that got no direct ack in ProbeTimeout and went indirect.</summary>
    public long IndirectProbes { get; internal set; }
    public long StreamPings { get; internal set; }
    public long StreamPingAcks { get; internal set; }
    /// <summary>Probes that ended without any ack: the target became suspect.</summary>
    public long ProbeFailures { get; internal set; }
    public long NacksSent { get; internal set; }
    public long NacksReceived { get; internal set; }
    /// <summary>Suspicions this node started from its own failed probes.</summary>
    public long SuspicionsRaised { get; internal set; }
    /// <summary>Members that became suspect in this node's view (own probes or gossip).</summary>
    public long MembersSuspected { get; internal set; }
    /// <summary>Suspicion timers that expired here and declared the member dead.</summary>
    public long DeadDeclared { get; internal set; }
    /// <summary>Members that became dead (not left) in this node's view.</summary>
    public long MembersDead { get; internal set; }
    public long MembersLeft { get; internal set; }
    public long MembersJoined { get; internal set; }
    /// <summary>Times this node refuted a suspicion or death notice about itself.</summary>
    public long Refutations { get; internal set; }
    public long GossipRounds { get; internal set; }
    public long PushPullsStarted { get; internal set; }
    /// <summary>Push/pulls started with a member that shares our user state when it was first seen
    /// (<see cref="GossipOptions.NewPeerExchanges"/>); also counted in <see cref="PushPullsStarted"/>.</summary>
    public long NewPeerExchanges { get; internal set; }
    public long PushPullsServed { get; internal set; }
    public long PushPullFailures { get; internal set; }
    public long BroadcastsQueued { get; internal set; }
    /// <summary>Alive messages ignored because the name is bound to another address.</summary>
    public long AddressConflicts { get; internal set; }

    public long MessagesSent(MessageType type) => Index(type) is int i and >= 0 ? _messagesSent[i] : 0;
    public long MessagesReceived(MessageType type) => Index(type) is int i and >= 0 ? _messagesReceived[i] : 0;
    public long BytesSent(MessageType type) => Index(type) is int i and >= 0 ? _bytesSent[i] : 0;
    public long BytesReceived(MessageType type) => Index(type) is int i and >= 0 ? _bytesReceived[i] : 0;

    public long TotalMessagesSent => Sum(_messagesSent);
    public long TotalMessagesReceived => Sum(_messagesReceived);

    internal void CountSent(MessageType type, int bytes)
    {
        int i = Index(type);
        if (i >= 0)
        {
            _messagesSent[i]++;
            _bytesSent[i] += bytes;
        }
    }

    internal void CountReceived(MessageType type, int bytes)
    {
        int i = Index(type);
        if (i >= 0)
        {
            _messagesReceived[i]++;
            _bytesReceived[i] += bytes;
        }
    }

    private static int Index(MessageType type) => (int)type < Types ? (int)type : -1;

    private static long Sum(long[] values)
    {
        long total = 0;
        foreach (long v in values)
        {
            total += v;
        }
        return total;
    }
}
