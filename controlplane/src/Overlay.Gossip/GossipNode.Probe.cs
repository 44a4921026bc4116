using Overlay.Gossip.Membership;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip;

// Failure detection (SWIM + Lifeguard): each probe interval ping the next member of the shuffled round-robin
// order; no ack within ProbeTimeout -> ask IndirectChecks members to ping it (with nacks) and try a stream ping;
// nothing by the deadline (the awareness-scaled probe interval) -> suspect it. Pings, acks and nacks are handled
// inline as they arrive.
public sealed partial class GossipNode
{
    private readonly Dictionary<uint, Relay> _relays = new();
    private ProbeState _probe;
    private bool _probing;
    private int _probeIndex;
    private uint _seq;

    private void StartProbe(long now)
    {
        if (_probing)
        {
            // The previous probe's deadline shares this instant; settle it first.
            OnProbeDeadline(_probe.Seq, now);
        }
        int target = NextProbeTarget(now);
        if (target < 0)
        {
            return;
        }
        ref MemberSlot slot = ref _members[target];
        string name = slot.Name;
        GossipEndPoint to = MemberIdentity.EndPoint(slot.Identity);
        uint seq = ++_seq;
        var ping = new Ping(seq, name, _selfAddr, EndPoint.Port, Name);
        long deadline = now + _awareness.ScaleTimeout(_options.ProbeInterval).Ticks;
        _probe = new ProbeState(seq, name, to, deadline, MemberIdentity.Vsn(slot.Identity));
        _probing = true;
        Metrics.Probes++;
        if (slot.State == NodeStateKind.Suspect && _options.Lifeguard)
        {
            // Lifeguard's buddy system: tell the suspect at once so it can refute. Nothing else rides along (as in
            // memberlist): a suspect is likely gone, and each broadcast handed to it spends one of the few
            // transmits that should carry the suspicion to the members that can confirm it.
            SendOnly(to, ping, new Suspect(slot.Incarnation, name, Name));
        }
        else
        {
            SendWithPiggyback(to, ping);
        }
        Arm(TimerKind.ProbeAckTimeout, now + _options.ProbeTimeout.Ticks, seq);
        Arm(TimerKind.ProbeDeadline, deadline, seq);
    }

