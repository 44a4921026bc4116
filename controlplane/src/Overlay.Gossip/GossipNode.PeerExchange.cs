using Overlay.Gossip.Membership;
using Overlay.Gossip.Transport;
using Overlay.Gossip.Messages;

namespace Overlay.Gossip;

// A direct push/pull with a member that shares our user state, when it is first seen (or seen in a new life).
// User broadcasts are relayed only by members whose delegate reads them; a member that joins through others (a
// plain memberlist node, say) spends its broadcasts' few transmissions on them, and the members that would read
// the news get it only at a periodic push/pull. Serf and NetworkDB meet the same gap with a push/pull at join; we
// do one with the new member itself, which carries both sides' state both ways.
//
// Bounded for big clusters: the decision is made after a random delay of up to ProbeInterval (so a joiner that
// learns hundreds of members from one push/pull decides for each knowing them all), and taken with probability
// min(1, NewPeerExchanges / n), n being the other such members known then. So a new member gets about
// NewPeerExchanges exchanges from the members that see it, about as many of its own, with members picked at
// random; a cluster of a few such members exchanges pair by pair. The exchange is flagged as a join: each side
// merges the other's state without passing every record it learned on as news.
public sealed partial class GossipNode
{
    private readonly HashSet<string> _statePeers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pendingPeerExchanges = new(StringComparer.Ordinal);

    /// <summary>Members that share our user state and are alive, as last reported to the delegate.</summary>
    public int StatePeerCount => _statePeers.Count;

    private void NoteStatePeer(in Member member, long now)
    {
        if (string.Equals(member.Name, Name, StringComparison.Ordinal) || !_delegate.SharesState(member))
        {
            _statePeers.Remove(member.Name);
            return;
        }
        _statePeers.Add(member.Name);
        if (_options.NewPeerExchanges > 0 && _started && !_stopped && _pendingPeerExchanges.Add(member.Name))
        {
            Arm(TimerKind.NewPeerExchange, now + Stagger(_options.ProbeInterval), target: member.Name);
        }
    }

    private void OnNewPeerExchange(string name, long now)
    {
        _pendingPeerExchanges.Remove(name);
        int i = _members.IndexOf(name);
        if (i < 0 || _members[i].State != NodeStateKind.Alive || !_statePeers.Contains(name))
        {
            return;
        }
        int others = _statePeers.Count - 1;
        if (others > _options.NewPeerExchanges && _random.NextDouble() * others >= _options.NewPeerExchanges)
        {
            return;
        }
        GossipEndPoint to = MemberIdentity.EndPoint(_members[i].Identity);
        if (IsExchanging(to))
        {
            return;
        }
        Metrics.NewPeerExchanges++;
        StartPushPull(to, join: true, now);
    }
}
