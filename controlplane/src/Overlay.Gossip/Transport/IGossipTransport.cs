using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Transport;

/// <summary>
/// The seam between the protocol core (<see cref="GossipNode"/>) and a network. The real transport encodes the
/// message records with the memberlist codec (compound, label, encryption) and sends them over UDP and TCP; the
/// simulator hands the records to the receiving node directly. Every method is called on the node's thread and
/// must not block.
/// </summary>
/// <remarks>
/// Inbound traffic and completions flow the other way, and always on the node's thread, by the owner calling
/// <see cref="GossipNode.ReceivePacket"/>, <see cref="GossipNode.HandlePushPull"/>,
/// <see cref="GossipNode.HandleStreamPing"/>, <see cref="GossipNode.CompletePushPull"/> and
/// <see cref="GossipNode.CompleteStreamPing"/>. The transport never calls into the node from another thread.
/// </remarks>
public interface IGossipTransport
{
    /// <summary>The address other members reach this node at (memberlist's advertise address).</summary>
    GossipEndPoint LocalEndPoint { get; }

    /// <summary>Whether <see cref="BeginStreamPing"/> works (memberlist's TCP fallback probe).</summary>
    bool SupportsStreamPing { get; }

    /// <summary>Sends one best-effort packet (UDP). Ownership: <paramref name="messages"/> (one or more message
    /// records; two or more travel as a compound) is handed over and never touched by the node again.</summary>
    void SendPacket(GossipEndPoint to, IReadOnlyList<object> messages);

    /// <summary>Starts a push/pull state exchange over a stream. The owner reports the outcome exactly once with
    /// <see cref="GossipNode.CompletePushPull"/>(<paramref name="exchangeId"/>, remote state or null on failure).</summary>
    void BeginPushPull(GossipEndPoint to, PushPullMessage local, long exchangeId, TimeSpan timeout);

    /// <summary>Starts a ping over a stream (TCP fallback probe). The owner reports the outcome exactly once with
    /// <see cref="GossipNode.CompleteStreamPing"/>(<c>ping.SeqNo</c>, acked).</summary>
    void BeginStreamPing(GossipEndPoint to, Ping ping, TimeSpan timeout);
}
