using System.Net;
using System.Net.Sockets;
using System.Text;
using Overlay.Gossip.Security;
using Overlay.Gossip.Transport;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Net;

/// <summary>
/// The real gossip transport, wire-compatible with memberlist's NetTransport: one UDP socket (a receive thread
/// opens packets and hands their records to the node thread; sends come from the node thread and never wait) and
/// one TCP listener on the same port (push/pull and stream pings served under a deadline and size limit; our own
/// exchanges dialled with the label prefix). Hostile input is dropped and counted in <see cref="Counters"/>;
/// nothing throws out of a socket thread.
/// </summary>
/// <remarks>Partial files: packets (<c>UdpTcpTransport.Packets.cs</c>), served streams
/// (<c>UdpTcpTransport.Streams.cs</c>), dialled streams (<c>UdpTcpTransport.Dial.cs</c>).</remarks>
public sealed partial class UdpTcpTransport : IGossipTransport, IDisposable
{
    private const int BindAttempts = 10;

    private readonly UdpTcpTransportOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<Exception>? _onError;
    private readonly GossipSecurityOptions _security;
    private readonly StreamLimits _limits;
    private readonly PeerFilter _filter;
    private readonly PeerVersions _versions = new();
    private readonly ReplayWindow? _replays;
    private readonly Socket _udp;
    private readonly Socket _tcp;
    private readonly CancellationTokenSource _closing = new();
    private GossipRunner? _runner;
    private Thread? _receiveThread;
    private Task? _acceptLoop;
    private int _started;
    private int _disposed;

    public UdpTcpTransport(UdpTcpTransportOptions options, TimeProvider? timeProvider = null, Action<Exception>? onError = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _onError = onError;
        Keyring? keyring = options.Keys.Count == 0 ? null : Keyring.Create(options.Keys[0], options.Keys.Skip(1).ToArray());
        _security = new GossipSecurityOptions
        {
            Label = Encoding.UTF8.GetBytes(options.Label),
            Keyring = keyring,
            VerifyIncoming = options.VerifyIncoming,
            VerifyOutgoing = options.VerifyOutgoing,
        };
        _limits = new StreamLimits(options.MaxStreamMessageBytes, options.MaxStreamNodes, options.MaxStreamMessageBytes);
        _filter = new PeerFilter(options.AllowedPeers);
        _replays = keyring is not null && options.ReplayWindow > 0 ? new ReplayWindow(options.ReplayWindow) : null;
        _labelPrefix = StreamEnvelope.LabelPrefix(_security);

        (_tcp, _udp) = Bind(options.BindAddress, options.Port);
        BoundEndPoint = (IPEndPoint)_udp.LocalEndPoint!;
        IPAddress advertise = options.AdvertiseAddress ?? options.BindAddress;
        int advertisePort = options.AdvertisePort != 0 ? options.AdvertisePort : BoundEndPoint.Port;
        LocalEndPoint = GossipEndPoint.FromIPEndPoint(new IPEndPoint(advertise, advertisePort));

        int overhead = PacketEnvelope.Overhead(_security, crc: true);
        Sizer = new EstimatedMessageSizer(overhead);
        _packets = new PacketWriter(MaxDatagram - overhead);
        _sealed = new byte[MaxDatagram];
    }

    public GossipEndPoint LocalEndPoint { get; }

    /// <summary>The address and port the sockets are bound to (the actual port when 0 was asked for).</summary>
    public IPEndPoint BoundEndPoint { get; }

    public bool SupportsStreamPing => true;

    /// <summary>The sizer to create the node with: it budgets packets for this transport's label, encryption and
    /// CRC overhead.</summary>
    public IMessageSizer Sizer { get; }

    public TransportCounters Counters { get; } = new();

    /// <summary>The installed keys, the primary first (copies). Empty without encryption.</summary>
    public IReadOnlyList<byte[]> Keys
    {
        get
        {
            KeySet? keys = _security.Keyring?.Current;
            if (keys is null)
            {
                return [];
            }
            var copy = new byte[keys.Count][];
            for (int i = 0; i < keys.Count; i++)
            {
                copy[i] = keys[i].ToArray();
            }
            return copy;
        }
    }

