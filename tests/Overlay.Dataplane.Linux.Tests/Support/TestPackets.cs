using System.Buffers.Binary;
using Overlay.Dataplane.Buffers;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Tests.Support;

/// <summary>Builds outer IPv4/IPv6 + UDP packets the simple way, for the underlay tests.</summary>
internal static class TestPackets
{
    public const int Ipv4HeaderLength = 20;
    public const int Ipv6HeaderLength = 40;
    public const int UdpHeaderLength = 8;

    /// <summary>Writes IP + UDP + <paramref name="payload"/> into <paramref name="packet"/>; returns the length.
    /// The UDP checksum is correct unless <paramref name="zeroChecksum"/>.</summary>
    public static int WriteUdp(Span<byte> packet, IpAddr source, IpAddr destination, ushort sourcePort, ushort destinationPort,
        ReadOnlySpan<byte> payload, bool zeroChecksum = false)
    {
        int ipLength = source.IsV4 ? Ipv4HeaderLength : Ipv6HeaderLength;
        int udpLength = UdpHeaderLength + payload.Length;
        var udp = packet.Slice(ipLength, udpLength);
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)udpLength);
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], 0);
        payload.CopyTo(udp[8..]);

        ulong pseudo;
        if (source.IsV4)
        {
            var ip = packet[..Ipv4HeaderLength];
            ip.Clear();
            ip[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(ipLength + udpLength));
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], sourcePort); // any id
            BinaryPrimitives.WriteUInt16BigEndian(ip[6..], 0x4000);     // DF
            ip[8] = 64;
            ip[9] = 17;
            source.WriteV4(ip[12..]);
            destination.WriteV4(ip[16..]);
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], InternetChecksum.Compute(ip));
            pseudo = InternetChecksum.PseudoHeaderV4(source.V4, destination.V4, 17, udpLength);
        }
        else
        {
            var ip = packet[..Ipv6HeaderLength];
            ip.Clear();
            ip[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)udpLength);
            ip[6] = 17;
            ip[7] = 64;
            source.WriteV6(ip[8..]);
            destination.WriteV6(ip[24..]);
            pseudo = InternetChecksum.PseudoHeaderV6(ip.Slice(8, 16), ip.Slice(24, 16), 17, udpLength);
        }
        if (!zeroChecksum)
        {
            ushort checksum = InternetChecksum.Finish(InternetChecksum.Add(udp, pseudo));
            BinaryPrimitives.WriteUInt16BigEndian(udp[6..], checksum == 0 ? (ushort)0xFFFF : checksum);
        }
        return ipLength + udpLength;
    }

    /// <summary>A VXLAN-looking payload: an 8-byte header with VNI <paramref name="seed"/>, then
    /// <paramref name="extra"/> bytes derived from the seed.</summary>
    public static byte[] Payload(int seed, int extra)
    {
        var payload = new byte[8 + extra];
        payload[0] = 0x08;
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(4), (uint)(seed & 0xFFFFFF) << 8);
        for (int i = 0; i < extra; i++) payload[8 + i] = (byte)(seed * 31 + i);
        return payload;
    }

    /// <summary>Rents a buffer, builds the packet at the headroom and appends it to the batch for <paramref name="destination"/>.</summary>
    public static void AddUdp(PacketBufferPool pool, PacketBatch batch, IpAddr source, IpAddr destination,
        ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload, bool zeroChecksum = false)
    {
        if (!pool.TryRent(out int handle)) throw new InvalidOperationException("pool empty");
        var span = pool.Span(handle)[PacketBufferPool.Headroom..];
        int length = WriteUdp(span, source, destination, sourcePort, destinationPort, payload, zeroChecksum);
        batch.Add(handle, PacketBufferPool.Headroom, length, destination);
    }
}
