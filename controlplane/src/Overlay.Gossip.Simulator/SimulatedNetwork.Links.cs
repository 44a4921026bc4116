using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Simulator;

// Links: packets are lost or delayed per the LinkModel; streams pay a retransmission timeout per lost segment
// (SYN 1 s, data 200 ms, doubling), fail at their timeout, and never cross a partition or reach a dead host.
public sealed partial class SimulatedNetwork
{
    internal void SendPacket(SimHost from, GossipEndPoint to, IReadOnlyList<object> messages)
    {
        PacketsSent++;
        if (!_byEndPoint.TryGetValue(to, out SimHost? target))
        {
            PacketsLost++;
            return;
        }
        if (from.Group != target.Group)
        {
            PacketsBlocked++;
            return;
        }
        if (_random.NextDouble() < LossBetween(from, target))
        {
            PacketsLost++;
            return;
        }
        Schedule(Clock.NowTicks + OneWayDelay(), new SimEvent
        {
            Kind = SimEventKind.Packet, Host = target.Index, Generation = target.Generation, From = from.EndPoint, Payload = messages,
        });
    }

    internal void BeginPushPull(SimHost from, GossipEndPoint to, PushPullMessage local, long exchangeId, TimeSpan timeout)
    {
        long start = Clock.NowTicks;
        long deadline = start + timeout.Ticks;
        if (!_byEndPoint.TryGetValue(to, out SimHost? target) || !target.Up || from.Group != target.Group)
        {
            FailStream(SimEventKind.PushPullDone, from, exchangeId, deadline);
            return;
        }
        long arrive = start + StreamTime(from, target, ApproximateSize(local), handshake: true);
        if (arrive > deadline)
        {
            FailStream(SimEventKind.PushPullDone, from, exchangeId, deadline);
            return;
        }
        Schedule(arrive, new SimEvent
        {
            Kind = SimEventKind.PushPullArrive, Host = target.Index, Generation = target.Generation, Peer = from.Index,
            PeerGeneration = from.Generation, Arg = exchangeId, Start = start, Timeout = deadline, Payload = local, From = from.EndPoint,
        });
    }

    internal void BeginStreamPing(SimHost from, GossipEndPoint to, Ping ping, TimeSpan timeout)
    {
        long start = Clock.NowTicks;
        long deadline = start + timeout.Ticks;
        if (!_byEndPoint.TryGetValue(to, out SimHost? target) || !target.Up || from.Group != target.Group)
        {
            FailStream(SimEventKind.StreamPingDone, from, ping.SeqNo, deadline);
            return;
        }
        long arrive = start + StreamTime(from, target, Sizer.SizeOf(ping), handshake: true);
        if (arrive > deadline)
        {
            FailStream(SimEventKind.StreamPingDone, from, ping.SeqNo, deadline);
            return;
        }
        Schedule(arrive, new SimEvent
        {
            Kind = SimEventKind.StreamPingArrive, Host = target.Index, Generation = target.Generation, Peer = from.Index,
            PeerGeneration = from.Generation, Arg = ping.SeqNo, Start = start, Timeout = deadline, Payload = ping, From = from.EndPoint,
        });
    }

    private void ArrivePushPull(in SimEvent e, SimHost target)
    {
        SimHost origin = _hosts[e.Peer];
        if (!target.Up || target.Generation != e.Generation || origin.Group != target.Group)
        {
            FailStream(SimEventKind.PushPullDone, origin, e.Arg, e.Timeout, e.PeerGeneration);
            return;
        }
        PushPullMessage reply = target.Node!.HandlePushPull(e.From, (PushPullMessage)e.Payload!);
        Touch(target);
        long back = Clock.NowTicks + StreamTime(target, origin, ApproximateSize(reply), handshake: false);
        if (back > e.Timeout)
        {
            FailStream(SimEventKind.PushPullDone, origin, e.Arg, e.Timeout, e.PeerGeneration);
            return;
        }
        Schedule(back, new SimEvent
        {
            Kind = SimEventKind.PushPullDone, Host = origin.Index, Generation = e.PeerGeneration, Arg = e.Arg, Payload = reply,
        });
    }

    private void ArriveStreamPing(in SimEvent e, SimHost target)
    {
        SimHost origin = _hosts[e.Peer];
        if (!target.Up || target.Generation != e.Generation || origin.Group != target.Group)
        {
            FailStream(SimEventKind.StreamPingDone, origin, e.Arg, e.Timeout, e.PeerGeneration);
            return;
        }
        bool acked = target.Node!.HandleStreamPing(e.From, (Ping)e.Payload!);
        long back = Clock.NowTicks + StreamTime(target, origin, 16, handshake: false);
        if (!acked || back > e.Timeout)
        {
            FailStream(SimEventKind.StreamPingDone, origin, e.Arg, e.Timeout, e.PeerGeneration);
            return;
        }
        Schedule(back, new SimEvent
        {
            Kind = SimEventKind.StreamPingDone, Host = origin.Index, Generation = e.PeerGeneration, Arg = e.Arg, Payload = e.Payload,
        });
    }

    private void FailStream(SimEventKind kind, SimHost origin, long arg, long at, int? generation = null) =>
        Schedule(Math.Max(at, Clock.NowTicks), new SimEvent
        {
            Kind = kind, Host = origin.Index, Generation = generation ?? origin.Generation, Arg = arg, Payload = null,
        });

    /// <summary>Transfer size for timing only (the nodes count exact bytes): ~64 bytes per member.</summary>
    private static int ApproximateSize(PushPullMessage state) => 16 + 64 * state.Nodes.Count + (state.UserState?.Length ?? 0);

    private double LossBetween(SimHost a, SimHost b) =>
        1 - (1 - Link.Loss) * (1 - a.ExtraLoss) * (1 - b.ExtraLoss);

    private long OneWayDelay() => Link.Latency.Ticks + (long)(_random.NextDouble() * Link.Jitter.Ticks);

    /// <summary>Time for one direction of a stream exchange: the handshake (SYN, SYN-ACK) if new, then each
    /// segment; every lost packet costs a doubling retransmission timeout.</summary>
    private long StreamTime(SimHost from, SimHost to, int bytes, bool handshake)
    {
        double loss = LossBetween(from, to);
        long time = 0;
        if (handshake)
        {
            time += Deliver(loss, Link.SynRetransmit.Ticks) + Deliver(loss, Link.SynRetransmit.Ticks);
        }
        // Segments are pipelined: one delay, the serialisation time at 1 Gbit/s, and a retransmission timeout
        // for every lost segment.
        int segments = Math.Max(1, (bytes + Link.SegmentBytes - 1) / Link.SegmentBytes);
        for (int s = 0; s < segments; s++)
        {
            time += Deliver(loss, Link.DataRetransmit.Ticks) - OneWayDelay();
        }
        return time + OneWayDelay() + bytes * 8L * TimeSpan.TicksPerSecond / 1_000_000_000L;
    }

    private long Deliver(double loss, long retransmitTimeout)
    {
        long delay = 0;
        while (_random.NextDouble() < loss)
        {
            delay += retransmitTimeout;
            retransmitTimeout *= 2;
        }
        return delay + OneWayDelay();
    }
}
