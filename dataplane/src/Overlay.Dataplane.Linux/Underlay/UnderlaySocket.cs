using Overlay.Dataplane.Linux.Native;
using Overlay.Dataplane.Ports;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Underlay;

/// <summary>
/// The outside port for one address family: a UDP socket bound to the local VTEP address and port receives with
/// one recvmmsg per batch; a raw socket with a caller-built IP header (IPPROTO_RAW, i.e. IP_HDRINCL /
/// IPV6_HDRINCL) sends whole outer packets with one sendmmsg per batch, so the caller chooses the outer UDP source
/// port per flow. One worker owns it: Receive and Send are not thread-safe. Packet-path errors are counted,
/// never thrown.
/// </summary>
public sealed unsafe partial class UnderlaySocket : IOutsidePort, IDisposable
{
    private int _rxFd;
    private int _txFd;
    private readonly int _family;
    private readonly MessageVector _rx;
    private readonly MessageVector _tx;
    private readonly int[] _rxHandles;
    private readonly UdpGroReceiver? _gro;
    private readonly UdpGsoTransmitter? _gso;

    private UnderlaySocket(int rxFd, int txFd, UnderlayOptions options, ushort port, int receiveBuffer, int sendBuffer,
        bool gro, UdpGsoTransmitter? gso)
    {
        _gro = gro ? new UdpGroReceiver(Math.Max(1, options.MaxBatch / UdpGroReceiver.MaxSegments) + 1) : null;
        _gso = gso;
        _rxFd = rxFd;
        _txFd = txFd;
        _family = options.LocalAddress.IsV4 ? Sock.AF_INET : Sock.AF_INET6;
        LocalAddress = options.LocalAddress;
        LocalPort = port;
        Namespace = options.Namespace;
        MaxBatch = options.MaxBatch;
        ReceiveBufferBytes = receiveBuffer;
        SendBufferBytes = sendBuffer;
        _rx = new MessageVector(options.MaxBatch);
        _tx = new MessageVector(options.MaxBatch);
        _rxHandles = new int[options.MaxBatch];
    }

    /// <summary>The receive (UDP) socket, for polling. -1 after <see cref="Dispose"/>.</summary>
    public int Fd => _rxFd;

    /// <summary>The transmit (raw) socket.</summary>
    public int SendFd => _txFd;

    public IpAddr LocalAddress { get; }
    public ushort LocalPort { get; }
    public bool IsIPv6 => _family == Sock.AF_INET6;
    public string? Namespace { get; }
    public int MaxBatch { get; }

    /// <summary>SO_RCVBUF / SO_SNDBUF as the kernel reports them (it doubles what was asked).</summary>
    public int ReceiveBufferBytes { get; }
    public int SendBufferBytes { get; }

    public long RxDatagrams { get; private set; }
    public long RxBytes { get; private set; }
    /// <summary>Datagrams longer than their buffer (MSG_TRUNC); dropped.</summary>
    public long RxTruncated { get; private set; }
    /// <summary>Receives skipped or cut short because the pool had no buffer left.</summary>
    public long RxNoBuffers { get; private set; }
    public long RxErrors { get; private set; }
    /// <summary>recvmmsg system calls made.</summary>
    public long RxCalls { get; private set; }

    public long TxSent { get; private set; }
    public long TxBytes { get; private set; }
    /// <summary>Packets refused with EMSGSIZE (longer than the route MTU).</summary>
    public long TxOversize { get; private set; }
    /// <summary>Packets dropped because the socket buffer was full (EAGAIN, ENOBUFS).</summary>
    public long TxWouldBlock { get; private set; }
    /// <summary>Packets whose peer is not an address of this socket's family.</summary>
    public long TxBadPeer { get; private set; }
    /// <summary>Packets refused for any other reason (no route, EPERM from a firewall, ...).</summary>
    public long TxErrors { get; private set; }
    /// <summary>sendmmsg system calls made.</summary>
    public long TxCalls { get; private set; }
    /// <summary>The errno of the last failed send or receive, 0 if none.</summary>
    public int LastErrno { get; private set; }

    /// <summary>True when the receive socket coalesces with UDP_GRO.</summary>
    public bool GroEnabled => _gro is not null;

    /// <summary>The UDP GSO transmitter, when transmitting through it.</summary>
    public UdpGsoTransmitter? GsoTransmitter => _gso;

    public void Dispose()
    {
        _gro?.Dispose();
        _gso?.Dispose();
        Libc.CloseOnce(ref _rxFd);
        Libc.CloseOnce(ref _txFd);
        _rx.Dispose();
        _tx.Dispose();
    }

    public override string ToString() =>
        $"underlay {(IsIPv6 ? "[" + LocalAddress + "]" : LocalAddress.ToString())}:{LocalPort}{(Namespace is null ? "" : " in netns " + Namespace)}";
}
