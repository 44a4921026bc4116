using System.Net;
using System.Net.Sockets;
using Overlay.Gossip.Security;
using Overlay.Gossip.Transport;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Net;

// Packets (UDP). Receive thread: label -> decrypt -> CRC (PacketEnvelope) -> replay check -> compound/compress
// (MessageWalker) -> records -> node queue. Node thread: records -> payload (PacketWriter) -> seal -> sendto on a
// non-blocking socket, so a full send buffer drops the packet (counted) instead of stalling the node.
public sealed partial class UdpTcpTransport
{
    /// <summary>Largest UDP payload over IPv4.</summary>
    private const int MaxDatagram = 65507;
    private const int MaxCachedAddresses = 4096;
    private static readonly TimeSpan ReceivePoll = TimeSpan.FromMilliseconds(250);

    // Node thread only.
    private readonly PacketWriter _packets;
    private readonly byte[] _sealed;
    private readonly Dictionary<GossipEndPoint, SocketAddress> _sendAddresses = new();

    /// <summary>Whether packets to <paramref name="to"/> get the CRC header (it announced protocol 5 or later).</summary>
    internal bool SendsCrcTo(GossipEndPoint to) => _versions.WantsCrc(to);

    public void SendPacket(GossipEndPoint to, IReadOnlyList<object> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }
        bool crc = _versions.WantsCrc(to);
        int index = 0;
        while (index < messages.Count)
        {
            WireError e = _packets.TryWriteNext(messages, ref index, out ReadOnlySpan<byte> payload);
            if (e == WireError.Empty)
            {
                break;
            }
            if (e != WireError.None)
            {
                Counters.Drop(TransportDropReason.SendTooLarge);
                continue;
            }
            e = PacketEnvelope.TrySeal(payload, _security, crc, _sealed, out int length);
            if (e != WireError.None)
            {
                Counters.Drop(e);
                continue;
            }
            Send(to, _sealed.AsSpan(0, length));
        }
    }

    private void Send(GossipEndPoint to, ReadOnlySpan<byte> packet)
    {
        if (!_sendAddresses.TryGetValue(to, out SocketAddress? address))
        {
            if (_sendAddresses.Count >= MaxCachedAddresses)
            {
                _sendAddresses.Clear();
            }
            address = SocketAddresses.For(to, _udp.AddressFamily);
            _sendAddresses[to] = address;
        }
        try
        {
            _udp.SendTo(packet, SocketFlags.None, address);
            Counters.PacketSent(packet.Length);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.NoBufferSpaceAvailable)
        {
            Counters.Drop(TransportDropReason.SendBufferFull);
        }
        catch (Exception e) when (e is SocketException or ArgumentException or NotSupportedException)
        {
            // Unreachable, no route, or an address family this socket cannot reach (IPv6 peer, IPv4 socket).
            Counters.Drop(TransportDropReason.SendFailed);
        }
        catch (ObjectDisposedException)
        {
            // Closing.
        }
    }

    private void ReceiveLoop()
    {
        var packet = new byte[MaxDatagram + 1];
        var scratch = new byte[MaxDatagram + 1];
        var from = new SocketAddress(_udp.AddressFamily);
        CancellationToken closing = _closing.Token;
        while (!closing.IsCancellationRequested)
        {
            try
            {
                if (!_udp.Poll(ReceivePoll, SelectMode.SelectRead))
                {
                    continue;
                }
                // Drain what is queued before polling again.
                while (!closing.IsCancellationRequested)
                {
                    int length;
                    try
                    {
                        length = _udp.ReceiveFrom(packet, SocketFlags.None, from);
                    }
                    catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
                    {
                        break;
                    }
                    catch (SocketException e) when (e.SocketErrorCode == SocketError.MessageSize)
                    {
                        Counters.Drop(TransportDropReason.TooLarge);
                        continue;
                    }
                    catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
                    {
                        continue; // an ICMP error for an earlier send, reported on some platforms
                    }
                    Ingest(packet.AsSpan(0, length), from, scratch);
                }
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException) when (closing.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Report(e);
            }
        }
    }

    /// <summary>One datagram: everything that can go wrong with it is counted here, and at most one work item
    /// (its records) reaches the node.</summary>
    private void Ingest(ReadOnlySpan<byte> packet, SocketAddress source, Span<byte> scratch)
    {
        Span<byte> address = stackalloc byte[16];
        if (!SocketAddresses.TryRead(source, address, out int addressLength, out GossipEndPoint from)
            || !_filter.Allows(address[..addressLength]))
        {
            Counters.Drop(TransportDropReason.PeerNotAllowed);
            return;
        }
        Counters.PacketReceived(packet.Length);
        if (packet.IsEmpty)
        {
            Counters.Drop(TransportDropReason.Empty);
            return;
        }
        WireError e = PacketEnvelope.TryOpen(packet, _security, scratch, out ReadOnlySpan<byte> payload);
        if (e != WireError.None)
        {
            Counters.Drop(e);
            return;
        }
        if (_replays is not null && payload.Overlaps(scratch) && !_replays.TryAccept(PacketNonce(packet)))
        {
            Counters.Drop(TransportDropReason.Replayed);
            return;
        }
        var reader = new PacketReader(Counters, _filter, _versions);
        e = MessageWalker.Walk(payload, ref reader, out int truncated);
        if (e != WireError.None)
        {
            Counters.Drop(e);
            return;
        }
        for (int i = 0; i < truncated; i++)
        {
            Counters.Drop(TransportDropReason.Truncated);
        }
        if (reader.Messages is { } messages && Volatile.Read(ref _runner) is { } runner && !runner.TryPostPacket(from, messages))
        {
            Counters.Drop(TransportDropReason.QueueFull);
        }
    }

    /// <summary>The nonce of an encrypted packet: after the label header and the version byte.</summary>
    private ReadOnlySpan<byte> PacketNonce(ReadOnlySpan<byte> packet)
    {
        int start = LabelHeader.Overhead(_security.Label.Length) + PayloadCipher.VersionSize;
        return packet.Slice(start, PayloadCipher.NonceSize);
    }
}
