using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Tests;

/// <summary>Records what a node sends; nothing is delivered unless a test does it.</summary>
internal sealed class FakeTransport(GossipEndPoint local, bool streamPings = true) : IGossipTransport
{
    public GossipEndPoint LocalEndPoint => local;

    public bool SupportsStreamPing => streamPings;

    public List<(GossipEndPoint To, IReadOnlyList<object> Messages)> Packets { get; } = new();

    public List<(GossipEndPoint To, PushPullMessage State, long Id)> PushPulls { get; } = new();

    public List<(GossipEndPoint To, Ping Ping)> StreamPings { get; } = new();

    public void SendPacket(GossipEndPoint to, IReadOnlyList<object> messages) => Packets.Add((to, messages));

    public void BeginPushPull(GossipEndPoint to, PushPullMessage local, long exchangeId, TimeSpan timeout) =>
        PushPulls.Add((to, local, exchangeId));

    public void BeginStreamPing(GossipEndPoint to, Ping ping, TimeSpan timeout) => StreamPings.Add((to, ping));

    /// <summary>Every message of type T sent so far, with its destination.</summary>
    public IEnumerable<(GossipEndPoint To, T Message)> Sent<T>() =>
        Packets.SelectMany(p => p.Messages.OfType<T>().Select(m => (p.To, m)));

    public void Clear()
    {
        Packets.Clear();
        PushPulls.Clear();
        StreamPings.Clear();
    }
}
