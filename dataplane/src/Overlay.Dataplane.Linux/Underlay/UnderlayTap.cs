using System.Buffers.Binary;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Linux.Native;
using Overlay.Dataplane.Linux.Netns;
using Overlay.Dataplane.Linux.Tap;
using Overlay.Dataplane.Offload;
using Overlay.Dataplane.Ports;
using Overlay.Dataplane.Vxlan;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Underlay;

/// <summary>
/// The underlay as a TAP with UDP-tunnel GSO (TUN_F_UDP_TUNNEL_GSO, Linux 6.18), the way a VM's virtio-net carries
/// VXLAN: a TCP/UDP super-frame read from an endpoint's TAP leaves here whole, behind outer Ethernet/IP/UDP/VXLAN
/// headers and a virtio header that says "segment the inner packet, then repeat the outer headers"; a tc rule on
/// this TAP's ingress sends it out of the underlay device (see <c>TcRedirect</c>), and the kernel segments it only
/// where it must (a device without the offload, such as a real NIC lacking tunnel TSO), exactly as it does for its own
/// VXLAN device. Over veth it crosses unsegmented. Received super-packets come back the same way: a tc rule on the
/// underlay device's ingress hands VXLAN packets too large for one datagram to this TAP, and the daemon reads each as
/// one frame with the inner GSO type, so the inner super-frame goes to the endpoint's TAP without being split. Nothing
/// of the payload is touched in user space: no segmentation, no checksum, no copy.
/// <para>
/// One underlay family, the local address's (a remote of the other family, an unknown next-hop MAC, an outer UDP
/// checksum the kernel cannot offload, or a frame the tunnel header cannot describe make <see cref="TrySend"/> return
/// false, and the caller takes the ordinary UDP path). The kernel has validated nothing of a packet read here (tc
/// runs before IP): the outer IPv4 header checksum, lengths, addresses, port and, where present and not vouched
/// for by the virtio header, the UDP checksum are checked here. One worker owns it; allocation-free after opening.
/// </para>
/// </summary>
public sealed unsafe class UnderlayTap : IUnderlayReceiver, IDisposable
{
    private const int EthernetLength = 14;
    private const int OuterV4 = EthernetLength + 20 + 8;
    private const int VxlanLength = 8;
    private const ushort EtherTypeV4 = 0x0800;
    private const ushort EtherTypeV6 = 0x86DD;
    /// <summary>A UDP_L4 super-packet (datagrams GRO'd by the kernel) holds at most this many datagrams.</summary>
    private const int MaxSplit = 64;
    /// <summary>Packets the TAP holds for us before the kernel drops (its default is 500).</summary>
    public const int QueueLength = 4096;

    private int _fd;
    private readonly IpAddr _local;
    private readonly MacAddress _sourceMac;
    private readonly VxlanEncapsulator _encap;
    private readonly VxlanSettings _settings;
    private readonly int _underlayMtu;
    private volatile IReadOnlyDictionary<IpAddr, MacAddress> _neighbours = new Dictionary<IpAddr, MacAddress>();
    private int _rxHandle = -1;
    private ushort _ipId;

    private UnderlayTap(int fd, string name, string? ns, IpAddr local, MacAddress sourceMac, VxlanSettings settings, int underlayMtu, bool outerChecksum)
    {
        _fd = fd;
        Name = name;
        Namespace = ns;
        _local = local;
        _sourceMac = sourceMac;
        _settings = settings;
        // The kernel fills in the outer UDP checksum per segment (or leaves it partial): never sum 64 KB here.
        _encap = new VxlanEncapsulator(settings with { ChecksumByKernel = true });
        _underlayMtu = underlayMtu;
        OuterChecksum = outerChecksum;
    }

    public int Fd => _fd;
    public string Name { get; }
    public string? Namespace { get; }
    /// <summary>The kernel took TUN_F_UDP_TUNNEL_GSO_CSUM: super-frames may carry an outer UDP checksum.</summary>
    public bool OuterChecksum { get; }

