using Overlay.Gossip.Membership;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip;

// Anti-entropy: a full state exchange (members and user state) with one random member every PushPullInterval,
// with every seed on Join, and again with seeds that are not alive members every RejoinInterval, so two halves
// of a partitioned cluster find each other once the network heals.
public sealed partial class GossipNode
{
    private readonly Dictionary<long, Exchange> _exchanges = new();
    private GossipEndPoint[] _seeds = [];
    private long _exchangeIds;

    /// <summary>Joins a cluster through <paramref name="seeds"/> (push/pull with each, results arrive through
    /// <see cref="CompletePushPull"/>). The seeds are kept and re-joined while they are not alive members.
    /// Returns how many exchanges were started.</summary>
    public int Join(IEnumerable<GossipEndPoint> seeds)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        if (!_started || _stopped)
        {
            throw new InvalidOperationException($"gossip node {Name} must be started before it joins");
        }
        _seeds = seeds.Where(s => s != EndPoint).Distinct().ToArray();
        long now = Now;
        foreach (GossipEndPoint seed in _seeds)
        {
            StartPushPull(seed, join: true, now);
        }
        return _seeds.Length;
    }

    /// <summary>Serves a push/pull exchange a remote member started: returns our state (as it was before merging)
    /// and merges theirs.</summary>
    public PushPullMessage HandlePushPull(GossipEndPoint from, PushPullMessage remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        PushPullMessage local = LocalState(remote.Join);
        if (_stopped)
        {
            return local;
        }
        Metrics.PushPullsServed++;
        Metrics.StreamBytesReceived += _sizer.SizeOf(remote);
        Metrics.StreamBytesSent += _sizer.SizeOf(local);
        MergeRemoteState(remote);
        return local;
    }

    /// <summary>Outcome of a <see cref="IGossipTransport.BeginPushPull"/>: the remote state, or null if the
    /// exchange failed. Late or repeated completions are ignored.</summary>
    public void CompletePushPull(long exchangeId, PushPullMessage? remote)
    {
        if (_stopped || !_exchanges.Remove(exchangeId, out Exchange exchange))
        {
            return;
        }
        if (remote is null)
        {
            Metrics.PushPullFailures++;
            return;
        }
        Metrics.StreamBytesReceived += _sizer.SizeOf(remote);
        MergeRemoteState(remote);
        if (exchange.Join)
        {
            SuccessfulJoins++;
        }
    }

    private void PushPullWithRandomMember(long now)
    {
        Span<int> target = stackalloc int[1];
        if (RandomMembers(target, MemberFilter.AliveExcept, -1) == 1)
        {
            StartPushPull(MemberIdentity.EndPoint(_members[target[0]].Identity), join: false, now);
        }
    }

    private void RejoinSeeds(long now)
    {
        foreach (GossipEndPoint seed in _seeds)
        {
            if (!IsAliveMember(seed) && !IsExchanging(seed))
            {
                StartPushPull(seed, join: true, now);
            }
        }
    }

    private bool IsAliveMember(GossipEndPoint endPoint)
    {
        for (int i = 0; i < _members.Count; i++)
        {
            ref MemberSlot slot = ref _members[i];
            if (slot.State == NodeStateKind.Alive && MemberIdentity.Port(slot.Identity) == endPoint.Port
                && endPoint.Matches(MemberIdentity.Addr(slot.Identity), endPoint.Port))
            {
                return true;
            }
        }
        return false;
    }

    private bool IsExchanging(GossipEndPoint endPoint)
    {
        foreach (Exchange exchange in _exchanges.Values)
        {
            if (exchange.To == endPoint)
            {
                return true;
            }
        }
        return false;
    }

    private void StartPushPull(GossipEndPoint to, bool join, long now)
    {
        long id = ++_exchangeIds;
        PushPullMessage local = LocalState(join);
        _exchanges[id] = new Exchange(to, join);
        Arm(TimerKind.ExchangeTimeout, now + _options.TcpTimeout.Ticks, id);
        Metrics.PushPullsStarted++;
        Metrics.StreamBytesSent += _sizer.SizeOf(local);
        _transport.BeginPushPull(to, local, id, _options.TcpTimeout);
    }

    private void OnExchangeTimeout(long id)
    {
        if (_exchanges.Remove(id))
        {
            Metrics.PushPullFailures++;
        }
    }

    private PushPullMessage LocalState(bool join)
    {
        var nodes = new PushNodeState[_members.Count];
        for (int i = 0; i < nodes.Length; i++)
        {
            ref MemberSlot slot = ref _members[i];
            // Reuse the record when it already says what we believe. A stale PushNodeState identity is replaced
            // by the new one (both are ours alone); an Alive identity is kept, as other nodes may share it.
            if (slot.Identity is PushNodeState cached && cached.Incarnation == slot.Incarnation && cached.State == slot.State)
            {
                nodes[i] = cached;
                continue;
            }
            object id = slot.Identity;
            var state = new PushNodeState(MemberIdentity.Name(id), MemberIdentity.Addr(id), MemberIdentity.Port(id),
                MemberIdentity.Meta(id), slot.Incarnation, slot.State, MemberIdentity.Vsn(id));
            if (id is PushNodeState)
            {
                slot.Identity = state;
            }
            nodes[i] = state;
        }
        return new PushPullMessage(nodes, _delegate.LocalState(join), join);
    }

    /// <summary>memberlist mergeState: alive is taken as alive, left as a leave, and dead only as suspect: we
    /// prefer to check for ourselves before declaring anyone dead.</summary>
    private void MergeRemoteState(PushPullMessage remote)
    {
        foreach (PushNodeState r in remote.Nodes)
        {
            switch (r.State)
            {
                case NodeStateKind.Alive:
                    AliveNode(r, r.Incarnation, bootstrap: false);
                    break;
                case NodeStateKind.Left:
                    if (IsNewsAgainst(r))
                    {
                        DeadNode(new Dead(r.Incarnation, r.Name, r.Name));
                    }
                    break;
                case NodeStateKind.Dead:
                case NodeStateKind.Suspect:
                    if (IsNewsAgainst(r))
                    {
                        SuspectNode(new Suspect(r.Incarnation, r.Name, Name));
                    }
                    break;
            }
        }
        if (remote.UserState is { Length: > 0 } userState)
        {
            _delegate.MergeRemoteState(userState, remote.Join);
        }
    }

    /// <summary>Cheap pre-check before allocating a suspect/dead record for a remote state: is the member known,
    /// not older than what we have, and not already settled as dead?</summary>
    private bool IsNewsAgainst(PushNodeState r)
    {
        int i = _members.IndexOf(r.Name);
        return i >= 0 && r.Incarnation >= _members[i].Incarnation && !_members[i].IsDeadOrLeft;
    }

    private readonly record struct Exchange(GossipEndPoint To, bool Join);
}
