namespace Overlay.Gossip.Simulator.Scenarios;

/// <summary>Figures from one <see cref="ClusterScenario"/> run. Times are simulated; null means "did not happen
/// before the scenario gave up".</summary>
public sealed record ClusterScenarioResult
{
    /// <summary>What ran on the nodes: "stand-in" (<see cref="SimDelegate"/>) or "endpoint-table".</summary>
    public string Application { get; init; } = "stand-in";
    public int Nodes { get; init; }
    public int Seed { get; init; }
    public TimeSpan JoinWindow { get; init; }
    public int WarmNodes { get; init; }
    /// <summary>From the seed's start until every member saw all N alive.</summary>
    public TimeSpan? JoinConverged { get; init; }
    public TimeSpan JoinBound { get; init; }
    public TimeSpan? QueuesDrained { get; init; }
    /// <summary>Broadcasts still queued cluster-wide when the broadcast was measured (join leftovers).</summary>
    public long QueuedAtBroadcast { get; init; }
    /// <summary>Idle (probe) traffic per node per second before the broadcast.</summary>
    public TrafficRate Baseline { get; init; }
    public TimeSpan? BroadcastT50 { get; init; }
    public TimeSpan? BroadcastT99 { get; init; }
    public TimeSpan? BroadcastT100 { get; init; }
    public TimeSpan BroadcastBound { get; init; }
    public TimeSpan BroadcastWindow { get; init; }
    /// <summary>All traffic per node per second from the broadcast until everyone had it.</summary>
    public TrafficRate DuringBroadcast { get; init; }
    public TimeSpan SerfT50 { get; init; }
    public TimeSpan SerfT99 { get; init; }
    public TimeSpan SerfT9999 { get; init; }
    public double SerfMaxBytesPerNodePerSecond { get; init; }
    /// <summary>From the kill until the first member had the victim dead.</summary>
    public TimeSpan? FirstDead { get; init; }
    /// <summary>From the kill until every other member had the victim dead.</summary>
    public TimeSpan? AllDead { get; init; }
    public TimeSpan FailureBound { get; init; }
    public TimeSpan FailureLowerBound { get; init; }
    public int FalseDeadDeclarations { get; init; }
    /// <summary>Endpoint table only: members other than the publisher whose dataplane installed the endpoint once
    /// it had reached every table.</summary>
    public int? EndpointInstalled { get; init; }
    /// <summary>Endpoint table only: live members whose dataplane still pointed at the killed member once all had
    /// it dead.</summary>
    public int? VictimEntriesLeft { get; init; }
    public TimeSpan SimulatedTime { get; init; }
    public TimeSpan WallTime { get; init; }
    public long Events { get; init; }
}
