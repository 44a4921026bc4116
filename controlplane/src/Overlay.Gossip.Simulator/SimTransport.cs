using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Simulator;

/// <summary>A node's transport in the simulator: hands message records to the network, which delivers them to
/// the receiving node after the link's delay (no encoding; sizes come from the node's sizer).</summary>
internal sealed class SimTransport(SimulatedNetwork network, SimHost host) : IGossipTransport
{
    public GossipEndPoint LocalEndPoint => host.EndPoint;

    public bool SupportsStreamPing => true;

    public void SendPacket(GossipEndPoint to, IReadOnlyList<object> messages) => network.SendPacket(host, to, messages);

    public void BeginPushPull(GossipEndPoint to, PushPullMessage local, long exchangeId, TimeSpan timeout) =>
        network.BeginPushPull(host, to, local, exchangeId, timeout);

    public void BeginStreamPing(GossipEndPoint to, Ping ping, TimeSpan timeout) =>
        network.BeginStreamPing(host, to, ping, timeout);
}
