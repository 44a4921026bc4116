using System.Buffers.Binary;
using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Wire;

/// <summary>memberlist's compound message: type 7, a part count byte, one big-endian uint16 length
/// per part, then the parts. memberlist's reader returns the parts that fit and counts the rest as
/// truncated (not an error); a header shorter than the count says is an error.</summary>
internal static class CompoundMessage
{
    public const int MaxParts = byte.MaxValue;
    public const int MaxPartLength = ushort.MaxValue;

    /// <summary>Header bytes for <paramref name="parts"/> parts (type, count, lengths).</summary>
    public static int HeaderLength(int parts) => 2 + 2 * parts;

    public static int EncodedLength(ReadOnlySpan<ReadOnlyMemory<byte>> parts)
    {
        int total = HeaderLength(parts.Length);
        foreach (ReadOnlyMemory<byte> p in parts)
        {
            total += p.Length;
        }
        return total;
    }

    /// <summary>Writes a compound of <paramref name="parts"/>. <see cref="WireError.Unencodable"/> for
    /// more than 255 parts or a part over 65535 bytes (memberlist would silently wrap both).</summary>
    public static WireError TryWrite(ReadOnlySpan<ReadOnlyMemory<byte>> parts, Span<byte> destination, out int written)
    {
        written = 0;
        if (parts.Length > MaxParts)
        {
            return WireError.Unencodable;
        }
        foreach (ReadOnlyMemory<byte> p in parts)
        {
            if (p.Length > MaxPartLength)
            {
                return WireError.Unencodable;
            }
        }
        int total = EncodedLength(parts);
        if (destination.Length < total)
        {
            return WireError.DestinationTooSmall;
        }
        destination[0] = (byte)MessageType.Compound;
        destination[1] = (byte)parts.Length;
        int offset = HeaderLength(parts.Length);
        for (int i = 0; i < parts.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2 + 2 * i), (ushort)parts[i].Length);
            parts[i].Span.CopyTo(destination[offset..]);
            offset += parts[i].Length;
        }
        written = total;
        return WireError.None;
    }

    public static byte[] Encode(ReadOnlySpan<ReadOnlyMemory<byte>> parts)
    {
        var buffer = new byte[EncodedLength(parts)];
        WireError e = TryWrite(parts, buffer, out _);
        if (e != WireError.None)
        {
            throw new ArgumentException($"cannot encode a compound message: {e}", nameof(parts));
        }
        return buffer;
    }

    /// <summary>Opens a compound body (after the type byte). The reader yields the parts that fit;
    /// <see cref="CompoundReader.Truncated"/> counts those that did not.</summary>
    public static WireError TryRead(ReadOnlySpan<byte> body, out CompoundReader reader)
    {
        reader = default;
        if (body.IsEmpty)
        {
            return WireError.Truncated; // "missing compound length byte"
        }
        int count = body[0];
        if (body.Length < 1 + 2 * count)
        {
            return WireError.Truncated; // "truncated len slice"
        }
        reader = new CompoundReader(body.Slice(1, 2 * count), body[(1 + 2 * count)..]);
        return WireError.None;
    }
}
