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
    /// J members joining a cluster of N within <paramref name="joinWindow"/>: every member must learn J alive
    /// messages and sends each of them R times; a node sends F gossip packets per GossipInterval with M alive
    /// messages each, so its queue drains in J*R / (F*M) intervals. Once every queue has drained, every alive
    /// message went out R times from every node that knew it (a node misses one with probability ~e^-R), so join
    /// window + drain time + one dissemination bounds convergence. Piggybacking on probes only adds capacity.
    /// </summary>
    public static TimeSpan JoinConvergence(int n, int joining, GossipOptions o, TimeSpan joinWindow, IMessageSizer sizer)
    {
        int r = GossipMath.RetransmitLimit(o.RetransmitMult, n);
        int m = AliveMessagesPerPacket(n, o, sizer);
        double intervals = (double)joining * r / (o.GossipNodes * m);
        return joinWindow + o.GossipInterval * intervals + Dissemination(n, o);
    }

    /// <summary>Alive messages (for names like node-00000) that fit in one gossip packet.</summary>
    public static int AliveMessagesPerPacket(int n, GossipOptions o, IMessageSizer sizer)
    {
        var sample = new Alive(1, $"node-{n:D5}", [10, 0, 0, 1], 7946, null, [1, 5, 2, 0, 0, 0]);
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
