using Overlay.Gossip;
using Overlay.Gossip.Simulator.Scenarios;

// The 10,000-node benchmark: the same join + broadcast + failure-detection scenario the tests run at 1,000, with
// the stand-in delegate, the real endpoint table (EndpointTable + EndpointGossip on every node), or both.
int nodes = 10_000, seed = 1, joining = -1;
double joinWindowSeconds = -1;
string app = "both";
bool partition = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--nodes": nodes = int.Parse(args[++i]); break;
        case "--seed": seed = int.Parse(args[++i]); break;
        case "--joining": joining = int.Parse(args[++i]); break;
        case "--join-window": joinWindowSeconds = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--partition": partition = true; break;
        case "--app" when i + 1 < args.Length && args[i + 1] is "stand-in" or "endpoint-table" or "both": app = args[++i]; break;
        default:
            Console.Error.WriteLine("usage: Overlay.Gossip.Simulator [--nodes N] [--seed S] [--joining J] [--join-window SECONDS] [--app stand-in|endpoint-table|both]\n" +
                "       Overlay.Gossip.Simulator --partition [--nodes N] [--seed S]\n" +
                "  J members join cold through one seed; the other N-J start as a converged cluster.\n" +
                "  Default J: all of them up to 2,000 nodes, else 20 (each join costs ~N R messages).\n" +
                "  --app: what runs on every node (default both, one after the other): the stand-in delegate\n" +
                "  (results section cluster_N) or the real endpoint table (section endpoint_table_N).\n" +
                "  --partition: N members on the endpoint table split in halves, write (and fight over) endpoints,\n" +
                "  heal (section endpoint_table_partition_N).");
            return 2;
    }
}
if (partition)
{
    EndpointPartitionResult healed = EndpointPartitionScenario.Run(new EndpointPartitionOptions { Nodes = nodes, Seed = seed }, Console.Out);
    Console.WriteLine($"results: {PerfResults.Write($"endpoint_table_partition_{nodes}", ScenarioReport.ToJson(healed))}");
    return healed.TablesHealed is null ? 1 : 0;
}
if (joining < 0)
{
    joining = nodes <= 2000 ? nodes : 20;
}
foreach (bool endpointTables in app switch { "stand-in" => new[] { false }, "endpoint-table" => [true], _ => [false, true] })
{
    var options = new ClusterScenarioOptions
    {
        Nodes = nodes,
        Seed = seed,
        Gossip = GossipOptions.Lan,
        WarmNodes = joining >= nodes ? 0 : nodes - joining,
        JoinWindow = TimeSpan.FromSeconds(joinWindowSeconds >= 0 ? joinWindowSeconds : 10),
        EndpointTables = endpointTables,
    };
    string running = endpointTables ? "the endpoint table" : "the stand-in delegate";
    Console.WriteLine($"gossip simulator: {nodes} nodes ({joining} joining cold) running {running}, LAN preset, seed {seed}, join window {options.JoinWindow.TotalSeconds:F0} s");
    ClusterScenarioResult result = ClusterScenario.Run(options, Console.Out);
    Console.WriteLine(ScenarioReport.Format(result));
    string path = PerfResults.Write(endpointTables ? $"endpoint_table_{nodes}" : $"cluster_{nodes}", ScenarioReport.ToJson(result));
    Console.WriteLine($"results: {path}");
}
return 0;
