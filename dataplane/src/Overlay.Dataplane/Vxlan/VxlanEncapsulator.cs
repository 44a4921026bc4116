using System.Buffers.Binary;
using Overlay.Packets;

namespace Overlay.Dataplane.Vxlan;

/// <summary>
/// Writes the outer IPv4/IPv6 + UDP + VXLAN headers into the headroom in front of a frame, so the frame is
/// never copied. Follows the kernel's VXLAN transmit path: source port from the inner flow hash, TTL/TOS/DF
/// fixed or inherited, ECN encapsulated per RFC 6040, UDP checksum per the settings.
/// </summary>
public sealed class VxlanEncapsulator
{
    private const byte DefaultTtl = 64;

    private readonly VxlanSettings _settings;

    public VxlanEncapsulator(VxlanSettings settings) => _settings = settings;

    public VxlanSettings Settings => _settings;

    /// <summary>The outer header length towards <paramref name="remote"/>.</summary>
    public static int OuterLength(IpAddr remote) => remote.IsV4 ? VxlanSettings.OuterV4Length : VxlanSettings.OuterV6Length;

    /// <summary>
    /// Encapsulates the frame at <paramref name="frameOffset"/> of <paramref name="buffer"/> (borrowed) for
    /// <paramref name="remote"/>. Returns the offset where the outer packet starts (its length is the frame's plus
    /// <see cref="OuterLength"/>), or -1 when we have no local address of the remote's family.
    /// The caller guarantees the headroom (frameOffset &gt;= OuterLength).
    /// </summary>
    public int Encapsulate(Span<byte> buffer, int frameOffset, int frameLength, uint vni, IpAddr remote, uint flowHash)
    {
        var frame = buffer.Slice(frameOffset, frameLength);
        InnerInfo inner = InnerInfo.Read(frame);
        ushort sourcePort = _settings.SourcePortCount > 0
            ? FlowHash.SourcePort(flowHash, _settings.SourcePortMin, _settings.SourcePortCount, _settings.SourcePortStep)
            : FlowHash.SourcePort(flowHash, _settings.SourcePortMin, _settings.SourcePortMax);
        byte ttl = _settings.TtlInherit && inner.Ttl != 0 ? inner.Ttl : _settings.Ttl != 0 ? _settings.Ttl : DefaultTtl;
        byte tos = (byte)(((_settings.TosInherit ? inner.Tos : _settings.Tos) & 0xFC) | EncapsulateEcn(inner.Tos));

        int udpLength = 8 + 8 + frameLength;
        int vx = frameOffset - 8;
        int udp = vx - 8;
        WriteVxlan(buffer.Slice(vx, 8), vni);

        if (remote.IsV4)
        {
            if (_settings.LocalV4.IsNone) return -1;
            int ip = udp - 20;
            var h = buffer.Slice(ip, 20);
            h[0] = 0x45;
            h[1] = tos;
            BinaryPrimitives.WriteUInt16BigEndian(h.Slice(2), (ushort)(20 + udpLength));
            BinaryPrimitives.WriteUInt16BigEndian(h.Slice(4), 0);
            bool df = _settings.Df == DfMode.Set || (_settings.Df == DfMode.Inherit && inner.DontFragment);
            BinaryPrimitives.WriteUInt16BigEndian(h.Slice(6), df ? (ushort)0x4000 : (ushort)0);
            h[8] = ttl;
            h[9] = 17;
            BinaryPrimitives.WriteUInt16BigEndian(h.Slice(10), 0);
            BinaryPrimitives.WriteUInt32BigEndian(h.Slice(12), _settings.LocalV4.V4);
            BinaryPrimitives.WriteUInt32BigEndian(h.Slice(16), remote.V4);
            BinaryPrimitives.WriteUInt16BigEndian(h.Slice(10), InternetChecksum.Compute(h));

            WriteUdp(buffer.Slice(udp, udpLength), sourcePort, udpLength);
            if (_settings.UdpChecksumV4 && !_settings.ChecksumByKernel)
            {
                ulong sum = InternetChecksum.PseudoHeaderV4(_settings.LocalV4.V4, remote.V4, 17, udpLength);
                StoreUdpChecksum(buffer.Slice(udp, udpLength), sum);
            }
            return ip;
        }
        else
        {
            if (_settings.LocalV6.IsNone) return -1;
            int ip = udp - 40;
            var h = buffer.Slice(ip, 40);
            uint first = (6u << 28) | ((uint)tos << 20) | (_settings.FlowLabel & 0xFFFFF);
            BinaryPrimitives.WriteUInt32BigEndian(h, first);
            BinaryPrimitives.WriteUInt16BigEndian(h.Slice(4), (ushort)udpLength);
            h[6] = 17;
            h[7] = ttl;
            _settings.LocalV6.WriteV6(h.Slice(8, 16));
            remote.WriteV6(h.Slice(24, 16));

            WriteUdp(buffer.Slice(udp, udpLength), sourcePort, udpLength);
            if (!_settings.ZeroChecksumTxV6 && !_settings.ChecksumByKernel)
            {
                ulong sum = InternetChecksum.PseudoHeaderV6(h.Slice(8, 16), h.Slice(24, 16), 17, udpLength);
                StoreUdpChecksum(buffer.Slice(udp, udpLength), sum);
            }
            return ip;
        }
    }

