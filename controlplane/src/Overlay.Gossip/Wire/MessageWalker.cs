using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Wire;

/// <summary>Opens the envelopes inside a packet's payload (after label, decryption and CRC):
/// compound parts and compressed messages, handing every leaf message (type byte + body) to a
/// visitor. Like memberlist >= 0.5 it refuses a compound inside a compound and a compressed message
/// inside a compressed one, so a packet costs at most one decompression and two levels.</summary>
internal static class MessageWalker
{
    [Flags]
    private enum Envelope : byte
    {
        None = 0,
        InCompound = 1,
        InCompress = 2,
    }

    /// <summary>Walks <paramref name="payload"/>. Returns the error that made the whole payload
    /// unusable (the outermost message); errors in single parts go to <see cref="IMessageVisitor.OnDropped"/>.
    /// <paramref name="truncatedParts"/> counts compound parts cut off by the packet's end.</summary>
    public static WireError Walk<TVisitor>(ReadOnlySpan<byte> payload, ref TVisitor visitor, out int truncatedParts, int maxDecompressed = CompressedMessage.DefaultMaxPacketOutput)
        where TVisitor : IMessageVisitor
    {
        truncatedParts = 0;
        return Walk(payload, ref visitor, Envelope.None, maxDecompressed, ref truncatedParts);
    }

    private static WireError Walk<TVisitor>(ReadOnlySpan<byte> message, ref TVisitor visitor, Envelope envelope, int maxDecompressed, ref int truncatedParts)
        where TVisitor : IMessageVisitor
    {
        if (message.IsEmpty)
        {
            return WireError.Empty;
        }
        switch ((MessageType)message[0])
        {
            case MessageType.Compound:
            {
                if ((envelope & Envelope.InCompound) != 0)
                {
                    return WireError.NestingTooDeep;
                }
                WireError e = CompoundMessage.TryRead(message[1..], out CompoundReader reader);
                if (e != WireError.None)
                {
                    return e;
                }
                truncatedParts += reader.Truncated;
                while (reader.TryNext(out ReadOnlySpan<byte> part))
                {
                    WireError pe = Walk(part, ref visitor, envelope | Envelope.InCompound, maxDecompressed, ref truncatedParts);
                    if (pe != WireError.None)
                    {
                        visitor.OnDropped(pe);
                    }
                }
                return WireError.None;
            }
            case MessageType.Compress:
            {
                if ((envelope & Envelope.InCompress) != 0)
                {
                    return WireError.NestingTooDeep;
                }
                WireError e = CompressedMessage.TryDecompress(message[1..], maxDecompressed, out byte[] inner);
                if (e != WireError.None)
                {
                    return e;
                }
                return Walk(inner, ref visitor, envelope | Envelope.InCompress, maxDecompressed, ref truncatedParts);
            }
            case MessageType.Ping:
            case MessageType.IndirectPing:
            case MessageType.AckResp:
            case MessageType.NackResp:
            case MessageType.Suspect:
            case MessageType.Alive:
            case MessageType.Dead:
            case MessageType.User:
                visitor.OnMessage(message);
                return WireError.None;
            case MessageType.PushPull:
            case MessageType.Encrypt:
            case MessageType.HasCrc:
            case MessageType.HasLabel:
            case MessageType.Err:
                return WireError.UnexpectedType;
            default:
                return WireError.UnknownType;
        }
    }
}
