using Microsoft.Extensions.Time.Testing;
using Overlay.Gossip.Messages;
using static Overlay.ControlPlane.Tests.Simulation.Build;

namespace Overlay.ControlPlane.Tests.Simulation;

/// <summary>
/// Nodes wired the way <c>overlayd</c> wires them, with the gossip layer replaced by a deterministic stand-in:
/// a broadcast reaches every other live node in random order (with seeded loss and duplication), push/pull
/// exchanges whole states between random pairs, and membership events are delivered directly.
/// </summary>
internal sealed class VirtualCluster
{
    private readonly Random _random;
    private readonly List<(string From, byte[] Payload)> _inFlight = [];

    public VirtualCluster(int seed, double loss = 0.0)
    {
        _random = new Random(seed);
        Loss = loss;
    }

    public FakeTimeProvider Time { get; } = Build.Time();

    public double Loss { get; set; }

    public Dictionary<string, (EndpointGossip Gossip, RecordingSink Sink, ulong Boot)> Nodes { get; } = [];

    public IEnumerable<string> Alive => Nodes.Keys.Where(n => !Dead.Contains(n));

    public HashSet<string> Dead { get; } = [];

    /// <summary>Nodes on the far side of a partition: nothing passes between them and the rest (it is lost).</summary>
    public HashSet<string> Cut { get; } = [];

    public int Messages { get; private set; }

    /// <summary>Starts (or restarts, with a new table) a node: it and the live nodes learn of each other, then it
    /// does a join push/pull with one of them (unless <paramref name="joinExchange"/> is false: its seed keeps no
    /// endpoint table, a plain memberlist member).</summary>
    public EndpointGossip Start(string name, ulong boot, bool joinExchange = true)
    {
        var sink = new RecordingSink();
        var gossip = new EndpointGossip(
            new(name, boot, Options(), Time), sink, (_, payload) => _inFlight.Add((name, payload)), Time);
        List<string> others = [.. Alive.Where(n => n != name)];
        Nodes[name] = (gossip, sink, boot);
        Dead.Remove(name);
        foreach (string other in others)
        {
            Nodes[other].Gossip.NotifyJoin(Member(name, meta: gossip.NodeMeta(512)));
            gossip.NotifyJoin(Member(other, meta: Nodes[other].Gossip.NodeMeta(512)));
        }
        if (joinExchange && others.Count > 0)
        {
            Exchange(name, others[_random.Next(others.Count)], join: true);
        }
        return gossip;
    }

    /// <summary>The node stops; every live node sees it dead.</summary>
    public void Kill(string name)
    {
        Dead.Add(name);
        _inFlight.RemoveAll(m => m.From == name);
        foreach (string other in Alive)
        {
            Nodes[other].Gossip.NotifyLeave(Member(name, NodeStateKind.Dead));
        }
    }

    /// <summary>Delivers broadcasts until none are left (receivers pass news on, which queues more).</summary>
    public void DeliverAll()
    {
        while (_inFlight.Count > 0)
        {
            int i = _random.Next(_inFlight.Count);
            var (from, payload) = _inFlight[i];
            _inFlight.RemoveAt(i);
            List<string> receivers = [.. Alive.Where(n => n != from && SameSide(n, from))];
            Permutations.Shuffle(receivers, _random);
            foreach (string to in receivers)
            {
                if (_random.NextDouble() < Loss)
                {
                    continue;
                }
                int copies = _random.Next(5) == 0 ? 2 : 1;
                for (int c = 0; c < copies; c++)
                {
                    Messages++;
                    Nodes[to].Gossip.NotifyUserMessage(payload);
                }
            }
        }
    }

    /// <summary>Every live node does a push/pull with a random other live node.</summary>
    public void PushPullRound()
    {
        List<string> alive = [.. Alive];
        foreach (string name in alive)
        {
            List<string> peers = [.. alive.Where(n => n != name && SameSide(n, name))];
            if (peers.Count > 0)
            {
                Exchange(name, peers[_random.Next(peers.Count)], join: false);
            }
        }
    }

    /// <summary>Broadcasts, then push/pull rounds until nothing is left to say.</summary>
    public void Settle(int rounds = 4)
    {
        DeliverAll();
        for (int i = 0; i < rounds; i++)
        {
            PushPullRound();
            DeliverAll();
        }
    }

    private bool SameSide(string a, string b) => Cut.Contains(a) == Cut.Contains(b);

    private void Exchange(string a, string b, bool join)
    {
        EndpointGossip x = Nodes[a].Gossip;
        EndpointGossip y = Nodes[b].Gossip;
        byte[] fromX = x.LocalState(join)!;
        byte[] fromY = y.LocalState(join)!;
        y.MergeRemoteState(fromX, join);
        x.MergeRemoteState(fromY, join);
    }

    /// <summary>Every live node's dataplane holds exactly its desired state, and no entry anywhere points at the
    /// VTEP of a dead node.</summary>
    public void AssertDataplanesConsistent()
    {
        HashSet<Overlay.Packets.IpAddr> deadVteps = [.. Dead.Select(Vtep)];
        foreach (string name in Alive)
        {
            var (gossip, sink, _) = Nodes[name];
            Assert.True(sink.Matches(gossip.Table.Desired), $"{name}'s dataplane differs from its desired state");
            Assert.DoesNotContain(sink.Remotes.Values, deadVteps.Contains);
            Assert.True(gossip.Table.Desired.SameAs(ProjectionModel.Compute(gossip.Table.Records, gossip.Table.IsEligible, name)));
        }
    }
}