    /// <summary>Writes an 8-byte VXLAN header: I flag, VNI, reserved bits zero.</summary>
    public static void WriteVxlan(Span<byte> eight, uint vni)
    {
        BinaryPrimitives.WriteUInt32BigEndian(eight, 0x0800_0000);
        BinaryPrimitives.WriteUInt32BigEndian(eight.Slice(4), (vni & 0xFF_FFFF) << 8);
    }

    private void WriteUdp(Span<byte> udp, ushort sourcePort, int udpLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.Slice(2), _settings.DestinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.Slice(4), (ushort)udpLength);
        BinaryPrimitives.WriteUInt16BigEndian(udp.Slice(6), 0);
    }

    private static void StoreUdpChecksum(Span<byte> udp, ulong pseudo)
    {
        ushort c = InternetChecksum.Finish(InternetChecksum.Add(udp, pseudo));
        BinaryPrimitives.WriteUInt16BigEndian(udp.Slice(6), c == 0 ? (ushort)0xFFFF : c);
    }

    /// <summary>RFC 6040 normal mode: copy the inner ECN field, except CE which becomes ECT(0) outside.</summary>
    private static byte EncapsulateEcn(byte innerTos)
    {
        int ecn = innerTos & 3;
        return (byte)(ecn == 3 ? 2 : ecn);
    }

    /// <summary>The inner fields the outer header may inherit.</summary>
    private readonly struct InnerInfo
    {
        public byte Ttl { get; init; }
        public byte Tos { get; init; }
        public bool DontFragment { get; init; }

        public static InnerInfo Read(ReadOnlySpan<byte> frame)
        {
            if (frame.Length < 14) return default;
            int l3 = 14;
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(12));
            if ((type == 0x8100 || type == 0x88A8) && frame.Length >= 18)
            {
                type = BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(16));
                l3 = 18;
            }
            var ip = frame.Slice(l3);
            if (type == 0x0800 && ip.Length >= 20 && ip[0] >> 4 == 4)
            {
                return new InnerInfo { Tos = ip[1], Ttl = ip[8], DontFragment = (ip[6] & 0x40) != 0 };
            }
            if (type == 0x86DD && ip.Length >= 40 && ip[0] >> 4 == 6)
            {
                // IPv6 never fragments in flight: the kernel sets DF on the outer header when inheriting.
                byte tc = (byte)(BinaryPrimitives.ReadUInt16BigEndian(ip) >> 4);
                return new InnerInfo { Tos = tc, Ttl = ip[7], DontFragment = true };
            }
            return default;
        }
    }
}
