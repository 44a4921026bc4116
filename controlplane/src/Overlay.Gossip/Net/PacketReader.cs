using Overlay.Gossip.Messages;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Net;

/// <summary>Collects the records of one opened packet as <see cref="MessageWalker"/> finds them: decodes each
/// leaf, drops (and counts) a malformed part or an alive message whose address is not an IP address or is outside
/// the allowed peers, and
/// learns the sender's protocol version from alive messages. Lives on the receive thread's stack.</summary>
internal struct PacketReader(TransportCounters counters, PeerFilter filter, PeerVersions versions) : IMessageVisitor
{
    /// <summary>The records found, or null when there were none. Owned by the caller once the walk ends.</summary>
    public List<object>? Messages { get; private set; }

    public void OnMessage(ReadOnlySpan<byte> message)
    {
        WireError e = MemberlistCodec.TryDecodeMessage(message, out DecodedMessage decoded);
        if (e != WireError.None)
        {
            counters.Drop(e);
            return;
        }
        object record = decoded.Type == MessageType.User ? new UserMessage((byte[])decoded.Body) : decoded.Body;
        if (record is Alive alive)
        {
            if (alive.Addr is not { Length: 4 or 16 })
            {
                counters.Drop(TransportDropReason.BadAddress);
                return;
            }
            if (!filter.Allows(alive.Addr))
            {
                counters.Drop(TransportDropReason.MemberNotAllowed);
                return;
            }
            versions.Learn(alive.Addr, alive.Port, alive.Vsn);
        }
        (Messages ??= new List<object>(4)).Add(record);
    }

    public void OnDropped(WireError reason) => counters.Drop(reason);
}
