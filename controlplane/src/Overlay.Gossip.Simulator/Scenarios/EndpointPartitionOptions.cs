using Overlay.ControlPlane.Endpoints;

namespace Overlay.Gossip.Simulator.Scenarios;

/// <summary>Parameters of <see cref="EndpointPartitionScenario"/>.</summary>
public sealed record EndpointPartitionOptions
{
    public int Nodes { get; init; } = 128;
    public int Seed { get; init; } = 1;
    public GossipOptions Gossip { get; init; } = GossipOptions.Lan;
    public EndpointTableOptions Table { get; init; } = new();
    /// <summary>How long the halves stay apart (long enough for each to declare the other dead).</summary>
    public TimeSpan PartitionDuration { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>Longest wait after the heal for one membership view and one endpoint table.</summary>
    public TimeSpan HealLimit { get; init; } = TimeSpan.FromMinutes(15);
}
