using Overlay.Gossip.Broadcasts;
using Overlay.Gossip.FailureDetection;
using Overlay.Gossip.Membership;
using Overlay.Gossip.Messages;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip;

/// <summary>
/// One member of a SWIM/Lifeguard gossip cluster, wire-compatible with hashicorp/memberlist. A single-threaded,
/// event-driven state machine: the owner calls every public method from one logical thread (no locks inside),
/// delivers packets and stream completions, and calls <see cref="Tick"/> whenever <see cref="NextDueTimestamp"/>
/// has passed. Time comes from the injected <see cref="TimeProvider"/>, randomness from the injected
/// <see cref="Random"/>. Every timer, timeout and age runs on the provider's monotonic clock
/// (<see cref="TimeProvider.GetTimestamp"/>), so a step of the wall clock moves none of them; the wall clock is
/// read only to show people when a member's state changed (<see cref="Member.StateChange"/>).
/// </summary>
/// <remarks>
/// Mechanisms live in partial files: probing and Lifeguard awareness (<c>GossipNode.Probe.cs</c>), the
/// alive/suspect/dead state machine (<c>GossipNode.State.cs</c>), piggybacking and gossip
/// (<c>GossipNode.Dissemination.cs</c>), push/pull, join and rejoin (<c>GossipNode.PushPull.cs</c>), inbound
/// dispatch (<c>GossipNode.Receive.cs</c>) and timers (<c>GossipNode.Timers.cs</c>).
/// </remarks>
public sealed partial class GossipNode
{
    private static readonly IGossipDelegate NoDelegate = new NullDelegate();

    private readonly GossipOptions _options;
    private readonly IGossipTransport _transport;
    private readonly IGossipDelegate _delegate;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly IMessageSizer _sizer;
    private readonly MemberTable _members = new();
    private readonly TransmitLimitedQueue _broadcasts = new();
    private readonly Awareness _awareness;
    private readonly long _originTimestamp;
    private readonly byte[] _selfAddr;
    private readonly byte[] _vsn;
    private byte[]? _meta;
    private uint _incarnation;
    private int _aliveCount;
    private int _suspectCount;
    private bool _started;
    private bool _stopped;
    private bool _leaving;

