using System.Buffers.Binary;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Native;

/// <summary>Writes and reads sockaddr_in / sockaddr_in6 in caller-provided native memory (no allocation).</summary>
internal static unsafe class SockAddr
{
    /// <summary>The largest sockaddr we write, rounded up: the stride of sockaddr arrays.</summary>
    public const int Stride = 32;

    /// <summary>Writes <paramref name="address"/> as a sockaddr of <paramref name="family"/>. Returns its
    /// length, or 0 when the address is not of that family.</summary>
    public static int Write(byte* destination, IpAddr address, ushort port, int family)
    {
        if (family == Sock.AF_INET)
        {
            if (!address.IsV4) return 0;
            *(ushort*)destination = Sock.AF_INET;
            BinaryPrimitives.WriteUInt16BigEndian(new Span<byte>(destination + 2, 2), port);
            address.WriteV4(new Span<byte>(destination + 4, 4));
            *(ulong*)(destination + 8) = 0;
            return Sock.SockAddrIn4Size;
        }
        if (!address.IsV6) return 0;
        *(ushort*)destination = Sock.AF_INET6;
        BinaryPrimitives.WriteUInt16BigEndian(new Span<byte>(destination + 2, 2), port);
        *(uint*)(destination + 4) = 0; // flow info
        address.WriteV6(new Span<byte>(destination + 8, 16));
        *(uint*)(destination + 24) = 0; // scope id
        return Sock.SockAddrIn6Size;
    }

    /// <summary>Reads a sockaddr_in or sockaddr_in6 of <paramref name="length"/> bytes.</summary>
    public static bool TryRead(byte* source, uint length, out IpAddr address, out ushort port)
    {
        ushort family = length >= 2 ? *(ushort*)source : (ushort)0;
        if (family == Sock.AF_INET && length >= Sock.SockAddrIn4Size)
        {
            port = BinaryPrimitives.ReadUInt16BigEndian(new ReadOnlySpan<byte>(source + 2, 2));
            address = IpAddr.ReadV4(new ReadOnlySpan<byte>(source + 4, 4));
            return true;
        }
        if (family == Sock.AF_INET6 && length >= Sock.SockAddrIn6Size - 4)
        {
            port = BinaryPrimitives.ReadUInt16BigEndian(new ReadOnlySpan<byte>(source + 2, 2));
            address = IpAddr.ReadV6(new ReadOnlySpan<byte>(source + 8, 16));
            return true;
        }
        address = default;
        port = 0;
        return false;
    }
}
