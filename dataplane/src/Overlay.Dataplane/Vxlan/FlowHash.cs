using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Overlay.Dataplane.Vxlan;

/// <summary>
/// A hash of the inner flow, for the outer UDP source port (ECMP/RSS entropy, as the kernel's
/// udp_flow_src_port): addresses, protocol and ports of an inner IPv4/IPv6 TCP/UDP/SCTP packet, otherwise the
/// Ethernet addresses and type. All packets of one flow get one port; reads only within the frame.
/// </summary>
public static class FlowHash
{
    public static uint Compute(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 14) return Mix(0, 0);
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
            int ihl = (ip[0] & 0xF) * 4;
            byte proto = ip[9];
            ulong addrs = BinaryPrimitives.ReadUInt64BigEndian(ip.Slice(12));
            bool fragment = (BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(6)) & 0x3FFF) != 0;
            uint ports = !fragment && HasPorts(proto) && ihl >= 20 && ip.Length >= ihl + 4
                ? BinaryPrimitives.ReadUInt32BigEndian(ip.Slice(ihl)) : 0;
            return Mix(addrs, ((ulong)proto << 32) | ports);
        }
        if (type == 0x86DD && ip.Length >= 40 && ip[0] >> 4 == 6)
        {
            byte next = ip[6];
            ulong a = BinaryPrimitives.ReadUInt64BigEndian(ip.Slice(8)) ^ BinaryPrimitives.ReadUInt64BigEndian(ip.Slice(16)) * 31;
            ulong b = BinaryPrimitives.ReadUInt64BigEndian(ip.Slice(24)) ^ BinaryPrimitives.ReadUInt64BigEndian(ip.Slice(32)) * 31;
            uint ports = HasPorts(next) && ip.Length >= 44 ? BinaryPrimitives.ReadUInt32BigEndian(ip.Slice(40)) : 0;
            return Mix(a ^ (b * 0x9E37_79B9_7F4A_7C15UL), ((ulong)next << 32) | ports);
        }
        ulong macs = BinaryPrimitives.ReadUInt64BigEndian(frame) ^ ((ulong)BinaryPrimitives.ReadUInt32BigEndian(frame.Slice(8)) << 16);
        return Mix(macs, type);
    }

    /// <summary>Maps a hash into [min, max].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort SourcePort(uint hash, ushort min, ushort max) =>
        (ushort)(min + (int)(((ulong)hash * (uint)(max - min + 1)) >> 32));

    /// <summary>Maps a hash onto one of <paramref name="count"/> ports, <paramref name="step"/> apart from <paramref name="min"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort SourcePort(uint hash, ushort min, int count, int step) =>
        (ushort)(min + (int)(((ulong)hash * (uint)count) >> 32) * step);

    private static bool HasPorts(byte proto) => proto is 6 or 17 or 132 or 136;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Mix(ulong a, ulong b)
    {
        ulong h = (a ^ 0x243F_6A88_85A3_08D3UL) * 0x9E37_79B9_7F4A_7C15UL;
        h ^= h >> 29;
        h = (h ^ b) * 0xBF58_476D_1CE4_E5B9UL;
        h ^= h >> 32;
        return (uint)h;
    }
}
