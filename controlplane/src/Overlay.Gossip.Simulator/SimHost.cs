using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Simulator;

/// <summary>One simulated machine: a fixed name and address, and the <see cref="GossipNode"/> currently running
/// on it (a new one after every restart).</summary>
public sealed class SimHost
{
    internal SimHost(int index, string name, GossipEndPoint endPoint)
    {
        Index = index;
        Name = name;
        EndPoint = endPoint;
    }

    public int Index { get; }

    public string Name { get; }

    public GossipEndPoint EndPoint { get; }

    /// <summary>The running node, or the last one if the host is down.</summary>
    public GossipNode? Node { get; internal set; }

    /// <summary>What runs on the node (its gossip delegate), or ran on the last one.</summary>
    public ISimApplication? Application { get; internal set; }

    /// <summary>The stand-in delegate, when the host runs it.</summary>
    public SimDelegate? Delegate => Application as SimDelegate;

    /// <summary>The real control plane, when the host runs it.</summary>
    public EndpointApplication? Endpoints => Application as EndpointApplication;

    /// <summary>The process is running (started and not killed).</summary>
    public bool Up { get; internal set; }

    /// <summary>Bumped on every kill and restart: events addressed to an older life are dropped.</summary>
    internal int Generation { get; set; }

    internal int Restarts { get; set; }

    internal long ScheduledTick { get; set; } = long.MaxValue;

    internal long TickId { get; set; }

    /// <summary>Extra loss on every packet to or from this host (a degraded machine).</summary>
    internal double ExtraLoss { get; set; }

    internal int Group { get; set; }

    public override string ToString() => $"{Name} ({EndPoint}{(Up ? "" : ", down")})";
}