    /// <summary>The next member in probe order that is neither us nor dead; reshuffles (and forgets members dead
    /// for longer than GossipToTheDeadTime) at the end of each pass.</summary>
    private int NextProbeTarget(long now)
    {
        for (int checkedCount = 0; checkedCount <= _members.Count; checkedCount++)
        {
            if (_probeIndex >= _members.Count)
            {
                ResetProbeOrder(now);
                _probeIndex = 0;
                if (_members.Count == 0)
                {
                    return -1;
                }
            }
            int i = _probeIndex++;
            ref MemberSlot slot = ref _members[i];
            if (!slot.IsDeadOrLeft && !string.Equals(slot.Name, Name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    private void ResetProbeOrder(long now)
    {
        int cutoff = SecondsSinceEpoch(now) - (int)Math.Ceiling(_options.GossipToTheDeadTime.TotalSeconds);
        _members.RemoveWhere(static (slot, cut) => slot.IsDeadOrLeft && slot.StateChangeSeconds < cut, cutoff);
        _members.Shuffle(_random);
    }

    private void OnProbeAckTimeout(uint seq, long now)
    {
        if (!_probing || _probe.Seq != seq)
        {
            return;
        }
        Metrics.IndirectProbes++;
        int targetIndex = _members.IndexOf(_probe.Target);
        Span<int> relays = stackalloc int[Math.Max(0, _options.IndirectChecks)];
        int count = RandomMembers(relays, MemberFilter.AliveExcept, targetIndex);
        byte[] targetAddr = _probe.EndPoint.AddressBytes();
        for (int r = 0; r < count; r++)
        {
            object identity = _members[relays[r]].Identity;
            bool nack = _options.Lifeguard && MaxProtocol(MemberIdentity.Vsn(identity)) >= 4;
            if (nack)
            {
                _probe.ExpectedNacks++;
            }
            var indirect = new IndirectPing(seq, targetAddr, _probe.EndPoint.Port, _probe.Target, nack, _selfAddr, EndPoint.Port, Name);
            SendWithPiggyback(MemberIdentity.EndPoint(identity), indirect);
        }
        if (_transport.SupportsStreamPing && !_options.DisableTcpPings && MaxProtocol(_probe.Vsn) >= 3)
        {
            Metrics.StreamPings++;
            var ping = new Ping(seq, _probe.Target, _selfAddr, EndPoint.Port, Name);
            _transport.BeginStreamPing(_probe.EndPoint, ping, TimeSpan.FromTicks(Math.Max(1, _probe.Deadline - now)));
        }
    }

    private void OnProbeDeadline(uint seq, long now)
    {
        if (!_probing || _probe.Seq != seq)
        {
            return;
        }
        _probing = false;
        Metrics.ProbeFailures++;
        if (_options.Lifeguard)
        {
            // Missing nacks mean the problem may be ours; with nobody to nack, any failed probe counts.
            int expected = _probe.ExpectedNacks;
            _awareness.ApplyDelta(expected > 0 ? Math.Max(0, expected - _probe.Nacks) : 1);
        }
        int i = _members.IndexOf(_probe.Target);
        if (i >= 0)
        {
            SuspectNode(new Suspect(_members[i].Incarnation, _probe.Target, Name));
        }
    }

    private void ProbeSucceeded()
    {
        _probing = false;
        if (_options.Lifeguard)
        {
            _awareness.ApplyDelta(-1);
        }
    }

    private void HandlePing(GossipEndPoint from, Ping ping)
    {
        if (!string.IsNullOrEmpty(ping.Node) && !string.Equals(ping.Node, Name, StringComparison.Ordinal))
        {
            return; // meant for someone who used to have our address
        }
        GossipEndPoint replyTo = ping.SourceAddr is { Length: 4 or 16 } addr ? GossipEndPoint.FromBytes(addr, ping.SourcePort) : from;
        SendWithPiggyback(replyTo, new AckResp(ping.SeqNo, null));
    }

    private void HandleIndirectPing(GossipEndPoint from, IndirectPing request, long now)
    {
        GossipEndPoint origin = request.SourceAddr is { Length: 4 or 16 } addr ? GossipEndPoint.FromBytes(addr, request.SourcePort) : from;
        if (request.Target is not { Length: 4 or 16 })
        {
            return;
        }
        uint seq = ++_seq;
        _relays[seq] = new Relay(origin, request.SeqNo, request.Nack);
        Arm(TimerKind.RelayTimeout, now + _options.ProbeTimeout.Ticks, seq);
        SendWithPiggyback(GossipEndPoint.FromBytes(request.Target, request.Port), new Ping(seq, request.Node, _selfAddr, EndPoint.Port, Name));
    }

    private void HandleAck(AckResp ack)
    {
        if (_probing && ack.SeqNo == _probe.Seq)
        {
            ProbeSucceeded();
        }
        else if (_relays.Remove(ack.SeqNo, out Relay relay))
        {
            SendWithPiggyback(relay.Origin, new AckResp(relay.OriginSeq, null));
        }
    }

    private void HandleNack(NackResp nack)
    {
        Metrics.NacksReceived++;
        if (_probing && nack.SeqNo == _probe.Seq)
        {
            _probe.Nacks++;
        }
    }

    private void OnRelayTimeout(uint seq)
    {
        if (_relays.Remove(seq, out Relay relay) && relay.Nack)
        {
            Metrics.NacksSent++;
            SendWithPiggyback(relay.Origin, new NackResp(relay.OriginSeq));
        }
    }

    /// <summary>Answers a ping that arrived over a stream (the prober's TCP fallback): true to ack.</summary>
    public bool HandleStreamPing(GossipEndPoint from, Ping ping)
    {
        ArgumentNullException.ThrowIfNull(ping);
        return !_stopped && (string.IsNullOrEmpty(ping.Node) || string.Equals(ping.Node, Name, StringComparison.Ordinal));
    }

    /// <summary>Outcome of a <see cref="IGossipTransport.BeginStreamPing"/>.</summary>
    public void CompleteStreamPing(uint seqNo, bool acked)
    {
        if (!_stopped && acked && _probing && seqNo == _probe.Seq)
        {
            Metrics.StreamPingAcks++;
            ProbeSucceeded();
        }
    }

    private static int MaxProtocol(byte[] vsn) => vsn.Length > 1 ? vsn[1] : 0;

    private struct ProbeState(uint seq, string target, GossipEndPoint endPoint, long deadline, byte[] vsn)
    {
        public readonly uint Seq = seq;
        public readonly string Target = target;
        public readonly GossipEndPoint EndPoint = endPoint;
        public readonly long Deadline = deadline;
        public readonly byte[] Vsn = vsn;
        public int ExpectedNacks;
        public int Nacks;
    }

    private readonly record struct Relay(GossipEndPoint Origin, uint OriginSeq, bool Nack);
}
