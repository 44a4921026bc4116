using System.Buffers.Binary;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Net;

/// <summary>Turns the node's message records into packet payloads: one message as it is, two or more as a
/// compound (at most 255 parts and <see cref="MaxPayload"/> bytes per packet; what does not fit goes into the
/// next payload). Owned by the node's thread: its buffers are reused for every packet, so a payload is valid
/// until the next call.</summary>
internal sealed class PacketWriter
{
    private readonly byte[] _parts;
    private readonly byte[] _payload;
    private readonly int[] _lengths = new int[CompoundMessage.MaxParts];

    public PacketWriter(int maxPayload)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayload, 64);
        MaxPayload = maxPayload;
        _parts = new byte[maxPayload];
        _payload = new byte[maxPayload];
    }

    public int MaxPayload { get; }

    /// <summary>Encodes messages from <paramref name="index"/> on into one payload and advances the index past
    /// them. A message that cannot fit even alone is skipped and reported as <see cref="WireError.Unencodable"/>
    /// (the index still moves past it). <see cref="WireError.Empty"/> at the end of the list.</summary>
    public WireError TryWriteNext(IReadOnlyList<object> messages, ref int index, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (index >= messages.Count)
        {
            return WireError.Empty;
        }
        int count = 0;
        int used = 0;
        while (index < messages.Count && count < CompoundMessage.MaxParts)
        {
            // A compound of count + 1 parts needs this much room besides the parts themselves.
            int header = CompoundMessage.HeaderLength(count + 1);
            Span<byte> room = _parts.AsSpan(used, Math.Max(0, MaxPayload - header - used));
            if (!TryEncode(messages[index], room, out int written) || written > CompoundMessage.MaxPartLength)
            {
                if (count > 0)
                {
                    break; // it goes into the next payload
                }
                // Alone it may still fit without the compound header.
                if (!TryEncode(messages[index], _payload, out written))
                {
                    index++;
                    return WireError.Unencodable;
                }
                index++;
                payload = _payload.AsSpan(0, written);
                return WireError.None;
            }
            _lengths[count++] = written;
            used += written;
            index++;
        }
        if (count == 1)
        {
            payload = _parts.AsSpan(0, used);
            return WireError.None;
        }
        _payload[0] = (byte)MessageType.Compound;
        _payload[1] = (byte)count;
        for (int i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_payload.AsSpan(2 + 2 * i), (ushort)_lengths[i]);
        }
        int headerLength = CompoundMessage.HeaderLength(count);
        _parts.AsSpan(0, used).CopyTo(_payload.AsSpan(headerLength));
        payload = _payload.AsSpan(0, headerLength + used);
        return WireError.None;
    }

    /// <summary>One record as memberlist encodes it (type byte + body; a user message is the raw payload).</summary>
    public static bool TryEncode(object message, Span<byte> destination, out int written)
    {
        switch (message)
        {
            case Ping m: return MemberlistCodec.TryEncode(m, destination, out written);
            case IndirectPing m: return MemberlistCodec.TryEncode(m, destination, out written);
            case AckResp m: return MemberlistCodec.TryEncode(m, destination, out written);
            case NackResp m: return MemberlistCodec.TryEncode(m, destination, out written);
            case Suspect m: return MemberlistCodec.TryEncode(m, destination, out written);
            case Alive m: return MemberlistCodec.TryEncode(m, destination, out written);
            case Dead m: return MemberlistCodec.TryEncode(m, destination, out written);
            case UserMessage m: return MemberlistCodec.TryEncodeUser(m.Payload, destination, out written);
            default:
                written = 0;
                return false;
        }
    }
}
