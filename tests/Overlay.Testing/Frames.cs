using System.Buffers.Binary;
using Overlay.Packets;

namespace Overlay.Testing;

/// <summary>Builds test frames by hand (independent of the views under test).</summary>
public static class Frames
{
    /// <summary>An Ethernet + IPv4 + UDP frame with valid checksums and <paramref name="payload"/> bytes of data.</summary>
    public static byte[] Udp4(MacAddress dst, MacAddress src, uint srcIp, uint dstIp, ushort srcPort, ushort dstPort, int payload, byte tos = 0, byte ttl = 64, bool df = true)
    {
        var f = new byte[14 + 20 + 8 + payload];
        dst.Write(f);
        src.Write(f.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), 0x0800);
        var ip = f.AsSpan(14, 20);
        ip[0] = 0x45;
        ip[1] = tos;
        BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(2), (ushort)(20 + 8 + payload));
        BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(4), 0x1234);
        BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(6), df ? (ushort)0x4000 : (ushort)0);
        ip[8] = ttl;
        ip[9] = 17;
        BinaryPrimitives.WriteUInt32BigEndian(ip.Slice(12), srcIp);
        BinaryPrimitives.WriteUInt32BigEndian(ip.Slice(16), dstIp);
        BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(10), InternetChecksum.Compute(ip));
        var udp = f.AsSpan(34);
        BinaryPrimitives.WriteUInt16BigEndian(udp, srcPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.Slice(2), dstPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.Slice(4), (ushort)(8 + payload));
        for (int i = 0; i < payload; i++) udp[8 + i] = (byte)i;
        ulong sum = InternetChecksum.PseudoHeaderV4(srcIp, dstIp, 17, 8 + payload);
        ushort c = InternetChecksum.Finish(InternetChecksum.Add(udp, sum));
        BinaryPrimitives.WriteUInt16BigEndian(udp.Slice(6), c == 0 ? (ushort)0xFFFF : c);
        return f;
    }

    /// <summary>A broadcast ARP request.</summary>
    public static byte[] ArpRequest(MacAddress src, uint srcIp, uint targetIp)
    {
        var f = new byte[42];
        MacAddress.Broadcast.Write(f);
        src.Write(f.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), 0x0806);
        var a = f.AsSpan(14);
        BinaryPrimitives.WriteUInt16BigEndian(a, 1);
        BinaryPrimitives.WriteUInt16BigEndian(a.Slice(2), 0x0800);
        a[4] = 6;
        a[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(a.Slice(6), 1);
        src.Write(a.Slice(8));
        BinaryPrimitives.WriteUInt32BigEndian(a.Slice(14), srcIp);
        BinaryPrimitives.WriteUInt32BigEndian(a.Slice(24), targetIp);
        return f;
    }

    /// <summary>A minimal frame with the given addresses and EtherType 0x88B5 (local experimental).</summary>
    public static byte[] Raw(MacAddress dst, MacAddress src, int length = 60)
    {
        var f = new byte[length];
        dst.Write(f);
        src.Write(f.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), 0x88B5);
        return f;
    }
}
