using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Net;

/// <summary>Conversions between the socket's address form and <see cref="GossipEndPoint"/> without an
/// <see cref="IPEndPoint"/> per packet. sockaddr_in and sockaddr_in6 keep the port (big-endian) at offset 2 and
/// the address at 4 (IPv4) or 8 (IPv6) on Linux and the BSDs alike.</summary>
internal static class SocketAddresses
{
    private const int PortOffset = 2;
    private const int V4AddressOffset = 4;
    private const int V6AddressOffset = 8;

    /// <summary>Reads a received address. <paramref name="address"/> gets the 4 or 16 raw bytes (16 bytes of
    /// room); false for a family that is not IP.</summary>
    public static bool TryRead(SocketAddress socketAddress, Span<byte> address, out int addressLength, out GossipEndPoint endPoint)
    {
        ReadOnlySpan<byte> raw = socketAddress.Buffer.Span[..socketAddress.Size];
        ushort port = BinaryPrimitives.ReadUInt16BigEndian(raw[PortOffset..]);
        switch (socketAddress.Family)
        {
            case AddressFamily.InterNetwork:
                raw.Slice(V4AddressOffset, 4).CopyTo(address);
                addressLength = 4;
                break;
            case AddressFamily.InterNetworkV6:
                raw.Slice(V6AddressOffset, 16).CopyTo(address);
                addressLength = 16;
                break;
            default:
                addressLength = 0;
                endPoint = default;
                return false;
        }
        endPoint = GossipEndPoint.FromBytes(address[..addressLength], port);
        return true;
    }

    /// <summary>The socket address to send to <paramref name="to"/> from a socket of <paramref name="family"/>
    /// (an IPv4 peer is IPv4-mapped on a dual-mode IPv6 socket).</summary>
    public static SocketAddress For(GossipEndPoint to, AddressFamily family)
    {
        IPEndPoint ip = to.ToIPEndPoint();
        if (family == AddressFamily.InterNetworkV6 && ip.AddressFamily == AddressFamily.InterNetwork)
        {
            ip = new IPEndPoint(ip.Address.MapToIPv6(), ip.Port);
        }
        return ip.Serialize();
    }

    /// <summary>The raw bytes of a remote stream end point (4 or 16), IPv4-mapped addresses unmapped.</summary>
    public static byte[] AddressBytes(IPEndPoint endPoint) =>
        (endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address).GetAddressBytes();
}
