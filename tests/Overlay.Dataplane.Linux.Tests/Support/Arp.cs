using System.Buffers.Binary;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Tests.Support;

/// <summary>Ethernet + ARP frames for the TAP tests.</summary>
internal static class Arp
{
    public const int FrameLength = 42;
    public const ushort Request = 1;
    public const ushort Reply = 2;

    public static int Write(Span<byte> frame, MacAddress destination, MacAddress source, ushort op,
        MacAddress senderMac, IpAddr senderIp, MacAddress targetMac, IpAddr targetIp)
    {
        destination.Write(frame);
        source.Write(frame[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[12..], 0x0806);
        var arp = frame[14..];
        BinaryPrimitives.WriteUInt16BigEndian(arp, 1);          // Ethernet
        BinaryPrimitives.WriteUInt16BigEndian(arp[2..], 0x0800); // IPv4
        arp[4] = 6;
        arp[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(arp[6..], op);
        senderMac.Write(arp[8..]);
        senderIp.WriteV4(arp[14..]);
        targetMac.Write(arp[18..]);
        targetIp.WriteV4(arp[24..]);
        return FrameLength;
    }

    public static bool Is(ReadOnlySpan<byte> frame, ushort op, IpAddr targetIp) =>
        frame.Length >= FrameLength
        && BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) == 0x0806
        && BinaryPrimitives.ReadUInt16BigEndian(frame[20..]) == op
        && IpAddr.ReadV4(frame[38..]) == targetIp;

    public static MacAddress SenderMac(ReadOnlySpan<byte> frame) => MacAddress.Read(frame[22..]);
    public static IpAddr SenderIp(ReadOnlySpan<byte> frame) => IpAddr.ReadV4(frame[28..]);
}
