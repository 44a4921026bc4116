using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Net;

// The work queue: what other threads (the transport's socket threads and tasks, the control path) hand to the
// node's thread. Every item is a value; requests that want an answer carry a completion source whose
// continuations run off the node thread.
public sealed partial class GossipRunner
{
    /// <summary>In a StreamPingDone item's Arg, above the 32-bit sequence number.</summary>
    private const long AckedFlag = 1L << 32;

    private enum WorkKind : byte
    {
        Packet,
        ServePushPull,
        ServeStreamPing,
        PushPullDone,
        StreamPingDone,
        Call,
        Stop,
    }

    private readonly record struct Work(WorkKind Kind, GossipEndPoint From, object? Body, long Arg);

    /// <summary>A received packet for <see cref="GossipNode.ReceivePacket"/>. False (drop it) when the queue
    /// already holds <see cref="GossipRunnerOptions.MaxQueuedPackets"/> packets or the runner has stopped.</summary>
    internal bool TryPostPacket(GossipEndPoint from, IReadOnlyList<object> messages)
    {
        if (Interlocked.Increment(ref _queuedPackets) > _options.MaxQueuedPackets)
        {
            Interlocked.Decrement(ref _queuedPackets);
            return false;
        }
        if (!TryPost(new Work(WorkKind.Packet, from, messages, 0)))
        {
            Interlocked.Decrement(ref _queuedPackets);
            return false;
        }
        return true;
    }

    /// <summary>Serves a push/pull a peer started: our state, or null if the runner is not running.</summary>
    internal Task<PushPullMessage?> ServePushPullAsync(GossipEndPoint from, PushPullMessage remote)
    {
        var request = new Request<PushPullMessage?>(remote);
        if (!TryPost(new Work(WorkKind.ServePushPull, from, request, 0)))
        {
            request.TrySetResult(null);
        }
        return request.Task;
    }

    /// <summary>Answers a stream ping: true to ack.</summary>
    internal Task<bool> ServeStreamPingAsync(GossipEndPoint from, Ping ping)
    {
        var request = new Request<bool>(ping);
        if (!TryPost(new Work(WorkKind.ServeStreamPing, from, request, 0)))
        {
            request.TrySetResult(false);
        }
        return request.Task;
    }

    internal void PostPushPullDone(long exchangeId, PushPullMessage? remote) =>
        TryPost(new Work(WorkKind.PushPullDone, default, remote, exchangeId));

    internal void PostStreamPingDone(uint seqNo, bool acked) =>
        TryPost(new Work(WorkKind.StreamPingDone, default, null, seqNo | (acked ? AckedFlag : 0)));

    private bool TryPost(in Work work)
    {
        if (Volatile.Read(ref _state) >= StateStopped)
        {
            return false;
        }
        _queue.Enqueue(work);
        if (Volatile.Read(ref _state) >= StateStopped)
        {
            // The loop may have drained for the last time before this item arrived: settle it here.
            FailPending();
        }
        else
        {
            _wake.Set();
        }
        return true;
    }

    /// <summary>Runs one item on the node thread. A node exception is reported and the item's requester gets a
    /// failure answer; the loop goes on.</summary>
    private void Execute(in Work work)
    {
        try
        {
            switch (work.Kind)
            {
                case WorkKind.Packet:
                    Interlocked.Decrement(ref _queuedPackets);
                    _node.ReceivePacket(work.From, (IReadOnlyList<object>)work.Body!);
                    break;
                case WorkKind.ServePushPull:
                {
                    var request = (Request<PushPullMessage?>)work.Body!;
                    request.TrySetResult(_node.HandlePushPull(work.From, (PushPullMessage)request.Input));
                    break;
                }
                case WorkKind.ServeStreamPing:
                {
                    var request = (Request<bool>)work.Body!;
                    request.TrySetResult(_node.HandleStreamPing(work.From, (Ping)request.Input));
                    break;
                }
                case WorkKind.PushPullDone:
                    _node.CompletePushPull(work.Arg, (PushPullMessage?)work.Body);
                    break;
                case WorkKind.StreamPingDone:
                    _node.CompleteStreamPing((uint)work.Arg, (work.Arg & AckedFlag) != 0);
                    break;
                case WorkKind.Call:
                    ((Call)work.Body!).Run(_node);
                    break;
                case WorkKind.Stop:
                    BeginStop(leave: work.Arg != 0);
                    break;
            }
        }
        catch (Exception e)
        {
            Report(e);
            switch (work.Body)
            {
                case Request<PushPullMessage?> pushPull:
                    pushPull.TrySetResult(null);
                    break;
                case Request<bool> ping:
                    ping.TrySetResult(false);
                    break;
            }
        }
    }

    /// <summary>After the loop has ended: answer whatever is still queued so no caller waits forever.</summary>
    private void FailPending()
    {
        while (_queue.TryDequeue(out Work work))
        {
            switch (work.Kind)
            {
                case WorkKind.Packet:
                    Interlocked.Decrement(ref _queuedPackets);
                    break;
                case WorkKind.ServePushPull:
                    ((Request<PushPullMessage?>)work.Body!).TrySetResult(null);
                    break;
                case WorkKind.ServeStreamPing:
                    ((Request<bool>)work.Body!).TrySetResult(false);
                    break;
                case WorkKind.Call:
                    ((Call)work.Body!).Fail(new ObjectDisposedException(nameof(GossipRunner), $"the gossip runner of {_node.Name} has stopped"));
                    break;
            }
        }
    }

    /// <summary>A request from a socket task answered on the node thread.</summary>
    private sealed class Request<T>(object input) : TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public object Input { get; } = input;
    }

    /// <summary>A control-path call (<see cref="InvokeAsync{T}"/>): its exceptions go to its task, not the log.</summary>
    private abstract class Call
    {
        public abstract void Run(GossipNode node);

        public abstract void Fail(Exception error);
    }

    private sealed class Call<T>(Func<GossipNode, T> function) : Call
    {
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Run(GossipNode node)
        {
            try
            {
                Completion.TrySetResult(function(node));
            }
            catch (Exception e)
            {
                Completion.TrySetException(e);
            }
        }

        public override void Fail(Exception error) => Completion.TrySetException(error);
    }
}
