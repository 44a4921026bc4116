using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Wire;

/// <summary>memberlist's compressed message: type 9, then msgpack compress{Algo, Buf} where Algo 0
/// is LZW (the only one) and Buf the compressed payload, itself a whole message (type byte + body).
/// memberlist compresses by default (Config.EnableCompression): every stream message, and a packet
/// when that makes it smaller.</summary>
internal static class CompressedMessage
{
    public const byte LzwAlgorithm = 0;

    /// <summary>Default ceiling for a decompressed packet: LZW can expand ~2700x, so a bound is required.</summary>
    public const int DefaultMaxPacketOutput = 1024 * 1024;

    /// <summary>Opens a compress body (after the type byte) into the payload it carries.</summary>
    public static WireError TryDecompress(ReadOnlySpan<byte> body, int maxOutput, out byte[] payload)
    {
        var r = new MsgPackReader(body);
        return TryDecompress(ref r, maxOutput, out payload);
    }

    public static WireError TryDecompress(ref MsgPackReader r, int maxOutput, out byte[] payload)
    {
        payload = [];
        WireError e = MemberlistCodec.TryReadCompress(ref r, out byte algo, out ReadOnlySpan<byte> buf);
        if (e != WireError.None)
        {
            return e;
        }
        if (algo != LzwAlgorithm)
        {
            return WireError.BadCompression;
        }
        return Lzw.TryDecompress(buf, maxOutput, out payload);
    }

    /// <summary>Wraps <paramref name="payload"/> (a whole message) as memberlist's compressPayload does.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> payload)
    {
        byte[] compressed = Lzw.Compress(payload);
        var buffer = new byte[compressed.Length + 32];
        var w = new MsgPackWriter(buffer);
        w.WriteByte((byte)MessageType.Compress);
        MemberlistCodec.WriteCompress(ref w, LzwAlgorithm, compressed);
        return buffer.AsSpan(0, w.Position).ToArray();
    }
}
