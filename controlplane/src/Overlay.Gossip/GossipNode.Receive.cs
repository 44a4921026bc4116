using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip;

// Inbound packets: pings, indirect pings, acks and nacks are answered inline, in arrival order; membership
// changes and user messages are queued and applied after the whole packet has been answered, so a probe's ack
// never waits behind state processing.
public sealed partial class GossipNode
{
    private readonly List<object> _stateChanges = new();

    /// <summary>Delivers one packet (a single message or the parts of a compound) from <paramref name="from"/>.</summary>
    public void ReceivePacket(GossipEndPoint from, IReadOnlyList<object> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (!_started || _stopped)
        {
            return;
        }
        long now = Now;
        int bytes = _sizer.PacketOverhead + (messages.Count > 1 ? _sizer.CompoundHeaderOverhead : 0);
        int firstChange = _stateChanges.Count;
        foreach (object message in messages)
        {
            int size = _sizer.SizeOf(message);
            bytes += size + (messages.Count > 1 ? _sizer.CompoundEntryOverhead : 0);
            Metrics.CountReceived(MessageTypes.Of(message), size);
            switch (message)
            {
                case Ping ping:
                    HandlePing(from, ping);
                    break;
                case IndirectPing indirect:
                    HandleIndirectPing(from, indirect, now);
                    break;
                case AckResp ack:
                    HandleAck(ack);
                    break;
                case NackResp nack:
                    HandleNack(nack);
                    break;
                case Alive or Suspect or Dead or UserMessage:
                    _stateChanges.Add(message);
                    break;
            }
        }
        Metrics.PacketsReceived++;
        Metrics.PacketBytesReceived += bytes;

        for (int i = firstChange; i < _stateChanges.Count && !_stopped; i++)
        {
            switch (_stateChanges[i])
            {
                case Alive alive:
                    AliveNode(alive, alive.Incarnation, bootstrap: false);
                    break;
                case Suspect suspect:
                    SuspectNode(suspect);
                    break;
                case Dead dead:
                    DeadNode(dead);
                    break;
                case UserMessage user:
                    _delegate.NotifyUserMessage(user.Payload);
                    break;
            }
        }
        _stateChanges.RemoveRange(firstChange, _stateChanges.Count - firstChange);
    }
}