    public GossipNode(
        GossipOptions options,
        IGossipTransport transport,
        IGossipDelegate? gossipDelegate = null,
        TimeProvider? timeProvider = null,
        Random? random = null,
        IMessageSizer? sizer = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transport);
        options.Validate();
        _options = options;
        _transport = transport;
        _delegate = gossipDelegate ?? NoDelegate;
        _time = timeProvider ?? TimeProvider.System;
        _random = random ?? new Random();
        _sizer = sizer ?? EstimatedMessageSizer.Instance;
        _awareness = new Awareness(options.Lifeguard ? options.AwarenessMaxMultiplier : 1);
        _originTimestamp = _time.GetTimestamp();
        EndPoint = transport.LocalEndPoint;
        _selfAddr = EndPoint.AddressBytes();
        _vsn = [1, 5, options.ProtocolVersion, 0, 0, 0];
    }

    public string Name => _options.Name;

    public GossipEndPoint EndPoint { get; }

    public GossipOptions Options => _options;

    public GossipMetrics Metrics { get; } = new();

    /// <summary>Our incarnation number; bumped by every refutation.</summary>
    public uint Incarnation => _incarnation;

    /// <summary>Lifeguard local health: 0 is healthy, AwarenessMaxMultiplier-1 is the worst.</summary>
    public int HealthScore => _awareness.Score;

    /// <summary>Members known, in any state, including this node (memberlist's estimate of N).</summary>
    public int MemberCount => _members.Count;

    /// <summary>Members believed alive, including this node.</summary>
    public int AliveMemberCount => _aliveCount;

    public int SuspectMemberCount => _suspectCount;

    /// <summary>Broadcasts (membership and user) still waiting for transmits.</summary>
    public int QueuedBroadcasts => _broadcasts.Count;

    /// <summary>Push/pull joins that succeeded (initial and periodic re-joins).</summary>
    public int SuccessfulJoins { get; private set; }

    public bool IsLeaving => _leaving;

    /// <summary>After <see cref="Leave"/>: the leave message has used up its transmits (or nobody is left to tell),
    /// so the owner may stop the node.</summary>
    public bool LeaveDisseminated => _leaving && (_aliveCount <= 0 || !_broadcasts.Contains(Name, user: false));

    /// <summary>Makes this node alive (incarnation 1, queued alive message) and starts its timers.</summary>
    public void Start()
    {
        if (_started)
        {
            throw new InvalidOperationException($"gossip node {Name} is already started");
        }
        _started = true;
        _meta = _delegate.NodeMeta(_options.MetaMaxSize);
        if (_meta is { Length: var length } && length > _options.MetaMaxSize)
        {
            throw new InvalidOperationException($"node metadata is {length} bytes, more than GossipOptions.MetaMaxSize ({_options.MetaMaxSize})");
        }
        var self = new Alive(++_incarnation, Name, _selfAddr, EndPoint.Port, _meta, _vsn);
        AliveNode(self, self.Incarnation, bootstrap: true);
        StartTimers(Now);
    }

    /// <summary>Stops timers and ignores further input. Does not tell anyone: call <see cref="Leave"/> first for
    /// a graceful exit.</summary>
    public void Shutdown()
    {
        _stopped = true;
        _timers.Clear();
    }

    /// <summary>Leaves gracefully: broadcasts a dead message about ourselves from ourselves, which members record
    /// as Left. Keep the node running until <see cref="LeaveDisseminated"/>, then <see cref="Shutdown"/>.</summary>
    public void Leave()
    {
        if (!_started || _stopped || _leaving)
        {
            return;
        }
        _leaving = true;
        int self = _members.IndexOf(Name);
        DeadNode(new Dead(_members[self].Incarnation, Name, Name));
    }

    /// <summary>Queues a user broadcast; a newer broadcast with the same <paramref name="key"/> replaces one still
    /// queued. The payload is owned by the node from now on.</summary>
    public void Broadcast(string key, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(payload);
        var message = new UserMessage(payload);
        _broadcasts.Enqueue(key, user: true, message, _sizer.SizeOf(message), local: true);
        Metrics.BroadcastsQueued++;
    }

    /// <summary>Sends a user message straight to one member, best effort (memberlist SendBestEffort).</summary>
    public void SendUserMessage(GossipEndPoint to, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        SendWithPiggyback(to, new UserMessage(payload));
    }

    /// <summary>Re-reads the delegate's metadata and announces it with a new incarnation.</summary>
    public void UpdateMeta()
    {
        if (!_started || _stopped)
        {
            return;
        }
        byte[]? meta = _delegate.NodeMeta(_options.MetaMaxSize);
        if (meta is { Length: var length } && length > _options.MetaMaxSize)
        {
            throw new InvalidOperationException($"node metadata is {length} bytes, more than GossipOptions.MetaMaxSize ({_options.MetaMaxSize})");
        }
        _meta = meta;
        var self = new Alive(++_incarnation, Name, _selfAddr, EndPoint.Port, _meta, _vsn);
        AliveNode(self, self.Incarnation, bootstrap: true);
    }

    /// <summary>Adds <paramref name="members"/> as alive without broadcasting or notifying, as if a push/pull had
    /// taught us about them long ago and the news had drained. For the simulator's warm start of a converged
    /// cluster (a cold start of 10,000 nodes costs N² R messages); not for production use.</summary>
    internal void Preload(IReadOnlyList<Alive> members)
    {
        long now = Now;
        _members.EnsureCapacity(_members.Count + members.Count);
        foreach (Alive a in members)
        {
            if (!string.Equals(a.Node, Name, StringComparison.Ordinal) && _members.IndexOf(a.Node) < 0)
            {
                _members.Add(a, NodeStateKind.Alive, a.Incarnation, SecondsSinceEpoch(now), _random);
                _aliveCount++;
            }
        }
        if (_options.PushPullInterval > TimeSpan.Zero)
        {
            // A node of a long-converged cluster is somewhere in its (scaled) push/pull period, not at its start.
            _pushPullGeneration++;
            TimeSpan interval = GossipMath.PushPullScale(_options.PushPullInterval, _members.Count);
            Arm(TimerKind.PushPullTick, now + Stagger(interval), _pushPullGeneration);
        }
    }

    /// <summary>Every member known, as a snapshot.</summary>
    public IReadOnlyList<Member> Members()
    {
        var members = new List<Member>(_members.Count);
        for (int i = 0; i < _members.Count; i++)
        {
            members.Add(ToMember(in _members[i]));
        }
        return members;
    }

    public bool TryGetMember(string name, out Member member)
    {
        int i = _members.IndexOf(name);
        member = i >= 0 ? ToMember(in _members[i]) : default;
        return i >= 0;
    }

    /// <summary>The node's clock: monotonic ticks since the node was created. Timers, deadlines and ages are all
    /// kept on it.</summary>
    private long Now => _time.GetElapsedTime(_originTimestamp).Ticks;

    /// <summary>Whole seconds of the node's clock (member state changes are kept at this precision).</summary>
    private static int SecondsSinceEpoch(long now) => (int)(now / TimeSpan.TicksPerSecond);

    /// <summary>A snapshot for people and delegates. The state change is kept as an age on the monotonic clock and
    /// shown as a wall time by the wall clock of this moment.</summary>
    private Member ToMember(in MemberSlot slot) => new(
        slot.Name,
        MemberIdentity.EndPoint(slot.Identity),
        MemberIdentity.Meta(slot.Identity),
        slot.Incarnation,
        slot.State,
        _time.GetUtcNow() - TimeSpan.FromTicks(Now - slot.StateChangeSeconds * TimeSpan.TicksPerSecond));

    private sealed class NullDelegate : IGossipDelegate
    {
    }
}
