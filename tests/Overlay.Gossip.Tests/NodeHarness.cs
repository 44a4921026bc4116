using Overlay.Testing;
using Overlay.Gossip.Membership;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Tests;

/// <summary>One started node on a hand-moved clock with a recording transport, and helpers to feed it
/// messages.</summary>
internal sealed class NodeHarness
{
    public static readonly byte[] Vsn = [1, 5, 2, 0, 0, 0];

    public NodeHarness(GossipOptions? options = null, bool streamPings = true, IGossipDelegate? gossipDelegate = null, int seed = 1)
    {
        Time = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Transport = new FakeTransport(Address(0), streamPings);
        Node = new GossipNode((options ?? GossipOptions.Lan) with { Name = "self" }, Transport, gossipDelegate, Time, new Random(seed));
        Node.Start();
    }

    public ManualClock Time { get; }

    public FakeTransport Transport { get; }

    public GossipNode Node { get; }

    public static GossipEndPoint Address(int i) => GossipEndPoint.FromIPv4(0xC612_0001u + (uint)i, 7946);

    public static Alive AliveOf(int i, uint incarnation, byte[]? meta = null) =>
        new(incarnation, $"m{i}", Address(i).AddressBytes(), 7946, meta, Vsn);

    /// <summary>Delivers one packet from member <paramref name="from"/>.</summary>
    public void Deliver(int from, params object[] messages) => Node.ReceivePacket(Address(from), messages);

    /// <summary>Adds members m1..mN alive at incarnation 1 (via alive messages).</summary>
    public void AddMembers(int count)
    {
        for (int i = 1; i <= count; i++)
        {
            Deliver(i, AliveOf(i, 1));
        }
    }

    /// <summary>Advances the clock, firing timers as an owner would: wait for the node's next due timestamp,
    /// tick, repeat.</summary>
    public void Advance(TimeSpan duration)
    {
        long end = Time.GetTimestamp() + duration.Ticks;
        while (Node.NextDueTimestamp <= end)
        {
            Time.AdvanceTo(Node.NextDueTimestamp);
            Node.Tick();
        }
        Time.AdvanceTo(end);
    }

    /// <summary>Empties the node's broadcast queue through gossip, returning what it sent.</summary>
    public List<object> DrainBroadcasts()
    {
        var sent = new List<object>();
        for (int i = 0; i < 1000 && Node.QueuedBroadcasts > 0; i++)
        {
            Transport.Clear();
            Advance(Node.Options.GossipInterval);
            sent.AddRange(Transport.Packets.SelectMany(p => p.Messages));
        }
        Transport.Clear();
        return sent;
    }

    public Member Member(string name) => Node.TryGetMember(name, out Member m) ? m : throw new KeyNotFoundException(name);
}
