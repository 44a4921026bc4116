using System.Collections.Concurrent;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Net.Tests;

/// <summary>A transport that only records, for driving a runner on fake time.</summary>
internal sealed class RecordingTransport : IGossipTransport
{
    public GossipEndPoint LocalEndPoint { get; } = GossipEndPoint.FromIPv4(0x7F000001, 7946);

    public bool SupportsStreamPing => false;

    public ConcurrentQueue<(GossipEndPoint To, IReadOnlyList<object> Messages)> Packets { get; } = new();

    public ConcurrentQueue<long> PushPulls { get; } = new();

    public void SendPacket(GossipEndPoint to, IReadOnlyList<object> messages) => Packets.Enqueue((to, messages));

    public void BeginPushPull(GossipEndPoint to, PushPullMessage local, long exchangeId, TimeSpan timeout) => PushPulls.Enqueue(exchangeId);

    public void BeginStreamPing(GossipEndPoint to, Ping ping, TimeSpan timeout)
    {
    }
}
