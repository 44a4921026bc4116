using Overlay.Gossip.Membership;

namespace Overlay.Gossip;

/// <summary>
/// What rides on the protocol (memberlist's Delegate and EventDelegate in one): node metadata, user messages,
/// the user state exchanged by push/pull, and membership events. Called on the node's thread, from inside
/// <see cref="GossipNode"/> calls; an implementation may call <see cref="GossipNode.Broadcast"/> from a callback
/// (for example to pass on news it just merged) but must not block.
/// </summary>
public interface IGossipDelegate
{
    /// <summary>Metadata sent in this node's alive message, at most <paramref name="limit"/> bytes.</summary>
    byte[]? NodeMeta(int limit) => null;

    /// <summary>A user message arrived (a user broadcast or a direct message). The payload is owned by the
    /// callee. The core does not pass user broadcasts on: a delegate that wants news to reach everyone queues it
    /// again with <see cref="GossipNode.Broadcast"/> when it is new to it, as Serf and NetworkDB do.</summary>
    void NotifyUserMessage(byte[] payload)
    {
    }

    /// <summary>The user state to send in a push/pull exchange (<paramref name="join"/>: the exchange is a join).</summary>
    byte[]? LocalState(bool join) => null;

    /// <summary>The remote side's user state from a push/pull exchange.</summary>
    void MergeRemoteState(byte[] state, bool join)
    {
    }

    /// <summary>A member became alive (new, or back from dead/left).</summary>
    void NotifyJoin(in Member member)
    {
    }

    /// <summary>A member was declared dead (<c>State == Dead</c>) or left gracefully (<c>State == Left</c>).</summary>
    void NotifyLeave(in Member member)
    {
    }

    /// <summary>An alive member's metadata changed.</summary>
    void NotifyUpdate(in Member member)
    {
    }

    /// <summary>Whether <paramref name="member"/> keeps user state this delegate reads (its metadata says so). Such a
    /// member, when first seen or seen with new metadata (a new life), may get a direct push/pull
    /// (<see cref="GossipOptions.NewPeerExchanges"/>): user broadcasts are relayed only by members that read them, so
    /// news sent while other members are around may never reach it otherwise until a periodic push/pull.</summary>
    bool SharesState(in Member member) => false;
}
