using Overlay.Gossip.Membership;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip;

// Dissemination: every packet we send carries queued broadcasts in its spare bytes (piggybacking), and every
// GossipInterval the queue is offered to GossipNodes random members (dead ones too, for GossipToTheDeadTime).
public sealed partial class GossipNode
{
    private enum MemberFilter : byte
    {
        /// <summary>Not us; alive, suspect, or dead/left for at most GossipToTheDeadTime.</summary>
        GossipTarget,
        /// <summary>Alive, not us, not the excluded index.</summary>
        AliveExcept,
    }

    private readonly List<int> _sizes = new();

    /// <summary>The retransmit limit for the current cluster size.</summary>
    private int TransmitLimit => GossipMath.RetransmitLimit(_options.RetransmitMult, _members.Count);

    private void Gossip(long now)
    {
        Metrics.GossipRounds++;
        if (_broadcasts.Count == 0)
        {
            return;
        }
        Span<int> targets = stackalloc int[_options.GossipNodes];
        int count = RandomMembers(targets, MemberFilter.GossipTarget, -1, now);
        int budget = _options.UdpBufferSize - _sizer.PacketOverhead - _sizer.CompoundHeaderOverhead;
        for (int t = 0; t < count; t++)
        {
            var messages = new List<object>();
            _sizes.Clear();
            _broadcasts.Fill(messages, _sizes, _sizer.CompoundEntryOverhead, budget, TransmitLimit);
            if (messages.Count == 0)
            {
                return;
            }
            Send(MemberIdentity.EndPoint(_members[targets[t]].Identity), messages);
        }
    }

    private void SendWithPiggyback(GossipEndPoint to, object message)
    {
        var messages = new List<object>(4) { message };
        _sizes.Clear();
        _sizes.Add(_sizer.SizeOf(message));
        int budget = _options.UdpBufferSize - _sizer.PacketOverhead - _sizer.CompoundHeaderOverhead - _sizes[0] - _sizer.CompoundEntryOverhead;
        _broadcasts.Fill(messages, _sizes, _sizer.CompoundEntryOverhead, budget, TransmitLimit);
        Send(to, messages);
    }

    /// <summary>Sends <paramref name="first"/> and <paramref name="second"/> in one packet, without queued
    /// broadcasts.</summary>
    private void SendOnly(GossipEndPoint to, object first, object second)
    {
        _sizes.Clear();
        _sizes.Add(_sizer.SizeOf(first));
        _sizes.Add(_sizer.SizeOf(second));
        Send(to, [first, second]);
    }

    /// <summary>Sends <paramref name="messages"/>, whose sizes are in <see cref="_sizes"/>.</summary>
    private void Send(GossipEndPoint to, List<object> messages)
    {
        bool compound = messages.Count > 1;
        int bytes = _sizer.PacketOverhead + (compound ? _sizer.CompoundHeaderOverhead : 0);
        for (int i = 0; i < messages.Count; i++)
        {
            int size = _sizes[i];
            bytes += size + (compound ? _sizer.CompoundEntryOverhead : 0);
            Metrics.CountSent(MessageTypes.Of(messages[i]), size);
        }
        Metrics.PacketsSent++;
        Metrics.PacketBytesSent += bytes;
        _transport.SendPacket(to, messages);
    }

    /// <summary>Up to <c>into.Length</c> distinct random members passing <paramref name="filter"/>: random
    /// sampling (at most 3N draws, as memberlist's kRandomNodes), then a scan from a random offset if that left
    /// places empty, so small clusters always find every eligible member. Returns how many were found.</summary>
    private int RandomMembers(Span<int> into, MemberFilter filter, int exclude, long now = 0)
    {
        int n = _members.Count;
        int found = 0;
        int deadCutoff = SecondsSinceEpoch(now) - (int)Math.Ceiling(_options.GossipToTheDeadTime.TotalSeconds);
        for (int tries = 0; tries < 3 * n && found < into.Length; tries++)
        {
            int i = _random.Next(n);
            if (Eligible(i, filter, exclude, deadCutoff) && !into[..found].Contains(i))
            {
                into[found++] = i;
            }
        }
        if (found < into.Length && n > 0)
        {
            int start = _random.Next(n);
            for (int step = 0; step < n && found < into.Length; step++)
            {
                int i = (start + step) % n;
                if (Eligible(i, filter, exclude, deadCutoff) && !into[..found].Contains(i))
                {
                    into[found++] = i;
                }
            }
        }
        return found;
    }

    private bool Eligible(int i, MemberFilter filter, int exclude, int deadCutoff)
    {
        ref MemberSlot slot = ref _members[i];
        bool ok = filter switch
        {
            MemberFilter.GossipTarget => !slot.IsDeadOrLeft || slot.StateChangeSeconds >= deadCutoff,
            _ => slot.State == NodeStateKind.Alive && i != exclude,
        };
        return ok && !string.Equals(slot.Name, Name, StringComparison.Ordinal);
    }
}
