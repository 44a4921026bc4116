using Overlay.Gossip.FailureDetection;
using Overlay.Gossip.Membership;
using Overlay.Gossip.Messages;

namespace Overlay.Gossip;

// The membership state machine (memberlist state.go aliveNode/suspectNode/deadNode/refute): incarnation numbers
// order the news, newer news is re-broadcast, news about ourselves is refuted with a higher incarnation.
public sealed partial class GossipNode
{
    private readonly Dictionary<string, Suspicion> _suspicions = new(StringComparer.Ordinal);

    /// <summary>News that a member is alive. <paramref name="identity"/> is the <see cref="Alive"/> or
    /// <see cref="PushNodeState"/> it came in; <paramref name="bootstrap"/> announces ourselves.</summary>
    private void AliveNode(object identity, uint incarnation, bool bootstrap)
    {
        string name = MemberIdentity.Name(identity);
        // A member must have a usable address (IPv4 or IPv6) and a name; anything else is hostile or broken.
        if (string.IsNullOrEmpty(name) || MemberIdentity.Addr(identity) is not { Length: 4 or 16 })
        {
            Metrics.RejectedAlive++;
            return;
        }
        bool isLocal = string.Equals(name, Name, StringComparison.Ordinal);
        if (_leaving && isLocal)
        {
            return;
        }
        long now = Now;
        int i = _members.IndexOf(name);
        bool updatesNode = false;
        if (i < 0)
        {
            // New members start dead so the transition below is a join.
            i = _members.Add(identity, NodeStateKind.Dead, 0, SecondsSinceEpoch(now), _random);
        }
        else
        {
            ref MemberSlot known = ref _members[i];
            if (!isLocal && incarnation <= known.Incarnation && !known.IsDeadOrLeft)
            {
                return; // old news, the common case: decided without touching the identity record
            }
            if (MemberIdentity.Port(known.Identity) != MemberIdentity.Port(identity)
                || !MemberIdentity.Addr(known.Identity).AsSpan().SequenceEqual(MemberIdentity.Addr(identity)))
            {
                bool canReclaim = _options.DeadNodeReclaimTime > TimeSpan.Zero
                    && SecondsSinceEpoch(now) - known.StateChangeSeconds > _options.DeadNodeReclaimTime.TotalSeconds;
                if (known.State == NodeStateKind.Left || (known.State == NodeStateKind.Dead && canReclaim))
                {
                    updatesNode = true;
                }
                else
                {
                    Metrics.AddressConflicts++;
                    return;
                }
            }
        }

        ref MemberSlot slot = ref _members[i];
        if (incarnation <= slot.Incarnation && !isLocal && !updatesNode)
        {
            return;
        }
        if (incarnation < slot.Incarnation && isLocal)
        {
            return;
        }
        _suspicions.Remove(name);
        NodeStateKind oldState = slot.State;
        byte[]? oldMeta = MemberIdentity.Meta(slot.Identity);

        if (!bootstrap && isLocal)
        {
            // Our own alive message came back. Same incarnation and description: nothing to do. Otherwise a
            // previous life of ours is being talked about: out-bid it.
            if (incarnation == slot.Incarnation
                && MemberIdentity.Meta(identity).AsSpan().SequenceEqual(_meta)
                && MemberIdentity.Vsn(identity).AsSpan().SequenceEqual(_vsn))
            {
                return;
            }
            Refute(ref slot, incarnation);
        }
        else
        {
            Alive message = identity is Alive a && a.Incarnation == incarnation ? a : new Alive(
                incarnation, name, MemberIdentity.Addr(identity), MemberIdentity.Port(identity), MemberIdentity.Meta(identity), MemberIdentity.Vsn(identity));
            QueueMembership(name, message, local: isLocal);
            slot.Incarnation = incarnation;
            slot.Identity = identity;
            if (slot.State != NodeStateKind.Alive)
            {
                SetState(ref slot, NodeStateKind.Alive, now);
            }
        }

        if (oldState is NodeStateKind.Dead or NodeStateKind.Left)
        {
            Metrics.MembersJoined++;
            Member joined = ToMember(in slot);
            _delegate.NotifyJoin(joined);
            NoteStatePeer(joined, now);
        }
        else if (!oldMeta.AsSpan().SequenceEqual(MemberIdentity.Meta(slot.Identity)))
        {
            Member updated = ToMember(in slot);
            _delegate.NotifyUpdate(updated);
            NoteStatePeer(updated, now);
        }
    }

