using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Simulator.Scenarios;

/// <summary>Cluster-wide sums of node counters at one instant; subtract two to get a window's traffic.</summary>
public readonly record struct TrafficSnapshot(long Messages, long Bytes, long UserMessages, long UserBytes, long Packets, long StreamBytes)
{
    public static TrafficSnapshot Take(SimulatedNetwork network)
    {
        long messages = 0, bytes = 0, user = 0, userBytes = 0, packets = 0, stream = 0;
        foreach (SimHost host in network.Hosts)
        {
            if (host.Node is not { } node)
            {
                continue;
            }
            GossipMetrics m = node.Metrics;
            messages += m.TotalMessagesSent;
            bytes += m.PacketBytesSent;
            user += m.MessagesSent(MessageType.User);
            userBytes += m.BytesSent(MessageType.User);
            packets += m.PacketsSent;
            stream += m.StreamBytesSent;
        }
        return new TrafficSnapshot(messages, bytes, user, userBytes, packets, stream);
    }

    public static TrafficSnapshot operator -(TrafficSnapshot a, TrafficSnapshot b) => new(
        a.Messages - b.Messages, a.Bytes - b.Bytes, a.UserMessages - b.UserMessages, a.UserBytes - b.UserBytes,
        a.Packets - b.Packets, a.StreamBytes - b.StreamBytes);

    /// <summary>Per node per second over <paramref name="window"/>.</summary>
    public TrafficRate PerNodePerSecond(int nodes, TimeSpan window)
    {
        double d = nodes * Math.Max(window.TotalSeconds, 1e-9);
        return new TrafficRate(Messages / d, Bytes / d, UserMessages / d, UserBytes / d, Packets / d, StreamBytes / d);
    }
}

/// <summary>Messages, bytes (UDP payload incl. compound overhead), user messages and bytes, packets and stream
/// bytes, each sent per node per second.</summary>
public readonly record struct TrafficRate(double Messages, double Bytes, double UserMessages, double UserBytes, double Packets, double StreamBytes);
