using System.Buffers.Binary;
using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Wire;

/// <summary>memberlist's UDP checksum header: type 12, then the CRC-32 (IEEE, big-endian) of the
/// rest of the packet. memberlist adds it when the receiver's PMax is at least 5 and checks it on
/// any packet that starts with type 12 and has at least 5 bytes.</summary>
internal static class CrcHeader
{
    public const int Length = 5;

    /// <summary>The protocol version from which memberlist sends the header.</summary>
    public const byte MinProtocolVersion = 5;

    /// <summary>Writes the 5-byte header for <paramref name="payload"/> into <paramref name="destination"/>.</summary>
    public static bool TryWrite(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            return false;
        }
        destination[0] = (byte)MessageType.HasCrc;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], Crc32Ieee.Compute(payload));
        return true;
    }

    /// <summary>Checks and removes the header if there is one (memberlist's rule), or passes the
    /// packet through unchanged.</summary>
    public static WireError TryStrip(ReadOnlySpan<byte> packet, out ReadOnlySpan<byte> payload)
    {
        payload = packet;
        if (packet.Length < Length || packet[0] != (byte)MessageType.HasCrc)
        {
            return WireError.None;
        }
        ReadOnlySpan<byte> rest = packet[Length..];
        if (Crc32Ieee.Compute(rest) != BinaryPrimitives.ReadUInt32BigEndian(packet[1..]))
        {
            payload = default;
            return WireError.BadCrc;
        }
        payload = rest;
        return WireError.None;
    }
}