    private void SuspectNode(Suspect s)
    {
        int i = _members.IndexOf(s.Node);
        if (i < 0)
        {
            return;
        }
        ref MemberSlot slot = ref _members[i];
        if (s.Incarnation < slot.Incarnation)
        {
            return;
        }
        long now = Now;
        if (_suspicions.TryGetValue(s.Node, out Suspicion? suspicion))
        {
            // Another member confirms: shorten the timeout and pass the confirmation on.
            if (suspicion.Confirm(s.From, now))
            {
                QueueMembership(s.Node, s, local: false);
                Arm(TimerKind.SuspicionDeadline, suspicion.Deadline, target: s.Node);
            }
            return;
        }
        if (slot.State != NodeStateKind.Alive)
        {
            return;
        }
        if (string.Equals(s.Node, Name, StringComparison.Ordinal))
        {
            Refute(ref slot, s.Incarnation);
            return;
        }
        bool ours = string.Equals(s.From, Name, StringComparison.Ordinal);
        QueueMembership(s.Node, s, local: ours);
        slot.Incarnation = s.Incarnation;
        SetState(ref slot, NodeStateKind.Suspect, now);
        Metrics.MembersSuspected++;
        if (ours)
        {
            Metrics.SuspicionsRaised++;
        }

        // Aim to reach the minimum two probe intervals before SuspicionMult would: k = SuspicionMult - 2
        // confirmations, none if there are not enough other members to give them.
        int n = _members.Count;
        int k = _options.Lifeguard ? _options.SuspicionMult - 2 : 0;
        if (n - 2 < k)
        {
            k = 0;
        }
        TimeSpan min = GossipMath.SuspicionTimeout(_options.SuspicionMult, n, _options.ProbeInterval);
        TimeSpan max = _options.Lifeguard ? min * _options.SuspicionMaxTimeoutMult : min;
        suspicion = new Suspicion(s.From, k, min, max, now, s.Incarnation);
        _suspicions[s.Node] = suspicion;
        Arm(TimerKind.SuspicionDeadline, suspicion.Deadline, target: s.Node);
    }

    private void OnSuspicionDeadline(string name, long now)
    {
        if (!_suspicions.TryGetValue(name, out Suspicion? suspicion) || suspicion.Deadline > now)
        {
            return; // refuted, already dead, or re-armed earlier
        }
        _suspicions.Remove(name);
        int i = _members.IndexOf(name);
        if (i >= 0 && _members[i].State == NodeStateKind.Suspect)
        {
            Metrics.DeadDeclared++;
            DeadNode(new Dead(_members[i].Incarnation, name, Name));
        }
    }

    private void DeadNode(Dead d)
    {
        int i = _members.IndexOf(d.Node);
        if (i < 0)
        {
            return;
        }
        ref MemberSlot slot = ref _members[i];
        if (d.Incarnation < slot.Incarnation)
        {
            return;
        }
        _suspicions.Remove(d.Node);
        if (slot.IsDeadOrLeft)
        {
            return;
        }
        bool isLocal = string.Equals(d.Node, Name, StringComparison.Ordinal);
        if (isLocal && !_leaving)
        {
            Refute(ref slot, d.Incarnation);
            return;
        }
        QueueMembership(d.Node, d, local: isLocal || string.Equals(d.From, Name, StringComparison.Ordinal));
        slot.Incarnation = d.Incarnation;
        bool left = string.Equals(d.Node, d.From, StringComparison.Ordinal);
        SetState(ref slot, left ? NodeStateKind.Left : NodeStateKind.Dead, Now);
        if (left)
        {
            Metrics.MembersLeft++;
        }
        else
        {
            Metrics.MembersDead++;
        }
        _delegate.NotifyLeave(ToMember(in slot));
        _statePeers.Remove(d.Node);
    }

    /// <summary>Out-bids an accusation against us: a higher incarnation, announced as a local broadcast. Being
    /// accused is also a hint that we are the slow one (Lifeguard).</summary>
    private void Refute(ref MemberSlot self, uint accusedIncarnation)
    {
        uint incarnation = ++_incarnation;
        if (accusedIncarnation >= incarnation)
        {
            incarnation = _incarnation = accusedIncarnation + 1;
        }
        self.Incarnation = incarnation;
        if (_options.Lifeguard)
        {
            _awareness.ApplyDelta(1);
        }
        Metrics.Refutations++;
        var alive = new Alive(incarnation, Name, _selfAddr, EndPoint.Port, _meta, _vsn);
        self.Identity = alive;
        QueueMembership(Name, alive, local: true);
    }

    private void SetState(ref MemberSlot slot, NodeStateKind state, long now)
    {
        Count(slot.State, -1);
        Count(state, +1);
        slot.State = state;
        slot.StateChangeSeconds = SecondsSinceEpoch(now);
    }

    private void Count(NodeStateKind state, int delta)
    {
        if (state == NodeStateKind.Alive)
        {
            _aliveCount += delta;
        }
        else if (state == NodeStateKind.Suspect)
        {
            _suspectCount += delta;
        }
    }

    private void QueueMembership(string name, object message, bool local)
    {
        _broadcasts.Enqueue(name, user: false, message, _sizer.SizeOf(message), local);
        Metrics.BroadcastsQueued++;
    }
}