    public long TxSuperFrames { get; private set; }
    public long TxBytes { get; private set; }
    /// <summary>Super-frames left to the UDP path because the remote's next-hop MAC is not known yet.</summary>
    public long TxNoNeighbour { get; private set; }
    public long TxDropped { get; private set; }
    public long TxErrors { get; private set; }
    public long RxSuperFrames { get; private set; }
    public long RxPackets { get; private set; }
    public long RxBytes { get; private set; }
    /// <summary>Packets read here that were not ours or not valid VXLAN over UDP (bad header, checksum, address, port, fragment).</summary>
    public long RxInvalid { get; private set; }
    public long RxNoBuffers { get; private set; }
    public long RxErrors { get; private set; }
    public int LastErrno { get; private set; }

    /// <summary>
    /// Creates the TAP <paramref name="name"/> in <paramref name="ns"/> (null: here) with a 24-byte virtio header and
    /// TSO/USO inside UDP tunnels, and brings it up. Throws <see cref="NotSupportedException"/> when the kernel has no
    /// UDP-tunnel GSO on TAPs, <see cref="LinuxIoException"/> for any other failed step.
    /// </summary>
    /// <param name="sourceMac">The underlay device's MAC: our frames leave with it as their source.</param>
    /// <param name="underlayMtu">The underlay device's MTU: each segment the kernel cuts must fit.</param>
    public static UnderlayTap Open(string name, string? ns, IpAddr local, MacAddress sourceMac, VxlanSettings settings, int underlayMtu)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(settings);
        if (local.IsNone) throw new ArgumentException("the underlay TAP needs a local address", nameof(local));
        return ns is null
            ? OpenHere(name, null, local, sourceMac, settings, underlayMtu)
            : NetworkNamespace.Run(ns, () => OpenHere(name, ns, local, sourceMac, settings, underlayMtu));
    }

    private static UnderlayTap OpenHere(string name, string? ns, IpAddr local, MacAddress sourceMac, VxlanSettings settings, int underlayMtu)
    {
        string where = ns is null ? "" : " in netns " + ns;
        int fd = TapDevice.OpenTun(name, where);
        try
        {
            name = TapDevice.SetInterface(fd, name, Tun.IFF_TAP | Tun.IFF_NO_PI | Tun.IFF_VNET_HDR | Tun.IFF_TUN_EXCL, where);
            int size = VirtioTunnelHeader.Size;
            if (Libc.Ioctl(fd, Tun.TUNSETVNETHDRSZ, &size) != 0) throw LinuxIoException.FromLastError($"TUNSETVNETHDRSZ {name}{where}");
            const uint plain = Tun.TUN_F_CSUM | Tun.TUN_F_TSO4 | Tun.TUN_F_TSO6 | Tun.TUN_F_TSO_ECN | Tun.TUN_F_USO4 | Tun.TUN_F_USO6;
            bool outerChecksum = true;
            if (Libc.Ioctl(fd, Tun.TUNSETOFFLOAD, (void*)(nuint)(plain | Tun.TUN_F_UDP_TUNNEL_GSO | Tun.TUN_F_UDP_TUNNEL_GSO_CSUM)) != 0)
            {
                outerChecksum = false;
                if (Libc.Ioctl(fd, Tun.TUNSETOFFLOAD, (void*)(nuint)(plain | Tun.TUN_F_UDP_TUNNEL_GSO)) != 0)
                {
                    throw new NotSupportedException($"the kernel refuses UDP-tunnel GSO on TAP {name}{where} (TUN_F_UDP_TUNNEL_GSO needs Linux 6.18): errno {Errno.Last}");
                }
            }
            using (var control = new InterfaceControl(where))
            {
                // tc queues what it hands us here: the room a socket buffer would give, not the default 500.
                control.SetTxQueueLength(name, QueueLength);
                control.SetUp(name);
            }
            DisableIpv6(name);
            var tap = new UnderlayTap(fd, name, ns, local, sourceMac, settings, underlayMtu, outerChecksum);
            fd = -1;
            return tap;
        }
        finally
        {
            if (fd >= 0) Libc.Close(fd);
        }
    }

    /// <summary>No IPv6 of its own on the TAP: its router and multicast-listener chatter would only be read back here
    /// as invalid packets. Runs in the TAP's namespace (/proc/sys/net is the opener's). Best effort.</summary>
    private static void DisableIpv6(string name)
    {
        try
        {
            File.WriteAllText($"/proc/sys/net/ipv6/conf/{name}/disable_ipv6", "1");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No IPv6 in this kernel or namespace: nothing to quiet.
        }
    }

    /// <summary>Replaces the next-hop MACs of the remote VTEPs (from the kernel's neighbour table). Any thread; the
    /// map must not change afterwards.</summary>
    public void SetNeighbours(IReadOnlyDictionary<IpAddr, MacAddress> neighbours)
    {
        ArgumentNullException.ThrowIfNull(neighbours);
        _neighbours = neighbours;
    }

    /// <summary>The next-hop MAC for <paramref name="remote"/>, if known.</summary>
    public bool TryGetNeighbour(IpAddr remote, out MacAddress mac) => _neighbours.TryGetValue(remote, out mac);

    /// <summary>
    /// Sends the super-frame at <paramref name="frameOffset"/> of <paramref name="handle"/> (borrowed; the headroom in
    /// front of it is overwritten) to <paramref name="remote"/> in one write, encapsulated for <paramref name="vni"/>.
    /// <paramref name="header"/> is the frame's own virtio header as its TAP gave it (a TSO or USO super-frame with
    /// NEEDS_CSUM). False, with nothing written, when this path cannot take it; true once it was written or dropped
    /// (counted).
    /// </summary>
    public bool TrySend(PacketBufferPool pool, int handle, int frameOffset, int frameLength, in VirtioNetHeader header, uint vni, IpAddr remote, uint flowHash)
    {
        bool v6 = _local.IsV6;
        if (remote.IsV6 != v6 || !header.IsGso || !header.NeedsChecksum) return false;
        // IPv4: the checksum as configured (udpcsum). IPv6: zero only on request (udp6zerocsumtx), as the kernel.
        bool outerSum = v6 ? !_settings.ZeroChecksumTxV6 : _settings.UdpChecksumV4;
        if (outerSum && !OuterChecksum) return false;
        int ipLength = v6 ? 40 : 20;
        if (frameOffset < VirtioTunnelHeader.Size + EthernetLength + ipLength + 8 + VxlanLength) return false;
        int udpLength = 8 + VxlanLength + frameLength;
        if ((v6 ? udpLength : ipLength + udpLength) > ushort.MaxValue) return false;
        var buffer = pool.Span(handle);
        var frame = buffer.Slice(frameOffset, frameLength);
        if (FrameLayout.TryParse(frame, out FrameLayout layout) != FrameParse.Ok) return false;
        bool matches = header.GsoKind switch
        {
            VirtioNetHeader.GsoTcpV4 => layout.IsTcp && !layout.IsV6,
            VirtioNetHeader.GsoTcpV6 => layout.IsTcp && layout.IsV6,
            VirtioNetHeader.GsoUdpL4 => !layout.IsTcp,
            _ => false,
        };
        if (!matches || header.ChecksumStart != layout.TransportOffset) return false;
        // Every segment the kernel cuts must fit the underlay.
        if (_underlayMtu > 0 && ipLength + 8 + VxlanLength + layout.PayloadOffset + header.GsoSize > _underlayMtu) return false;
        if (!_neighbours.TryGetValue(remote, out MacAddress nextHop))
        {
            TxNoNeighbour++;
            return false;
        }

        int ip = _encap.Encapsulate(buffer, frameOffset, frameLength, vni, remote, flowHash);
        if (ip < 0) return false;
        int outer = frameOffset - ip + EthernetLength; // Ethernet + IP + UDP + VXLAN
        if (!v6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(ip + 4), _ipId++);
            FixIpv4Checksum(buffer.Slice(ip, 20));
        }
        if (outerSum)
        {
            // SKB_GSO_UDP_TUNNEL_CSUM: the field holds the folded pseudo-header sum over the whole length.
            ulong pseudo = v6
                ? InternetChecksum.PseudoHeaderV6(buffer.Slice(ip + 8, 16), buffer.Slice(ip + 24, 16), 17, udpLength)
                : InternetChecksum.PseudoHeaderV4(_local.V4, remote.V4, 17, udpLength);
            BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(ip + ipLength + 6), InternetChecksum.FoldToUInt16(pseudo));
        }
        int eth = ip - EthernetLength;
        nextHop.Write(buffer.Slice(eth));
        _sourceMac.Write(buffer.Slice(eth + 6));
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(eth + 12), v6 ? EtherTypeV6 : EtherTypeV4);

        var tunnel = new VirtioTunnelHeader(
            new VirtioNetHeader(
                (byte)(VirtioNetHeader.FlagNeedsChecksum | (outerSum ? VirtioTunnelHeader.FlagUdpTunnelChecksum : 0)),
                (byte)(header.GsoType | (v6 ? VirtioTunnelHeader.GsoUdpTunnelV6 : VirtioTunnelHeader.GsoUdpTunnelV4)),
                (ushort)(outer + layout.PayloadOffset),
                header.GsoSize,
                (ushort)(outer + layout.TransportOffset),
                header.ChecksumOffset),
            OuterTransportOffset: (ushort)(EthernetLength + ipLength),
            InnerNetworkOffset: (ushort)(outer + layout.NetworkOffset));
        int start = eth - VirtioTunnelHeader.Size;
        tunnel.Write(buffer.Slice(start, VirtioTunnelHeader.Size));
        int total = VirtioTunnelHeader.Size + outer + frameLength;
        nint n;
        do n = Libc.Write(_fd, pool.Pointer(handle) + start, (nuint)total);
        while (n < 0 && Errno.Last == Errno.EINTR);
        if (n < 0)
        {
            int errno = Errno.Last;
            LastErrno = errno;
            if (errno is Errno.EAGAIN or Errno.ENOBUFS) TxDropped++;
            else TxErrors++;
            return true;
        }
        TxSuperFrames++;
        TxBytes += outer + frameLength;
        return true;
    }

    /// <summary>
    /// Reads what the tc rule handed over until none is left or <paramref name="batch"/> is nearly full. Appends, as
    /// the UDP socket would, each VXLAN datagram from its VXLAN header on with its source address and port; an inner
    /// super-frame (or a frame whose inner L4 checksum is still partial) keeps its virtio header in
    /// <see cref="PacketBatch.Headers"/>, with offsets counted from the inner Ethernet header. Returns how many
    /// packets were appended; the batch owns their buffers.
    /// </summary>
    public int Receive(PacketBufferPool pool, PacketBatch batch)
    {
        int added = 0;
        while (batch.Free >= MaxSplit)
        {
            if (_rxHandle < 0 && !pool.TryRentLarge(out _rxHandle))
            {
                _rxHandle = -1;
                RxNoBuffers++;
                break;
            }
            int start = PacketBufferPool.Headroom - VirtioTunnelHeader.Size;
            int capacity = pool.LargeSize - start;
            nint n = Libc.Read(_fd, pool.Pointer(_rxHandle) + start, (nuint)capacity);
            if (n < 0)
            {
                int errno = Errno.Last;
                if (errno == Errno.EINTR) continue;
                if (errno != Errno.EAGAIN)
                {
                    RxErrors++;
                    LastErrno = errno;
                }
                break;
            }
            if (n == 0) break;
            RxPackets++;
            if (n <= VirtioTunnelHeader.Size || n >= capacity)
            {
                RxInvalid++;
                continue;
            }
            var buffer = pool.Span(_rxHandle);
            var header = VirtioTunnelHeader.Read(buffer.Slice(start, VirtioTunnelHeader.Size));
            var frame = buffer.Slice(PacketBufferPool.Headroom, (int)n - VirtioTunnelHeader.Size);
            RxBytes += frame.Length;
            added += Take(pool, batch, frame, header);
        }
        return added;
    }

    private int Take(PacketBufferPool pool, PacketBatch batch, Span<byte> frame, in VirtioTunnelHeader header)
    {
        if (!TryParseOuter(frame, header, out Outer o))
        {
            RxInvalid++;
            return 0;
        }
        int innerStart = o.Payload + VxlanLength;
        var plain = header.Plain;
        if (header.IsTunnelGso)
        {
            int checksumStart = plain.ChecksumStart - innerStart;
            int innerNetwork = header.InnerNetworkOffset - innerStart;
            if (!plain.NeedsChecksum || innerNetwork < EthernetLength || checksumStart <= innerNetwork || innerStart + checksumStart >= o.End)
            {
                RxInvalid++;
                return 0;
            }
            var inner = new VirtioNetHeader(
                VirtioNetHeader.FlagNeedsChecksum,
                header.InnerGsoType,
                (ushort)Math.Max(0, plain.HeaderLength - innerStart),
                plain.GsoSize,
                (ushort)checksumStart,
                plain.ChecksumOffset);
            batch.Add(_rxHandle, PacketBufferPool.Headroom + o.Payload, o.End - o.Payload, inner, o.Peer, o.PeerPort);
            _rxHandle = -1; // the batch owns it now
            RxSuperFrames++;
            return 1;
        }
        if (plain.GsoKind == VirtioNetHeader.GsoUdpL4)
        {
            // Datagrams the kernel's UDP GRO merged: one outer header, then gso_size bytes of payload each.
            int size = plain.GsoSize;
            if (size <= 0)
            {
                RxInvalid++;
                return 0;
            }
            int added = 0;
            for (int at = o.Payload; at < o.End && !batch.IsFull; at += size)
            {
                added += CopyOut(pool, batch, frame.Slice(at, Math.Min(size, o.End - at)), VirtioNetHeader.None, o);
            }
            return added;
        }
        if (plain.IsGso)
        {
            RxInvalid++;
            return 0;
        }
        var kept = VirtioNetHeader.None;
        if (plain.NeedsChecksum && plain.ChecksumStart >= innerStart)
        {
            // A single frame whose inner checksum the sender left partial (the kernel does so over veth).
            kept = new VirtioNetHeader(VirtioNetHeader.FlagNeedsChecksum, VirtioNetHeader.GsoNone, 0, 0,
                (ushort)(plain.ChecksumStart - innerStart), plain.ChecksumOffset);
        }
        return CopyOut(pool, batch, frame.Slice(o.Payload, o.End - o.Payload), kept, o);
    }

    private int CopyOut(PacketBufferPool pool, PacketBatch batch, ReadOnlySpan<byte> datagram, in VirtioNetHeader header, in Outer o)
    {
        if (datagram.Length > pool.SmallFrameCapacity || !pool.TryRent(out int small))
        {
            RxNoBuffers++;
            return 0;
        }
        datagram.CopyTo(pool.Span(small).Slice(PacketBufferPool.Headroom));
        batch.Add(small, PacketBufferPool.Headroom, datagram.Length, header, o.Peer, o.PeerPort);
        return 1;
    }

    private readonly record struct Outer(IpAddr Peer, ushort PeerPort, int Payload, int End);

    /// <summary>Checks the outer headers of a frame read here; <c>Payload</c> is where the VXLAN header starts. What
    /// follows the UDP header is the switch's to judge (a short or bad VXLAN header is counted there by reason, as for
    /// a datagram from the socket).</summary>
    private bool TryParseOuter(Span<byte> frame, in VirtioTunnelHeader header, out Outer outer)
    {
        outer = default;
        if (frame.Length < OuterV4) return false;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(12));
        int l3 = EthernetLength;
        int udp, end;
        IpAddr peer;
        bool v6;
        if (type == EtherTypeV4)
        {
            var ip = frame.Slice(l3);
            int ihl = (ip[0] & 0x0F) * 4;
            if (ip[0] >> 4 != 4 || ihl < 20 || ip.Length < ihl + 8 || ip[9] != 17) return false;
            if (!InternetChecksum.IsValid(ip.Slice(0, ihl))) return false;
            if ((BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(6)) & 0x3FFF) != 0) return false; // a fragment
            if (!_local.IsV4 || BinaryPrimitives.ReadUInt32BigEndian(ip.Slice(16)) != _local.V4) return false;
            int total = BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(2));
            if (total < ihl + 8 || l3 + total > frame.Length) return false;
            peer = IpAddr.ReadV4(ip.Slice(12, 4));
            udp = l3 + ihl;
            end = l3 + total;
            v6 = false;
        }
        else if (type == EtherTypeV6)
        {
            var ip = frame.Slice(l3);
            if (ip.Length < 40 + 8 || ip[0] >> 4 != 6 || ip[6] != 17 || !_local.IsV6) return false;
            if (IpAddr.ReadV6(ip.Slice(24, 16)) != _local) return false;
            int payload = BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(4));
            if (payload < 8 || l3 + 40 + payload > frame.Length) return false;
            peer = IpAddr.ReadV6(ip.Slice(8, 16));
            udp = l3 + 40;
            end = l3 + 40 + payload;
            v6 = true;
        }
        else
        {
            return false;
        }
        var u = frame.Slice(udp, end - udp);
        if (BinaryPrimitives.ReadUInt16BigEndian(u.Slice(2)) != _settings.DestinationPort) return false;
        var plain = header.Plain;
        bool vouched = header.IsTunnelGso || plain.IsGso || (plain.Flags & (VirtioNetHeader.FlagNeedsChecksum | VirtioNetHeader.FlagDataValid)) != 0;
        if (!vouched)
        {
            // A single datagram nobody checked: its UDP length must match, and a checksum present must hold (a zero
            // checksum is taken over IPv6 too, as our socket takes it).
            if (BinaryPrimitives.ReadUInt16BigEndian(u.Slice(4)) != u.Length) return false;
            ushort checksum = BinaryPrimitives.ReadUInt16BigEndian(u.Slice(6));
            if (checksum != 0)
            {
                var ipHeader = frame.Slice(l3);
                ulong pseudo = v6
                    ? InternetChecksum.PseudoHeaderV6(ipHeader.Slice(8, 16), ipHeader.Slice(24, 16), 17, u.Length)
                    : InternetChecksum.PseudoHeaderV4(BinaryPrimitives.ReadUInt32BigEndian(ipHeader.Slice(12)), _local.V4, 17, u.Length);
                if (!InternetChecksum.IsValid(u, pseudo)) return false;
            }
        }
        outer = new Outer(peer, BinaryPrimitives.ReadUInt16BigEndian(u), udp + 8, end);
        return true;
    }

    private static void FixIpv4Checksum(Span<byte> header)
    {
        BinaryPrimitives.WriteUInt16BigEndian(header.Slice(10), 0);
        BinaryPrimitives.WriteUInt16BigEndian(header.Slice(10), InternetChecksum.Compute(header));
    }

    /// <summary>Returns the receive buffer held between reads (the worker's pool outlives the device).</summary>
    public void ReleaseBuffers(PacketBufferPool pool)
    {
        if (_rxHandle >= 0) pool.Return(_rxHandle);
        _rxHandle = -1;
    }

    public void Dispose()
    {
        int fd = _fd;
        _fd = -1;
        if (fd >= 0) Libc.Close(fd);
    }
}
