using Overlay.Gossip.Membership;

namespace Overlay.Gossip.Tests;

internal sealed class RecordingDelegate : IGossipDelegate
{
    public List<(string Event, Member Member)> Events { get; } = new();
    public List<byte[]> UserMessages { get; } = new();
    public List<(byte[] State, bool Join)> Merged { get; } = new();
    public byte[]? State { get; set; }

    public void NotifyJoin(in Member member) => Events.Add(("join", member));
    public void NotifyLeave(in Member member) => Events.Add(("leave", member));
    public void NotifyUpdate(in Member member) => Events.Add(("update", member));
    public void NotifyUserMessage(byte[] payload) => UserMessages.Add(payload);
    public byte[]? LocalState(bool join) => State;
    public void MergeRemoteState(byte[] state, bool join) => Merged.Add((state, join));
}
