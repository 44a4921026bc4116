namespace Overlay.Gossip.Net.Tests;

/// <summary>Several of our nodes on loopback, each joining the first.</summary>
internal sealed class TestCluster : IAsyncDisposable
{
    public static readonly TimeSpan ConvergeTimeout = TimeSpan.FromSeconds(15);

    private TestCluster(List<TestNode> nodes)
    {
        Nodes = nodes;
    }

    public List<TestNode> Nodes { get; }

    public TestNode this[int index] => Nodes[index];

    public string[] Names => Nodes.Select(n => n.Name).ToArray();

    public static async Task<TestCluster> StartAsync(int count, Func<int, UdpTcpTransportOptions>? transport = null, GossipOptions? options = null)
    {
        var nodes = new List<TestNode>();
        for (int i = 0; i < count; i++)
        {
            nodes.Add(await TestNode.StartAsync($"node-{i}", transport?.Invoke(i), options, null,
                i == 0 ? [] : [nodes[0].EndPoint]));
        }
        var cluster = new TestCluster(nodes);
        await cluster.ConvergedAsync(ConvergeTimeout);
        return cluster;
    }

    /// <summary>Every running node sees every one of <paramref name="names"/> (default: all) alive.</summary>
    public Task<TimeSpan> ConvergedAsync(TimeSpan timeout, IEnumerable<TestNode>? among = null)
    {
        TestNode[] nodes = (among ?? Nodes).ToArray();
        string[] names = nodes.Select(n => n.Name).ToArray();
        return Eventually.HoldsAsync(
            async () =>
            {
                foreach (TestNode node in nodes)
                {
                    if (!await node.SeesAliveAsync(names))
                    {
                        return false;
                    }
                }
                return true;
            },
            timeout,
            DescribeAsync);
    }

    public async Task<string> DescribeAsync()
    {
        var lines = new List<string>();
        foreach (TestNode node in Nodes)
        {
            lines.Add(await node.DescribeAsync());
        }
        return string.Join("\n", lines);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (TestNode node in Nodes)
        {
            await node.DisposeAsync();
        }
    }
}
