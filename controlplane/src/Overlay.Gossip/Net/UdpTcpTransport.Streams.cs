using System.Net;
using System.Net.Sockets;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Security;
using Overlay.Gossip.Transport;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Net;

// Served streams (TCP), memberlist's handleConn: accept (allow-list, concurrency cap), then under one deadline
// read the label and the one message, hand it to the node thread, write the answer sealed, close.
public sealed partial class UdpTcpTransport
{
    private int _inboundStreams;

    private async Task AcceptLoopAsync()
    {
        CancellationToken closing = _closing.Token;
        while (!closing.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _tcp.AcceptAsync(closing).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || closing.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                // Out of descriptors or a connection reset before accept: back off a little and go on.
                Counters.Drop(TransportDropReason.StreamError);
                await Task.Delay(TimeSpan.FromMilliseconds(10), _time, CancellationToken.None).ConfigureAwait(false);
                continue;
            }
            Admit(connection);
        }
    }

    private void Admit(Socket connection)
    {
        IPEndPoint remote;
        try
        {
            remote = (IPEndPoint)connection.RemoteEndPoint!;
        }
        catch (SocketException)
        {
            Counters.Drop(TransportDropReason.StreamError); // reset between accept and now
            connection.Dispose();
            return;
        }
        if (!_filter.Allows(SocketAddresses.AddressBytes(remote)))
        {
            Counters.Drop(TransportDropReason.PeerNotAllowed);
            Abort(connection);
            return;
        }
        if (Interlocked.Increment(ref _inboundStreams) > _options.MaxInboundStreams)
        {
            Interlocked.Decrement(ref _inboundStreams);
            Counters.Drop(TransportDropReason.TooManyStreams);
            Abort(connection);
            return;
        }
        Counters.StreamAccepted();
        _ = ServeAsync(connection, GossipEndPoint.FromIPEndPoint(remote));
    }

    private async Task ServeAsync(Socket connection, GossipEndPoint from)
    {
        using var deadline = new CancellationTokenSource(_options.StreamTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, _closing.Token);
        try
        {
            connection.NoDelay = true;
            StreamRead read = await StreamMessageReader.ReadAsync(connection, _security, _limits, expectLabel: true, linked.Token)
                .ConfigureAwait(false);
            if (!Accept(read))
            {
                return;
            }
            GossipRunner? runner = Volatile.Read(ref _runner);
            if (runner is null)
            {
                Counters.Drop(TransportDropReason.NotRunning);
                return;
            }
            byte[]? reply = null;
            switch (read.Message.Body)
            {
                case PushPullState state:
                {
                    PushPullMessage? local = await runner.ServePushPullAsync(from, ToMessage(state)).WaitAsync(linked.Token).ConfigureAwait(false);
                    if (local is not null)
                    {
                        reply = StreamEnvelope.Seal(StreamCodec.EncodePushPull(local.Join, local.Nodes, local.UserState), _security);
                    }
                    break;
                }
                case Ping ping:
                    if (await runner.ServeStreamPingAsync(from, ping).WaitAsync(linked.Token).ConfigureAwait(false))
                    {
                        reply = StreamEnvelope.Seal(MemberlistCodec.Encode(new AckResp(ping.SeqNo, null)), _security);
                    }
                    break;
                case byte[] user:
                    // memberlist's SendReliable: a user message over a stream, no answer.
                    if (!runner.TryPostPacket(from, [new UserMessage(user)]))
                    {
                        Counters.Drop(TransportDropReason.QueueFull);
                    }
                    break;
                default:
                    Counters.Drop(TransportDropReason.UnexpectedType);
                    break;
            }
            if (reply is not null)
            {
                await SendAllAsync(connection, reply, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Counters.Drop(TransportDropReason.StreamTimeout);
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            Counters.Drop(TransportDropReason.StreamError);
        }
        catch (Exception e)
        {
            Report(e);
        }
        finally
        {
            connection.Dispose();
            Interlocked.Decrement(ref _inboundStreams);
        }
    }

    /// <summary>Counts a failed read or a replayed message; true when the message may be used.</summary>
    private bool Accept(in StreamRead read)
    {
        if (read.Error != WireError.None)
        {
            Counters.Drop(read.Error);
            return false;
        }
        if (read.Nonce is { } nonce && _replays is not null && !_replays.TryAccept(nonce))
        {
            Counters.Drop(TransportDropReason.Replayed);
            return false;
        }
        return true;
    }

    /// <summary>A push/pull as the node takes it: members whose address is not an IP address or is outside the
    /// allowed networks dropped (memberlist checks alive addresses against CIDRsAllowed), protocol versions learned
    /// for the CRC decision.</summary>
    private PushPullMessage ToMessage(PushPullState state)
    {
        IReadOnlyList<PushNodeState> nodes = state.Nodes;
        bool clean = true;
        foreach (PushNodeState node in nodes)
        {
            clean &= node.Addr is { Length: 4 or 16 } && _filter.Allows(node.Addr);
        }
        if (!clean)
        {
            var allowed = new List<PushNodeState>(nodes.Count);
            foreach (PushNodeState node in nodes)
            {
                if (node.Addr is not { Length: 4 or 16 })
                {
                    Counters.Drop(TransportDropReason.BadAddress);
                }
                else if (!_filter.Allows(node.Addr))
                {
                    Counters.Drop(TransportDropReason.MemberNotAllowed);
                }
                else
                {
                    allowed.Add(node);
                }
            }
            nodes = allowed;
        }
        foreach (PushNodeState node in nodes)
        {
            _versions.Learn(node.Addr, node.Port, node.Vsn);
        }
        return new PushPullMessage(nodes, state.UserState, state.Header.Join);
    }

    private static async ValueTask SendAllAsync(Socket connection, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            int sent = await connection.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    /// <summary>Closes a refused connection at once, with a reset rather than a lingering close.</summary>
    private static void Abort(Socket connection)
    {
        try
        {
            connection.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
        }
        connection.Dispose();
    }
}
