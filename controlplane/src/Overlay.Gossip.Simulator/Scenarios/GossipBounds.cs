using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Simulator.Scenarios;

/// <summary>
/// Upper (and lower) bounds derived from the protocol parameters, which the tests assert and the runner prints.
/// Each states its reasoning; none is fitted to measurements.
/// </summary>
public static class GossipBounds
{
    /// <summary>
    /// Push gossip with fanout F reaches all N in about log_{F+1}(N) + ln(N)/F rounds (Pittel's bound generalised
    /// to fanout F: growth phase, then the coupon-collector tail). Nodes gossip on unsynchronised timers, so a hop
    /// waits up to one GossipInterval: bound = 2 * rounds * GossipInterval. Every node sends the message R =
    /// RetransmitMult*ceil(log10(N+1)) times, so a node misses it with probability about e^-R (1e-7 at N = 1000).
    /// </summary>
    public static TimeSpan Dissemination(int n, GossipOptions o)
    {
        double f = o.GossipNodes;
        double rounds = Math.Log(n) / Math.Log(f + 1) + Math.Log(n) / f;
        return o.GossipInterval * (2 * rounds);
    }

    /// <summary>
    /// A record that every node passes on once when it first learns it (as the endpoint table's gossip delegate
    /// does): each node that has it sends it R = RetransmitMult*ceil(log10(N+1)) times to random members, N*R sends
    /// in all, so a given node is missed by every one of them with probability (1 - 1/(N-1))^(N R) ~ e^-R, and some
    /// node is missed with probability about N e^-R (<see cref="GossipMissProbability"/>). When nobody is missed,
    /// the epidemic bound holds (<see cref="Dissemination"/>); a missed node still gets the record from its next
    /// push/pull with any member, within one (scaled) PushPullInterval. The bound is the epidemic one when gossip
    /// alone misses nobody with probability at least 99%, and adds one push/pull interval otherwise.
    /// </summary>
    public static TimeSpan EndpointSpread(int n, GossipOptions o)
    {
        TimeSpan epidemic = Dissemination(n, o);
        return GossipMissProbability(n, o) <= 0.01 || o.PushPullInterval <= TimeSpan.Zero
            ? epidemic
            : epidemic + GossipMath.PushPullScale(o.PushPullInterval, n);
    }

    /// <summary>About N e^-R: the chance that gossip alone leaves some node without a record every node passes
    /// on R times (see <see cref="EndpointSpread"/>).</summary>
    public static double GossipMissProbability(int n, GossipOptions o) =>
        Math.Min(1.0, n * Math.Exp(-GossipMath.RetransmitLimit(o.RetransmitMult, n)));

    /// <summary>
    /// J members joining a cluster of N within <paramref name="joinWindow"/>: every member must learn J alive
    /// messages and sends each of them R times; a node sends F gossip packets per GossipInterval with M alive
    /// messages each, so its queue drains in J*R / (F*M) intervals. Once every queue has drained, every alive
    /// message went out R times from every node that knew it (a node misses one with probability ~e^-R), so join
    /// window + drain time + one dissemination bounds convergence. Piggybacking on probes only adds capacity.
    /// </summary>
    public static TimeSpan JoinConvergence(int n, int joining, GossipOptions o, TimeSpan joinWindow, IMessageSizer sizer, int metaBytes = 0)
    {
        int r = GossipMath.RetransmitLimit(o.RetransmitMult, n);
        int m = AliveMessagesPerPacket(n, o, sizer, metaBytes);
        double intervals = (double)joining * r / (o.GossipNodes * m);
        return joinWindow + o.GossipInterval * intervals + Dissemination(n, o);
    }

    /// <summary>Alive messages (for names like node-00000, with <paramref name="metaBytes"/> of node metadata)
    /// that fit in one gossip packet.</summary>
    public static int AliveMessagesPerPacket(int n, GossipOptions o, IMessageSizer sizer, int metaBytes = 0)
    {
        byte[]? meta = metaBytes > 0 ? new byte[metaBytes] : null;
        var sample = new Alive(1, $"node-{n:D5}", [198, 18, 0, 1], 7946, meta, [1, 5, 2, 0, 0, 0]);
        int budget = o.UdpBufferSize - sizer.PacketOverhead - sizer.CompoundHeaderOverhead;
        return budget / (sizer.SizeOf(sample) + sizer.CompoundEntryOverhead);
    }

    /// <summary>
    /// A killed member is dead in everyone's view by: the first probe of it (each of the N-1 others probes one
    /// member per interval in its own shuffled order, so nobody probes it in k intervals with probability
    /// ~(1-1/N)^(N k) = e^-k; k = 10 gives 5e-5), plus the failed probe (one ProbeInterval), plus the longest
    /// suspicion timeout (max = SuspicionMaxTimeoutMult * min when no confirmations arrive; min without Lifeguard),
    /// plus disseminating the dead message. The deterministic round-robin bound replaces 10 intervals with N-1.
    /// </summary>
    public static TimeSpan FailureDetection(int n, GossipOptions o, int firstProbeIntervals = 10)
    {
        TimeSpan min = GossipMath.SuspicionTimeout(o.SuspicionMult, n, o.ProbeInterval);
        TimeSpan max = o.Lifeguard ? min * o.SuspicionMaxTimeoutMult : min;
        return o.ProbeInterval * (firstProbeIntervals + 1) + max + Dissemination(n, o);
    }

    /// <summary>Nobody can declare a member dead before a probe of it has failed (a probe sent just before the kill
    /// fails at its deadline, at least ProbeTimeout later) plus the minimum suspicion timeout.</summary>
    public static TimeSpan FailureDetectionLowerBound(int n, GossipOptions o) =>
        o.ProbeTimeout + GossipMath.SuspicionTimeout(o.SuspicionMult, n, o.ProbeInterval);

    /// <summary>The minimum suspicion timeout at N (memberlist's suspicionTimeout).</summary>
    public static TimeSpan MinSuspicion(int n, GossipOptions o) => GossipMath.SuspicionTimeout(o.SuspicionMult, n, o.ProbeInterval);

    public static int RetransmitLimit(int n, GossipOptions o) => GossipMath.RetransmitLimit(o.RetransmitMult, n);
}
