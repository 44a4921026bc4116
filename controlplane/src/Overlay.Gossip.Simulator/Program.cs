using Overlay.Gossip;
using Overlay.Gossip.Simulator.Scenarios;

// The 10,000-node benchmark: the same join + broadcast + failure-detection scenario the tests run at 1,000.
int nodes = 10_000, seed = 1, joining = -1;
double joinWindowSeconds = -1;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--nodes": nodes = int.Parse(args[++i]); break;
        case "--seed": seed = int.Parse(args[++i]); break;
        case "--joining": joining = int.Parse(args[++i]); break;
        case "--join-window": joinWindowSeconds = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine("usage: Overlay.Gossip.Simulator [--nodes N] [--seed S] [--joining J] [--join-window SECONDS]\n" +
                "  J members join cold through one seed; the other N-J start as a converged cluster.\n" +
                "  Default J: all of them up to 2,000 nodes, else 20 (each join costs ~N R messages).");
            return 2;
    }
}
if (joining < 0)
{
    joining = nodes <= 2000 ? nodes : 20;
}
var options = new ClusterScenarioOptions
{
    Nodes = nodes,
    Seed = seed,
    Gossip = GossipOptions.Lan,
    WarmNodes = joining >= nodes ? 0 : nodes - joining,
    JoinWindow = TimeSpan.FromSeconds(joinWindowSeconds >= 0 ? joinWindowSeconds : 10),
};
Console.WriteLine($"gossip simulator: {nodes} nodes ({joining} joining cold), LAN preset, seed {seed}, join window {options.JoinWindow.TotalSeconds:F0} s");
ClusterScenarioResult result = ClusterScenario.Run(options, Console.Out);
Console.WriteLine(ScenarioReport.Format(result));
string path = PerfResults.Write($"cluster_{nodes}", ScenarioReport.ToJson(result));
Console.WriteLine($"results: {path}");
return 0;
