using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Overlay.Gossip.Simulator.Scenarios;

/// <summary>Human and machine-readable forms of scenario results.</summary>
public static class ScenarioReport
{
    public static string Format(ClusterScenarioResult r)
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"== {r.Nodes} nodes running the {r.Application} (seed {r.Seed}): {r.SimulatedTime.TotalSeconds:F0} s simulated, {r.Events:N0} events, {r.WallTime.TotalSeconds:F1} s wall");
        string joiners = r.WarmNodes > 0 ? $"{r.Nodes - r.WarmNodes} members joining {r.WarmNodes} warm ones" : $"{r.Nodes} members";
        s.AppendLine(CultureInfo.InvariantCulture, $"join of {joiners} through one seed, window {r.JoinWindow.TotalSeconds:F0} s: all see all at {S(r.JoinConverged)} (bound {r.JoinBound.TotalSeconds:F1} s)");
        s.AppendLine(CultureInfo.InvariantCulture, $"background traffic per node: {r.Baseline.Messages:F2} msg/s, {r.Baseline.Bytes:F0} B/s ({r.QueuedAtBroadcast:N0} join broadcasts still queued cluster-wide)");
        s.AppendLine(CultureInfo.InvariantCulture, $"broadcast to all: 50% {S(r.BroadcastT50)}, 99% {S(r.BroadcastT99)}, 100% {S(r.BroadcastT100)} (bound {r.BroadcastBound.TotalSeconds:F2} s)");
        s.AppendLine(CultureInfo.InvariantCulture, $"  Serf model (fanout, interval as configured): 50% {r.SerfT50.TotalSeconds:F2} s, 99% {r.SerfT99.TotalSeconds:F2} s, 99.99% {r.SerfT9999.TotalSeconds:F2} s");
        s.AppendLine(CultureInfo.InvariantCulture, $"  per node while spreading: {r.DuringBroadcast.Messages:F2} msg/s, {r.DuringBroadcast.Bytes:F0} B/s ({r.DuringBroadcast.Bytes * 8 / 1000:F1} kbit/s; Serf max {r.SerfMaxBytesPerNodePerSecond * 8 / 1000:F0} kbit/s), user {r.DuringBroadcast.UserMessages:F2} msg/s {r.DuringBroadcast.UserBytes:F0} B/s");
        s.Append(CultureInfo.InvariantCulture, $"failure detection: first member {S(r.FirstDead)}, all {r.Nodes - 1} {S(r.AllDead)} (bounds {r.FailureLowerBound.TotalSeconds:F1}..{r.FailureBound.TotalSeconds:F1} s), false dead declarations {r.FalseDeadDeclarations}");
        if (r.EndpointInstalled is { } installed)
        {
            s.AppendLine();
            s.Append(CultureInfo.InvariantCulture, $"endpoint table: the endpoint installed on {installed} of {r.Nodes - 1} other dataplanes; {r.VictimEntriesLeft} still point at the dead member");
        }
        return s.ToString();
    }

    public static JsonObject ToJson(ClusterScenarioResult r) => new()
    {
        ["application"] = r.Application,
        ["nodes"] = r.Nodes,
        ["seed"] = r.Seed,
        ["preset"] = "LAN",
        ["join_window_s"] = r.JoinWindow.TotalSeconds,
        ["warm_nodes"] = r.WarmNodes,
        ["join_converged_s"] = Sec(r.JoinConverged),
        ["join_bound_s"] = r.JoinBound.TotalSeconds,
        ["background_msgs_per_node_s"] = Round(r.Baseline.Messages),
        ["background_bytes_per_node_s"] = Round(r.Baseline.Bytes),
        ["queued_at_broadcast"] = r.QueuedAtBroadcast,
        ["broadcast_t50_s"] = Sec(r.BroadcastT50),
        ["broadcast_t99_s"] = Sec(r.BroadcastT99),
        ["broadcast_t100_s"] = Sec(r.BroadcastT100),
        ["broadcast_bound_s"] = r.BroadcastBound.TotalSeconds,
        ["broadcast_msgs_per_node_s"] = Round(r.DuringBroadcast.Messages),
        ["broadcast_bytes_per_node_s"] = Round(r.DuringBroadcast.Bytes),
        ["broadcast_user_msgs_per_node_s"] = Round(r.DuringBroadcast.UserMessages),
        ["broadcast_user_bytes_per_node_s"] = Round(r.DuringBroadcast.UserBytes),
        ["serf_model_t50_s"] = Round(r.SerfT50.TotalSeconds),
        ["serf_model_t99_s"] = Round(r.SerfT99.TotalSeconds),
        ["serf_model_t9999_s"] = Round(r.SerfT9999.TotalSeconds),
        ["serf_max_bytes_per_node_s"] = r.SerfMaxBytesPerNodePerSecond,
        ["failure_first_dead_s"] = Sec(r.FirstDead),
        ["failure_all_dead_s"] = Sec(r.AllDead),
        ["failure_bound_s"] = r.FailureBound.TotalSeconds,
        ["failure_lower_bound_s"] = r.FailureLowerBound.TotalSeconds,
        ["false_dead_declarations"] = r.FalseDeadDeclarations,
        ["endpoint_installed_nodes"] = r.EndpointInstalled,
        ["victim_entries_left"] = r.VictimEntriesLeft,
        ["simulated_s"] = Round(r.SimulatedTime.TotalSeconds),
        ["wall_s"] = Round(r.WallTime.TotalSeconds),
        ["events"] = r.Events,
    };

    public static JsonObject ToJson(EndpointPartitionResult r) => new()
    {
        ["application"] = "endpoint-table",
        ["nodes"] = r.Nodes,
        ["preset"] = "LAN",
        ["writes"] = r.Writes.Count,
        ["split_s"] = Sec(r.Split),
        ["membership_healed_s"] = Sec(r.MembershipHealed),
        ["tables_healed_s"] = Sec(r.TablesHealed),
        ["wall_s"] = Round(r.WallTime.TotalSeconds),
    };

    private static string S(TimeSpan? t) => t is { } v ? $"{v.TotalSeconds:F2} s" : "never";

    private static double? Sec(TimeSpan? t) => t is { } v ? Round(v.TotalSeconds) : null;

    private static double Round(double v) => Math.Round(v, 3);
}
