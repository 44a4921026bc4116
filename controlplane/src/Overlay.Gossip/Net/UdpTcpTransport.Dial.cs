using System.Net;
using System.Net.Sockets;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Security;
using Overlay.Gossip.Transport;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Net;

// Dialled streams (TCP), memberlist's pushPullNode and sendPingAndWaitForAck: connect (from our bind address),
// write the label prefix and the one sealed message, read the one answer, all under the node's timeout; the
// outcome goes back to the node thread exactly once. Started off the node thread so it never waits on a socket.
public sealed partial class UdpTcpTransport
{
    private readonly byte[] _labelPrefix;

    public void BeginPushPull(GossipEndPoint to, PushPullMessage local, long exchangeId, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(local);
        if (Volatile.Read(ref _runner) is not { } runner || Volatile.Read(ref _disposed) != 0)
        {
            Counters.Drop(TransportDropReason.NotRunning); // the node's own exchange timeout settles it
            return;
        }
        _ = Task.Run(() => PushPullAsync(runner, to, local, exchangeId, timeout));
    }

    public void BeginStreamPing(GossipEndPoint to, Ping ping, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(ping);
        if (Volatile.Read(ref _runner) is not { } runner || Volatile.Read(ref _disposed) != 0)
        {
            Counters.Drop(TransportDropReason.NotRunning); // the probe deadline settles it
            return;
        }
        _ = Task.Run(() => StreamPingAsync(runner, to, ping, timeout));
    }

    private async Task PushPullAsync(GossipRunner runner, GossipEndPoint to, PushPullMessage local, long exchangeId, TimeSpan timeout)
    {
        PushPullMessage? remote = null;
        try
        {
            byte[] request = StreamCodec.EncodePushPull(local.Join, local.Nodes, local.UserState);
            StreamRead read = await ExchangeAsync(to, request, timeout).ConfigureAwait(false);
            if (Accept(read))
            {
                switch (read.Message.Body)
                {
                    case PushPullState state:
                        remote = ToMessage(state);
                        break;
                    case ErrResp:
                        Counters.Drop(TransportDropReason.RemoteError);
                        break;
                    default:
                        Counters.Drop(TransportDropReason.UnexpectedType);
                        break;
                }
            }
        }
        catch (Exception e)
        {
            CountDialFailure(e);
        }
        finally
        {
            runner.PostPushPullDone(exchangeId, remote);
        }
    }

    private async Task StreamPingAsync(GossipRunner runner, GossipEndPoint to, Ping ping, TimeSpan timeout)
    {
        bool acked = false;
        try
        {
            StreamRead read = await ExchangeAsync(to, MemberlistCodec.Encode(ping), timeout).ConfigureAwait(false);
            if (Accept(read))
            {
                switch (read.Message.Body)
                {
                    case AckResp ack:
                        acked = ack.SeqNo == ping.SeqNo;
                        break;
                    case ErrResp:
                        Counters.Drop(TransportDropReason.RemoteError);
                        break;
                    default:
                        Counters.Drop(TransportDropReason.UnexpectedType);
                        break;
                }
            }
        }
        catch (Exception e)
        {
            CountDialFailure(e);
        }
        finally
        {
            runner.PostStreamPingDone(ping.SeqNo, acked);
        }
    }

    /// <summary>One request and its answer on a new connection, within <paramref name="timeout"/>.</summary>
    internal async Task<StreamRead> ExchangeAsync(GossipEndPoint to, byte[] message, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, _closing.Token);
        IPEndPoint remote = to.ToIPEndPoint();
        using Socket socket = NewDialSocket(remote.AddressFamily);
        Counters.StreamDialed();
        await socket.ConnectAsync(remote, linked.Token).ConfigureAwait(false);
        byte[] sealedMessage = StreamEnvelope.Seal(message, _security);
        byte[] frame = new byte[_labelPrefix.Length + sealedMessage.Length];
        _labelPrefix.CopyTo(frame, 0);
        sealedMessage.CopyTo(frame, _labelPrefix.Length);
        await SendAllAsync(socket, frame, linked.Token).ConfigureAwait(false);
        return await StreamMessageReader.ReadAsync(socket, _security, _limits, expectLabel: false, linked.Token).ConfigureAwait(false);
    }

    /// <summary>A stream socket bound to our bind address (when it is not a wildcard), so the peer sees the
    /// address it knows us by and its allow-list applies to it.</summary>
    private Socket NewDialSocket(AddressFamily family)
    {
        IPAddress bind = _options.BindAddress;
        bool wildcard = bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any);
        if (!wildcard && bind.AddressFamily == family)
        {
            var bound = new Socket(family, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            bound.Bind(new IPEndPoint(bind, 0));
            return bound;
        }
        if (bind.Equals(IPAddress.IPv6Any))
        {
            return new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, DualMode = true };
        }
        return new Socket(family, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    }

    private void CountDialFailure(Exception e)
    {
        switch (e)
        {
            case OperationCanceledException when _closing.IsCancellationRequested:
                break;
            case OperationCanceledException:
                Counters.Drop(TransportDropReason.StreamTimeout);
                break;
            case SocketException or IOException or ObjectDisposedException:
                Counters.Drop(TransportDropReason.StreamError);
                break;
            default:
                Report(e);
                break;
        }
    }
}
