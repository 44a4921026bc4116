using System.Collections.Concurrent;
using Overlay.Gossip.Membership;

namespace Overlay.Gossip.Net.Tests;

/// <summary>Records what the node tells its delegate (called on the node thread, read from the test's). Like
/// Serf or NetworkDB it passes news on: a user message it has not seen before is broadcast again, since the core
/// spends a broadcast's few transmits on whichever members it picks and does not relay.</summary>
internal sealed class RecordingDelegate : IGossipDelegate
{
    private readonly HashSet<string> _seen = new();

    /// <summary>The node to rebroadcast through; set once the node exists. Null: record only.</summary>
    public GossipNode? Node { get; set; }

    public ConcurrentQueue<byte[]> UserMessages { get; } = new();

    public ConcurrentQueue<byte[]> RemoteStates { get; } = new();

    public ConcurrentQueue<Member> Joins { get; } = new();

    public ConcurrentQueue<Member> Leaves { get; } = new();

    public byte[]? State { get; init; }

    public Action<byte[]>? OnUserMessage { get; init; }

    public void NotifyUserMessage(byte[] payload)
    {
        UserMessages.Enqueue(payload);
        OnUserMessage?.Invoke(payload);
        string key = Convert.ToBase64String(payload);
        if (Node is not null && _seen.Add(key))
        {
            Node.Broadcast(key, payload);
        }
    }

    /// <summary>Broadcasts <paramref name="payload"/> as news of our own (on the node thread).</summary>
    public void Originate(GossipNode node, byte[] payload)
    {
        string key = Convert.ToBase64String(payload);
        _seen.Add(key);
        node.Broadcast(key, payload);
    }

    public byte[]? LocalState(bool join) => State;

    public void MergeRemoteState(byte[] state, bool join) => RemoteStates.Enqueue(state);

    public void NotifyJoin(in Member member) => Joins.Enqueue(member);

    public void NotifyLeave(in Member member) => Leaves.Enqueue(member);

    public bool Received(byte[] payload) => UserMessages.Any(m => m.AsSpan().SequenceEqual(payload));
}
