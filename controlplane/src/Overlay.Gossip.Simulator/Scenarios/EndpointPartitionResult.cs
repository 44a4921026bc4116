using Overlay.ControlPlane.Endpoints;

namespace Overlay.Gossip.Simulator.Scenarios;

/// <summary>Figures from one <see cref="EndpointPartitionScenario"/> run; times are simulated, null when it
/// did not happen before the scenario gave up.</summary>
public sealed record EndpointPartitionResult
{
    public int Nodes { get; init; }
    /// <summary>From the partition until each side saw exactly itself alive.</summary>
    public TimeSpan? Split { get; init; }
    /// <summary>From the heal until every member saw all N alive and none suspect.</summary>
    public TimeSpan? MembershipHealed { get; init; }
    /// <summary>From the heal until, in addition, every member's endpoint table held the same writes.</summary>
    public TimeSpan? TablesHealed { get; init; }
    /// <summary>Every write made (publishes and withdrawals), in order, for checking who won.</summary>
    public IReadOnlyList<EndpointRecord> Writes { get; init; } = [];
    /// <summary>The network as the scenario left it, for inspection.</summary>
    public required SimulatedNetwork Network { get; init; }
    public TimeSpan WallTime { get; init; }
}
