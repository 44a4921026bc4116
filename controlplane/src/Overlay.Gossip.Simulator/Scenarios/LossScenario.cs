using System.Diagnostics;

namespace Overlay.Gossip.Simulator.Scenarios;

public sealed record LossScenarioOptions
{
    public int Nodes { get; init; } = 128;
    public int Seed { get; init; } = 1;
    public GossipOptions Gossip { get; init; } = GossipOptions.Lan;
    /// <summary>Loss on every link once the cluster has converged.</summary>
    public double Loss { get; init; } = 0.10;
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Hosts (the last ones) that additionally lose <see cref="DegradedLoss"/> of their packets: slow or
    /// overloaded members, the case Lifeguard's local health awareness is for.</summary>
    public int DegradedNodes { get; init; }
    public double DegradedLoss { get; init; }
}

public sealed record LossScenarioResult
{
    public int Nodes { get; init; }
    public double Loss { get; init; }
    public bool Lifeguard { get; init; }
    public TimeSpan Duration { get; init; }
    public int DegradedNodes { get; init; }
    /// <summary>Distinct (member, incarnation) declared dead while the member was up.</summary>
    public int FalseDeadDeclarations { get; init; }
    /// <summary>Distinct live members declared dead at least once.</summary>
    public int FalselyDeadHosts { get; init; }
    /// <summary>(observer, member) pairs that saw a live member dead.</summary>
    public long FalseDeadObservations { get; init; }
    public ClusterStats Stats { get; init; }
    public TrafficRate Traffic { get; init; }
    public TimeSpan WallTime { get; init; }
}

/// <summary>A converged cluster under random loss on every link for a while: how often are live members falsely
/// suspected and declared dead? Run with Lifeguard on and off to compare.</summary>
public static class LossScenario
{
    public static LossScenarioResult Run(LossScenarioOptions o, TextWriter? log = null)
    {
        var wall = Stopwatch.StartNew();
        var net = new SimulatedNetwork(o.Seed, LinkModel.Lan);
        for (int i = 0; i < o.Nodes; i++)
        {
            net.AddHost(o.Gossip);
        }
        TimeSpan? joined = ClusterStats.JoinAll(net, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5));
        if (joined is null)
        {
            throw new InvalidOperationException("the cluster did not converge before the loss phase");
        }
        net.RunFor(TimeSpan.FromSeconds(30));
        int falseDeclarations = net.FalseDeadDeclarations, falseHosts = net.FalselyDeadHosts;
        long falseObservations = net.FalseDeadObservations;
        ClusterStats before = ClusterStats.Take(net);
        TrafficSnapshot traffic = TrafficSnapshot.Take(net);

        net.Link = net.Link with { Loss = o.Loss };
        for (int i = o.Nodes - o.DegradedNodes; i < o.Nodes; i++)
        {
            net.SetExtraLoss(net.Hosts[i], o.DegradedLoss);
        }
        net.RunFor(o.Duration);

        var result = new LossScenarioResult
        {
            Nodes = o.Nodes,
            Loss = o.Loss,
            Lifeguard = o.Gossip.Lifeguard,
            Duration = o.Duration,
            DegradedNodes = o.DegradedNodes,
            FalseDeadDeclarations = net.FalseDeadDeclarations - falseDeclarations,
            FalselyDeadHosts = net.FalselyDeadHosts - falseHosts,
            FalseDeadObservations = net.FalseDeadObservations - falseObservations,
            Stats = ClusterStats.Take(net) - before,
            Traffic = (TrafficSnapshot.Take(net) - traffic).PerNodePerSecond(o.Nodes, o.Duration),
            WallTime = wall.Elapsed,
        };
        log?.WriteLine(Format(result));
        return result;
    }

    public static string Format(LossScenarioResult r) =>
        $"{r.Nodes} nodes, {r.Loss:P0} loss{(r.DegradedNodes > 0 ? $", {r.DegradedNodes} degraded" : "")}, {r.Duration.TotalMinutes:F0} min, Lifeguard {(r.Lifeguard ? "on " : "off")}: " +
        $"false dead declarations {r.FalseDeadDeclarations} ({r.FalselyDeadHosts} live members, {r.FalseDeadObservations} observations); " +
        $"probes {r.Stats.Probes}, failed {r.Stats.ProbeFailures}, suspicions raised {r.Stats.SuspicionsRaised}, refutations {r.Stats.Refutations}, dead declared {r.Stats.DeadDeclared}; " +
        $"{r.Traffic.Messages:F1} msg/s {r.Traffic.Bytes:F0} B/s per node; wall {r.WallTime.TotalSeconds:F1} s";
}
