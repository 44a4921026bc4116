using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Wire;

internal static partial class MemberlistCodec
{
    /// <summary>Decodes one leaf message (type byte + body) as it appears in a packet or a compound
    /// part. Envelopes (compound, compress, CRC, encrypt, label) are <see cref="WireError.UnexpectedType"/>
    /// here: <see cref="MessageWalker"/> opens them. So is push/pull, which only travels on streams.</summary>
    public static WireError TryDecodeMessage(ReadOnlySpan<byte> message, out DecodedMessage decoded)
    {
        decoded = default;
        if (message.IsEmpty)
        {
            return WireError.Empty;
        }
        ReadOnlySpan<byte> body = message[1..];
        WireError e;
        object? record;
        switch ((MessageType)message[0])
        {
            case MessageType.Ping: e = TryDecode(body, out Ping? ping); record = ping; break;
            case MessageType.IndirectPing: e = TryDecode(body, out IndirectPing? ind); record = ind; break;
            case MessageType.AckResp: e = TryDecode(body, out AckResp? ack); record = ack; break;
            case MessageType.NackResp: e = TryDecode(body, out NackResp? nack); record = nack; break;
            case MessageType.Suspect: e = TryDecode(body, out Suspect? suspect); record = suspect; break;
            case MessageType.Alive: e = TryDecode(body, out Alive? alive); record = alive; break;
            case MessageType.Dead: e = TryDecode(body, out Dead? dead); record = dead; break;
            case MessageType.Err: e = TryDecode(body, out ErrResp? err); record = err; break;
            case MessageType.User: e = WireError.None; record = body.ToArray(); break;
            case MessageType.PushPull:
            case MessageType.Compound:
            case MessageType.Compress:
            case MessageType.Encrypt:
            case MessageType.HasCrc:
            case MessageType.HasLabel:
                return WireError.UnexpectedType;
            default:
                return WireError.UnknownType;
        }
        if (e == WireError.None && record is not null)
        {
            decoded = new DecodedMessage((MessageType)message[0], record);
        }
        return e;
    }
}
