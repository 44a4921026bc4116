using Overlay.Dataplane.Linux.Native;
using Overlay.Dataplane.Linux.Netns;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Underlay;

/// <summary>Opening: the bound UDP receive socket and the raw transmit socket.</summary>
public sealed unsafe partial class UnderlaySocket
{
    /// <summary>Opens both sockets, in <see cref="UnderlayOptions.Namespace"/> when set. Throws
    /// <see cref="LinuxIoException"/> naming the failed step (e.g. "bind 198.18.0.1:4789: EADDRINUSE").</summary>
    public static UnderlaySocket Open(UnderlayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options.Namespace is null
            ? OpenHere(options)
            : NetworkNamespace.Run(options.Namespace, () => OpenHere(options));
    }

    private static UnderlaySocket OpenHere(UnderlayOptions options)
    {
        bool v6 = options.LocalAddress.IsV6;
        int family = v6 ? Sock.AF_INET6 : Sock.AF_INET;
        string where = (v6 ? $"[{options.LocalAddress}]" : options.LocalAddress.ToString())
            + (options.Namespace is null ? "" : " in netns " + options.Namespace);
        int rx = -1;
        int tx = -1;
        try
        {
            rx = Libc.Socket(family, Sock.SOCK_DGRAM | Sock.SOCK_NONBLOCK | Sock.SOCK_CLOEXEC, Sock.IPPROTO_UDP);
            if (rx < 0) throw LinuxIoException.FromLastError("socket UDP " + where);
            if (v6)
            {
                Require(Libc.SetInt(rx, Sock.IPPROTO_IPV6, Sock.IPV6_V6ONLY, 1), "IPV6_V6ONLY", where);
                // RFC 6935/6936: tunnels may send zero UDP checksums over IPv6; the kernel drops them unless asked.
                Require(Libc.SetInt(rx, Sock.SOL_UDP, Sock.UDP_NO_CHECK6_RX, 1), "UDP_NO_CHECK6_RX", where);
            }
            SetBuffer(rx, Sock.SO_RCVBUFFORCE, Sock.SO_RCVBUF, options.ReceiveBufferBytes, where);
            if (options.ReusePort) Require(Libc.SetInt(rx, Sock.SOL_SOCKET, Sock.SO_REUSEPORT, 1), "SO_REUSEPORT", where);
            ushort port = Bind(rx, options.LocalAddress, options.Port, $"bind UDP {where} port {options.Port}");

            // IPPROTO_RAW implies IP_HDRINCL (IPv4) and IPV6_HDRINCL (IPv6, checked below), and such a socket
            // receives nothing, unlike a raw IPPROTO_UDP socket, which would get a copy of every UDP datagram.
            tx = Libc.Socket(family, Sock.SOCK_RAW | Sock.SOCK_NONBLOCK | Sock.SOCK_CLOEXEC, Sock.IPPROTO_RAW);
            if (tx < 0) throw LinuxIoException.FromLastError("socket RAW " + where);
            if (v6)
            {
                Require(Libc.SetInt(tx, Sock.IPPROTO_IPV6, Sock.IPV6_HDRINCL, 1), "IPV6_HDRINCL", where);
                if (Libc.GetInt(tx, Sock.IPPROTO_IPV6, Sock.IPV6_HDRINCL) != 1)
                {
                    throw new LinuxIoException("IPV6_HDRINCL did not stick " + where, Errno.EOPNOTSUPP);
                }
            }
            SetBuffer(tx, Sock.SO_SNDBUFFORCE, Sock.SO_SNDBUF, options.SendBufferBytes, where);
            // Binding the raw socket makes the local address the route lookup's source (source-based policy
            // routing); the source in each packet's own header is what goes on the wire.
            Bind(tx, options.LocalAddress, 0, "bind RAW " + where);

            // UDP_GRO (Linux 5.0+) lets the kernel hand over a flow's datagrams as one coalesced message.
            bool gro = options.Gro && Libc.SetInt(rx, Sock.SOL_UDP, Sock.UDP_GRO, 1) == 0;
            int receiveBuffer = Libc.GetInt(rx, Sock.SOL_SOCKET, Sock.SO_RCVBUF);
            int sendBuffer = Libc.GetInt(tx, Sock.SOL_SOCKET, Sock.SO_SNDBUF);
            var gso = options.GsoTransmit is null ? null : UdpGsoTransmitter.Open(options.GsoTransmit with { Namespace = null });
            var socket = new UnderlaySocket(rx, tx, options, port, receiveBuffer, sendBuffer, gro, gso);
            rx = tx = -1;
            return socket;
        }
        finally
        {
            if (rx >= 0) Libc.Close(rx);
            if (tx >= 0) Libc.Close(tx);
        }
    }

    private static ushort Bind(int fd, IpAddr address, ushort port, string what)
    {
        byte* name = stackalloc byte[SockAddr.Stride];
        int family = address.IsV4 ? Sock.AF_INET : Sock.AF_INET6;
        int length = SockAddr.Write(name, address, port, family);
        if (Libc.Bind(fd, name, (uint)length) != 0) throw LinuxIoException.FromLastError(what);
        uint actualLength = SockAddr.Stride;
        if (Libc.GetSockName(fd, name, &actualLength) != 0) throw LinuxIoException.FromLastError("getsockname " + what);
        return SockAddr.TryRead(name, actualLength, out _, out ushort actual) ? actual : port;
    }

    /// <summary>Sets a buffer size with the FORCE option (CAP_NET_ADMIN, beyond net.core.*mem_max), falling back
    /// to the plain option, which the kernel caps silently.</summary>
    private static void SetBuffer(int fd, int forceOption, int option, int bytes, string where)
    {
        if (bytes == 0) return;
        if (Libc.SetInt(fd, Sock.SOL_SOCKET, forceOption, bytes) == 0) return;
        Require(Libc.SetInt(fd, Sock.SOL_SOCKET, option, bytes), option == Sock.SO_RCVBUF ? "SO_RCVBUF" : "SO_SNDBUF", where);
    }

    private static void Require(int errno, string option, string where)
    {
        if (errno != 0) throw new LinuxIoException($"setsockopt {option} {where}", errno);
    }
}