    /// <summary>Starts receiving: packets and stream requests go to <paramref name="runner"/>'s node thread.
    /// Call before <see cref="GossipRunner.StartAsync"/>.</summary>
    public void Start(GossipRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("the gossip transport was already started");
        }
        Volatile.Write(ref _runner, runner);
        _receiveThread = new Thread(ReceiveLoop) { IsBackground = true, Name = $"gossip udp {BoundEndPoint}" };
        _receiveThread.Start();
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Adds a key for decryption (everyone first installs the new key...).</summary>
    public KeyOperationResult InstallKey(ReadOnlySpan<byte> key) =>
        _security.Keyring is { } ring ? Map(ring.Install(key)) : KeyOperationResult.EncryptionNotEnabled;

    /// <summary>Encrypts with an installed key from now on (...then everyone uses it...).</summary>
    public KeyOperationResult UseKey(ReadOnlySpan<byte> key) =>
        _security.Keyring is { } ring ? Map(ring.Use(key)) : KeyOperationResult.EncryptionNotEnabled;

    /// <summary>Drops a key that is not the primary (...then everyone removes the old one).</summary>
    public KeyOperationResult RemoveKey(ReadOnlySpan<byte> key) =>
        _security.Keyring is { } ring ? Map(ring.Remove(key)) : KeyOperationResult.EncryptionNotEnabled;

    /// <summary>Closes the sockets and ends the receive thread and stream tasks. Stop the runner first for a
    /// graceful leave; disposing the transport of a running node makes it look crashed to the others.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _closing.Cancel();
        _udp.Dispose();
        _tcp.Dispose();
        _receiveThread?.Join(TimeSpan.FromSeconds(2));
        try
        {
            _acceptLoop?.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            // The accept loop reports its own failures.
        }
    }

    private static KeyOperationResult Map(KeyringResult result) => result switch
    {
        KeyringResult.Ok => KeyOperationResult.Ok,
        KeyringResult.InvalidKeySize => KeyOperationResult.InvalidKeySize,
        KeyringResult.NotInstalled => KeyOperationResult.NotInstalled,
        _ => KeyOperationResult.PrimaryKeyRemoval,
    };

    /// <summary>TCP and UDP on one port, TCP first as memberlist does; with port 0 the UDP socket takes the port
    /// TCP got, retried when another process holds it for UDP.</summary>
    private (Socket Tcp, Socket Udp) Bind(IPAddress address, int port)
    {
        for (int attempt = 1; ; attempt++)
        {
            Socket tcp = NewSocket(address, SocketType.Stream, ProtocolType.Tcp);
            Socket? udp = null;
            try
            {
                tcp.Bind(new IPEndPoint(address, port));
                tcp.Listen(128);
                int actual = ((IPEndPoint)tcp.LocalEndPoint!).Port;
                udp = NewSocket(address, SocketType.Dgram, ProtocolType.Udp);
                TrySetBuffers(udp, _options.UdpSocketBufferBytes);
                udp.Bind(new IPEndPoint(address, actual));
                udp.Blocking = false;
                return (tcp, udp);
            }
            catch (SocketException) when (port == 0 && attempt < BindAttempts)
            {
                tcp.Dispose();
                udp?.Dispose();
            }
            catch
            {
                tcp.Dispose();
                udp?.Dispose();
                throw;
            }
        }
    }

    private static Socket NewSocket(IPAddress address, SocketType type, ProtocolType protocol)
    {
        var socket = new Socket(address.AddressFamily, type, protocol);
        if (address.Equals(IPAddress.IPv6Any))
        {
            socket.DualMode = true;
        }
        return socket;
    }

    private static void TrySetBuffers(Socket udp, int bytes)
    {
        if (bytes == 0)
        {
            return;
        }
        try
        {
            udp.ReceiveBufferSize = bytes;
            udp.SendBufferSize = bytes;
        }
        catch (SocketException)
        {
            // The kernel caps it (net.core.rmem_max); what it grants is what we get, as with memberlist.
        }
    }

    /// <summary>For the unexpected: counted, and reported to the error callback (never thrown).</summary>
    private void Report(Exception error)
    {
        Counters.Drop(TransportDropReason.Internal);
        try
        {
            _onError?.Invoke(error);
        }
        catch
        {
            // A failing log callback must not take a socket thread down.
        }
    }
}
