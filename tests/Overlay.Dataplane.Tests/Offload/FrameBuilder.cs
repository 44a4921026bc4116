using System.Buffers.Binary;
using Overlay.Dataplane.Offload;
using Overlay.Packets;

namespace Overlay.Dataplane.Tests.Offload;

/// <summary>Writes test frames byte by byte from a <see cref="FrameSpec"/>, independently of the code under test.</summary>
internal static class FrameBuilder
{
    public static byte PatternByte(int streamOffset) => (byte)((streamOffset * 31 + 11) ^ (streamOffset >> 8));

    /// <summary>The frame with a complete L4 checksum (or, with <paramref name="partial"/>, the CHECKSUM_PARTIAL
    /// convention: the folded, uncomplemented pseudo-header sum in the field).</summary>
    public static byte[] Build(FrameSpec s, bool partial = false)
    {
        if (s.TcpOptions.Length % 4 != 0 || s.Ipv4Options.Length % 4 != 0) throw new ArgumentException("options must be padded");
        var f = new byte[s.FrameLength];
        s.Destination.Write(f);
        s.Source.Write(f.AsSpan(6));
        int at = 12;
        if (s.VlanTci != 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), 0x8100);
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(14), s.VlanTci);
            at = 16;
        }
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(at), s.V6 ? (ushort)0x86DD : (ushort)0x0800);
        int ip = s.L2Length;
        int l4 = ip + s.IpHeaderLength;
        int l4Length = s.L4HeaderLength + s.Payload;
        byte protocol = s.Udp ? (byte)17 : (byte)6;

        if (s.V6)
        {
            BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(ip), (6u << 28) | ((uint)s.Tos << 20) | s.FlowLabel);
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(ip + 4), (ushort)l4Length);
            f[ip + 6] = protocol;
            f[ip + 7] = s.Ttl;
            IpAddr.Parse(s.SourceV6).WriteV6(f.AsSpan(ip + 8, 16));
            IpAddr.Parse(s.DestinationV6).WriteV6(f.AsSpan(ip + 24, 16));
        }
        else
        {
            f[ip] = (byte)(0x40 | (s.IpHeaderLength / 4));
            f[ip + 1] = s.Tos;
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(ip + 2), (ushort)(s.IpHeaderLength + l4Length));
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(ip + 4), s.IpId);
            f[ip + 6] = (byte)((s.DontFragment ? 0x40 : 0) | (s.MoreFragments ? 0x20 : 0));
            f[ip + 8] = s.Ttl;
            f[ip + 9] = protocol;
            BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(ip + 12), s.SourceV4);
            BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(ip + 16), s.DestinationV4);
            s.Ipv4Options.CopyTo(f.AsSpan(ip + 20));
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(ip + 10), InternetChecksum.Compute(f.AsSpan(ip, s.IpHeaderLength)));
        }

        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(l4), s.SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(l4 + 2), s.DestinationPort);
        int checksumAt;
        if (s.Udp)
        {
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(l4 + 4), (ushort)l4Length);
            checksumAt = l4 + 6;
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(l4 + 4), s.Sequence);
            BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(l4 + 8), s.Ack);
            f[l4 + 12] = (byte)((s.L4HeaderLength / 4) << 4);
            f[l4 + 13] = (byte)s.Flags;
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(l4 + 14), s.Window);
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(l4 + 18), s.UrgentPointer);
            s.TcpOptions.CopyTo(f.AsSpan(l4 + 20));
            checksumAt = l4 + 16;
        }
        int payloadAt = l4 + s.L4HeaderLength;
        for (int i = 0; i < s.Payload; i++) f[payloadAt + i] = PatternByte(s.PatternOffset + i);

        ulong pseudo = PseudoHeader(f, s, l4Length);
        ushort checksum = partial
            ? InternetChecksum.FoldToUInt16(pseudo)
            : InternetChecksum.Finish(InternetChecksum.Add(f.AsSpan(l4, l4Length), pseudo));
        if (checksum == 0 && s.Udp && !partial) checksum = 0xFFFF;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(checksumAt), checksum);
        return f;
    }

    /// <summary>The virtio header the kernel would give this super-frame on a TAP read.</summary>
    public static VirtioNetHeader GsoHeader(FrameSpec s, int gsoSize)
    {
        byte type = s.Udp ? VirtioNetHeader.GsoUdpL4 : s.V6 ? VirtioNetHeader.GsoTcpV6 : VirtioNetHeader.GsoTcpV4;
        if (!s.Udp && (s.Flags & TcpFlags.Cwr) != 0) type |= VirtioNetHeader.GsoEcn;
        int l4 = s.L2Length + s.IpHeaderLength;
        return new VirtioNetHeader(VirtioNetHeader.FlagNeedsChecksum, type, (ushort)s.HeaderLength, (ushort)gsoSize,
            (ushort)l4, s.Udp ? VirtioNetHeader.UdpChecksumOffset : VirtioNetHeader.TcpChecksumOffset);
    }

    public static ulong PseudoHeader(ReadOnlySpan<byte> frame, FrameSpec s, int l4Length)
    {
        int ip = s.L2Length;
        byte protocol = s.Udp ? (byte)17 : (byte)6;
        return s.V6
            ? InternetChecksum.PseudoHeaderV6(frame.Slice(ip + 8, 16), frame.Slice(ip + 24, 16), protocol, l4Length)
            : InternetChecksum.PseudoHeaderV4(BinaryPrimitives.ReadUInt32BigEndian(frame.Slice(ip + 12)),
                BinaryPrimitives.ReadUInt32BigEndian(frame.Slice(ip + 16)), protocol, l4Length);
    }

    /// <summary>The L4 checksum of a whole frame built from <paramref name="s"/> verifies (pseudo-header included).</summary>
    public static bool L4ChecksumValid(ReadOnlySpan<byte> frame, FrameSpec s)
    {
        int l4 = s.L2Length + s.IpHeaderLength;
        int l4Length = frame.Length - l4;
        return InternetChecksum.IsValid(frame.Slice(l4, l4Length), PseudoHeader(frame, s, l4Length));
    }

    /// <summary>The segments of a super-frame <paramref name="s"/> as <c>tcp_gso_segment</c> / <c>__udp_gso_segment</c>
    /// define them: the spec of segment i.</summary>
    public static FrameSpec SegmentSpec(FrameSpec s, int gsoSize, int index)
    {
        int count = (s.Payload + gsoSize - 1) / gsoSize;
        int offset = index * gsoSize;
        var flags = s.Flags;
        if (index != count - 1) flags &= ~(TcpFlags.Fin | TcpFlags.Psh);
        if (index != 0) flags &= ~TcpFlags.Cwr;
        return s with
        {
            Payload = Math.Min(gsoSize, s.Payload - offset),
            PatternOffset = s.PatternOffset + offset,
            Sequence = unchecked(s.Sequence + (uint)offset),
            IpId = s.V6 ? s.IpId : unchecked((ushort)(s.IpId + index)),
            Flags = flags,
        };
    }
}
