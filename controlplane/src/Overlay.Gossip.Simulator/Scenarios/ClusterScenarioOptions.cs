namespace Overlay.Gossip.Simulator.Scenarios;

/// <summary>Parameters of the join + broadcast + failure-detection scenario.</summary>
public sealed record ClusterScenarioOptions
{
    public int Nodes { get; init; } = 1000;
    public int Seed { get; init; } = 1;
    public GossipOptions Gossip { get; init; } = GossipOptions.Lan;
    public LinkModel Link { get; init; } = LinkModel.Lan;
    /// <summary>Members start evenly spread over this window, each joining through the one seed (host 0).</summary>
    public TimeSpan JoinWindow { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Members (hosts 0..WarmNodes-1, seed included) that start as an already converged cluster; the
    /// others join cold through the seed. 0: everyone joins cold. A cold join costs about N² R messages, so the
    /// 10,000-node benchmark joins its last members into a warm cluster.</summary>
    public int WarmNodes { get; init; }
    /// <summary>Bytes of the broadcast value (an endpoint entry: network, MAC, IP, VTEP and a little more).</summary>
    public int BroadcastValueBytes { get; init; } = 64;
    /// <summary>Idle time measured for the background (probe) traffic before the broadcast.</summary>
    public TimeSpan BaselineWindow { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Longest wait for the join broadcasts to drain before the broadcast is measured.</summary>
    public TimeSpan DrainLimit { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Run the real control plane on every node (<see cref="EndpointApplication"/>: the endpoint table
    /// and its gossip delegate) instead of the stand-in <see cref="SimDelegate"/>; the broadcast is then an
    /// endpoint published through it (<see cref="BroadcastValueBytes"/> does not apply), and the killed member owns
    /// an endpoint every dataplane must withdraw.</summary>
    public bool EndpointTables { get; init; }
}
