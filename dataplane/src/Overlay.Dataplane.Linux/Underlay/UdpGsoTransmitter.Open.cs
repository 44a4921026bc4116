using Overlay.Dataplane.Linux.Native;
using Overlay.Dataplane.Linux.Netns;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Underlay;

/// <summary>Opening: one UDP socket per source port of the set, all bound to the local VTEP address.</summary>
public sealed unsafe partial class UdpGsoTransmitter
{
    /// <summary>Options of the UDP transmit sockets (the raw socket writes these into each header instead).</summary>
    public sealed record Options
    {
        public required IpAddr LocalAddress { get; init; }
        public required ushort DestinationPort { get; init; }
        /// <summary>The source ports: <c>Count</c> ports from <c>PortMin</c>, <c>PortStep</c> apart.</summary>
        public required ushort PortMin { get; init; }
        public required int PortStep { get; init; }
        public required int Count { get; init; }
        public int MaxBatch { get; init; } = 128;
        /// <summary>IPv4: set DF on every packet (true) or never (false).</summary>
        public bool DontFragment { get; init; }
        /// <summary>IPv4 outer UDP checksum; false sends zero (SO_NO_CHECK).</summary>
        public bool UdpChecksum { get; init; } = true;
        /// <summary>IPv6: send zero UDP checksums (UDP_NO_CHECK6_TX).</summary>
        public bool ZeroChecksumV6 { get; init; }
        public int SendBufferBytes { get; init; } = 8 << 20;
        public string? Namespace { get; init; }
    }

    /// <summary>Opens the sockets. A source port that is taken is replaced by the next free one within its step,
    /// so each flow still keeps one port. Throws <see cref="LinuxIoException"/> naming the failed step.</summary>
    public static UdpGsoTransmitter Open(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Count is < 1 or > 1024) throw new ArgumentOutOfRangeException(nameof(options), "Count must be 1..1024");
        if (options.PortStep < 1) throw new ArgumentOutOfRangeException(nameof(options), "PortStep must be at least 1");
        return options.Namespace is null ? OpenHere(options) : NetworkNamespace.Run(options.Namespace, () => OpenHere(options));
    }

    private static UdpGsoTransmitter OpenHere(Options o)
    {
        bool v6 = o.LocalAddress.IsV6;
        int family = v6 ? Sock.AF_INET6 : Sock.AF_INET;
        var fds = new int[o.Count];
        Array.Fill(fds, -1);
        try
        {
            for (int i = 0; i < o.Count; i++)
            {
                int fd = Libc.Socket(family, Sock.SOCK_DGRAM | Sock.SOCK_NONBLOCK | Sock.SOCK_CLOEXEC, Sock.IPPROTO_UDP);
                if (fd < 0) throw LinuxIoException.FromLastError($"socket UDP {o.LocalAddress} (transmit)");
                fds[i] = fd;
                Configure(fd, v6, o);
                BindNear(fd, o.LocalAddress, (ushort)(o.PortMin + i * o.PortStep), o.PortStep, family);
            }
            var transmitter = new UdpGsoTransmitter(fds, o.PortMin, o.PortStep, v6, o.MaxBatch, o.DestinationPort);
            fds = [];
            return transmitter;
        }
        finally
        {
            foreach (int fd in fds)
            {
                if (fd >= 0) Libc.Close(fd);
            }
        }
    }

    private static void Configure(int fd, bool v6, Options o)
    {
        string where = $"{o.LocalAddress} (transmit)";
        if (Libc.SetInt(fd, Sock.SOL_SOCKET, Sock.SO_SNDBUFFORCE, o.SendBufferBytes) != 0)
            Require(Libc.SetInt(fd, Sock.SOL_SOCKET, Sock.SO_SNDBUF, o.SendBufferBytes), "SO_SNDBUF", where);
        // Nothing is received on these sockets: keep their receive queues tiny.
        Libc.SetInt(fd, Sock.SOL_SOCKET, Sock.SO_RCVBUF, 4096);
        if (v6)
        {
            Require(Libc.SetInt(fd, Sock.IPPROTO_IPV6, Sock.IPV6_V6ONLY, 1), "IPV6_V6ONLY", where);
            Require(Libc.SetInt(fd, Sock.IPPROTO_IPV6, Sock.IPV6_DONTFRAG, 1), "IPV6_DONTFRAG", where);
            if (o.ZeroChecksumV6) Require(Libc.SetInt(fd, Sock.SOL_UDP, Sock.UDP_NO_CHECK6_TX, 1), "UDP_NO_CHECK6_TX", where);
        }
        else
        {
            Require(Libc.SetInt(fd, Sock.IPPROTO_IP, Sock.IP_MTU_DISCOVER, o.DontFragment ? Sock.IP_PMTUDISC_DO : Sock.IP_PMTUDISC_DONT), "IP_MTU_DISCOVER", where);
            if (!o.UdpChecksum) Require(Libc.SetInt(fd, Sock.SOL_SOCKET, Sock.SO_NO_CHECK, 1), "SO_NO_CHECK", where);
        }
    }

    private static void BindNear(int fd, IpAddr address, ushort port, int step, int family)
    {
        byte* name = stackalloc byte[SockAddr.Stride];
        int lastErrno = 0;
        for (int k = 0; k < step && port + k <= ushort.MaxValue; k++)
        {
            int length = SockAddr.Write(name, address, (ushort)(port + k), family);
            if (Libc.Bind(fd, name, (uint)length) == 0) return;
            lastErrno = Errno.Last;
            if (lastErrno != Errno.EADDRINUSE) break;
        }
        throw new LinuxIoException($"bind UDP {address} source port {port}..{port + step - 1} (transmit)", lastErrno);
    }

    private static void Require(int errno, string option, string where)
    {
        if (errno != 0) throw new LinuxIoException($"setsockopt {option} {where}", errno);
    }
}
