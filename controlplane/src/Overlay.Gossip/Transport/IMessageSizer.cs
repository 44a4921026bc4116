using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Transport;

/// <summary>How many bytes a message takes on the wire. The core uses it to fill packets up to
/// <see cref="GossipOptions.UdpBufferSize"/> and to count bytes; the wire codec provides the exact one,
/// <see cref="EstimatedMessageSizer"/> is the default.</summary>
public interface IMessageSizer
{
    /// <summary>Encoded size of one message record, including its type byte.</summary>
    int SizeOf(object message);

    /// <summary>Encoded size of a push/pull exchange (header, node states, user state).</summary>
    int SizeOf(PushPullMessage state);

    /// <summary>Fixed bytes in every packet: label header, encryption (nonce, tag, version), CRC.</summary>
    int PacketOverhead { get; }

    /// <summary>Compound header: the compound type byte and the message count (memberlist: 2).</summary>
    int CompoundHeaderOverhead { get; }

    /// <summary>Per message inside a compound: its 16-bit length (memberlist: 2).</summary>
    int CompoundEntryOverhead { get; }
}
