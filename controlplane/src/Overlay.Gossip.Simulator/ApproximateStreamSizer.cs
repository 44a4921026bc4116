using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Simulator;

/// <summary>
/// The simulator's sizer: packets are sized exactly by <see cref="EstimatedMessageSizer"/>; a push/pull is sized
/// from its first node state times the count (the simulated names all have the same length), because sizing
/// 10,000 records per exchange four times would dominate a 10,000-node run.
/// </summary>
public sealed class ApproximateStreamSizer(IMessageSizer inner) : IMessageSizer
{
    public int PacketOverhead => inner.PacketOverhead;

    public int CompoundHeaderOverhead => inner.CompoundHeaderOverhead;

    public int CompoundEntryOverhead => inner.CompoundEntryOverhead;

    public int SizeOf(object message) => message is PushPullMessage state ? SizeOf(state) : inner.SizeOf(message);

    public int SizeOf(PushPullMessage state)
    {
        if (state.Nodes.Count <= 1)
        {
            return inner.SizeOf(state);
        }
        int one = inner.SizeOf(new PushPullMessage([state.Nodes[0]], null, state.Join));
        int empty = inner.SizeOf(new PushPullMessage([], null, state.Join));
        return empty + (one - empty) * state.Nodes.Count + (state.UserState?.Length ?? 0);
    }
}
