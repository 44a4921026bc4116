namespace Overlay.Gossip;

/// <summary>
/// The protocol's tunables, named and defaulted as memberlist's <c>Config</c>. Start from a preset
/// (<see cref="Lan"/>, <see cref="Wan"/>, <see cref="Local"/>) and change what you need with <c>with</c>;
/// <see cref="Validate"/> runs when a <see cref="GossipNode"/> is created and names every bad key.
/// </summary>
public sealed record GossipOptions
{
    /// <summary>memberlist DefaultLANConfig.</summary>
    public static GossipOptions Lan { get; } = new();

    /// <summary>memberlist DefaultWANConfig: slower probing, longer suspicion, bigger fanout.</summary>
    public static GossipOptions Wan { get; } = new()
    {
        TcpTimeout = TimeSpan.FromSeconds(30),
        SuspicionMult = 6,
        PushPullInterval = TimeSpan.FromSeconds(60),
        ProbeTimeout = TimeSpan.FromSeconds(3),
        ProbeInterval = TimeSpan.FromSeconds(5),
        GossipNodes = 4,
        GossipInterval = TimeSpan.FromMilliseconds(500),
        GossipToTheDeadTime = TimeSpan.FromSeconds(60),
        RejoinInterval = TimeSpan.FromSeconds(60),
    };

    /// <summary>memberlist DefaultLocalConfig: loopback or one host.</summary>
    public static GossipOptions Local { get; } = new()
    {
        TcpTimeout = TimeSpan.FromSeconds(1),
        IndirectChecks = 1,
        RetransmitMult = 2,
        SuspicionMult = 3,
        PushPullInterval = TimeSpan.FromSeconds(15),
        ProbeTimeout = TimeSpan.FromMilliseconds(200),
        ProbeInterval = TimeSpan.FromSeconds(1),
        GossipInterval = TimeSpan.FromMilliseconds(100),
        GossipToTheDeadTime = TimeSpan.FromSeconds(15),
        RejoinInterval = TimeSpan.FromSeconds(15),
    };

    /// <summary>This node's name; unique in the cluster.</summary>
    public string Name { get; init; } = "";

    /// <summary>How often a member is probed (round robin over a shuffled list).</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait for a direct ack before asking others to probe (indirect probes).</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Members asked to probe a target that did not answer directly (SWIM's k).</summary>
    public int IndirectChecks { get; init; } = 3;

    /// <summary>How often queued broadcasts are sent to <see cref="GossipNodes"/> random members.</summary>
    public TimeSpan GossipInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gossip fanout per <see cref="GossipInterval"/>.</summary>
    public int GossipNodes { get; init; } = 3;

    /// <summary>A broadcast is sent RetransmitMult * ceil(log10(N + 1)) times.</summary>
    public int RetransmitMult { get; init; } = 4;

    /// <summary>Minimum suspicion timeout = SuspicionMult * max(1, log10(N)) * ProbeInterval.</summary>
    public int SuspicionMult { get; init; } = 4;

    /// <summary>Lifeguard: the suspicion timeout starts at SuspicionMaxTimeoutMult times the minimum and shrinks
    /// toward it as independent confirmations arrive.</summary>
    public int SuspicionMaxTimeoutMult { get; init; } = 6;

    /// <summary>Full state exchange with a random member (scaled up with log2(N) above 32 members); 0 disables.</summary>
    public TimeSpan PushPullInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long dead members still receive gossip and are kept before they are forgotten.</summary>
    public TimeSpan GossipToTheDeadTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Lifeguard local-health awareness: probe interval and deadline are scaled up to this factor.</summary>
    public int AwarenessMaxMultiplier { get; init; } = 8;

    /// <summary>Largest packet the node builds (memberlist UDPBufferSize).</summary>
    public int UdpBufferSize { get; init; } = 1400;

    /// <summary>How long a dead member's name stays bound to its address; after this another address may take
    /// it. Zero: only a member that left, or was forgotten, can come back at a new address.</summary>
    public TimeSpan DeadNodeReclaimTime { get; init; } = TimeSpan.Zero;

    /// <summary>Timeout of a stream exchange (push/pull, join).</summary>
    public TimeSpan TcpTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Do not fall back to a stream ping when UDP probes fail.</summary>
    public bool DisableTcpPings { get; init; }

    /// <summary>How often seeds that are not alive members are joined again, so a partitioned cluster heals
    /// (Docker's rejoin of bootstrap nodes); 0 disables.</summary>
    public TimeSpan RejoinInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>About how many direct push/pulls a member that shares our user state
    /// (<see cref="IGossipDelegate.SharesState"/>) gets when it is first seen (or seen in a new life): each member
    /// that sees it exchanges with it with probability min(1, this / the number of other such members it knows),
    /// decided after a random delay of up to <see cref="ProbeInterval"/>. 0 turns it off.</summary>
    public int NewPeerExchanges { get; init; } = 2;

    /// <summary>Lifeguard (local-health awareness, nacks, dynamic suspicion, telling the suspect at once). False
    /// gives plain SWIM with suspicion: fixed timeout at the minimum, no nacks, no awareness. For comparisons.</summary>
    public bool Lifeguard { get; init; } = true;

    /// <summary>Largest node metadata the delegate may supply (memberlist MetaMaxSize).</summary>
    public int MetaMaxSize { get; init; } = 512;

    /// <summary>memberlist protocol version spoken (ProtocolVersion2Compatible = 2); range 1..5.</summary>
    public byte ProtocolVersion { get; init; } = 2;

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid setting.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok) errors.Add(message);
        }

        Check(!string.IsNullOrWhiteSpace(Name), "GossipOptions.Name must be set (a unique node name)");
        Check(ProbeInterval > TimeSpan.Zero, $"GossipOptions.ProbeInterval must be positive (is {ProbeInterval})");
        Check(ProbeTimeout > TimeSpan.Zero, $"GossipOptions.ProbeTimeout must be positive (is {ProbeTimeout})");
        Check(ProbeTimeout < ProbeInterval,
            $"GossipOptions.ProbeTimeout ({ProbeTimeout}) must be shorter than GossipOptions.ProbeInterval ({ProbeInterval}): indirect probes need the rest of the interval");
        Check(IndirectChecks >= 0, $"GossipOptions.IndirectChecks must be 0 or more (is {IndirectChecks})");
        Check(GossipInterval > TimeSpan.Zero, $"GossipOptions.GossipInterval must be positive (is {GossipInterval})");
        Check(GossipNodes >= 1, $"GossipOptions.GossipNodes must be 1 or more (is {GossipNodes})");
        Check(RetransmitMult >= 1, $"GossipOptions.RetransmitMult must be 1 or more (is {RetransmitMult})");
        Check(SuspicionMult >= 1, $"GossipOptions.SuspicionMult must be 1 or more (is {SuspicionMult})");
        Check(SuspicionMaxTimeoutMult >= 1, $"GossipOptions.SuspicionMaxTimeoutMult must be 1 or more (is {SuspicionMaxTimeoutMult})");
        Check(PushPullInterval >= TimeSpan.Zero, $"GossipOptions.PushPullInterval must not be negative (is {PushPullInterval})");
        Check(GossipToTheDeadTime >= TimeSpan.Zero, $"GossipOptions.GossipToTheDeadTime must not be negative (is {GossipToTheDeadTime})");
        Check(AwarenessMaxMultiplier >= 1, $"GossipOptions.AwarenessMaxMultiplier must be 1 or more (is {AwarenessMaxMultiplier})");
        Check(UdpBufferSize is >= 576 and <= 65507, $"GossipOptions.UdpBufferSize must be 576..65507 bytes (is {UdpBufferSize})");
        Check(DeadNodeReclaimTime >= TimeSpan.Zero, $"GossipOptions.DeadNodeReclaimTime must not be negative (is {DeadNodeReclaimTime})");
        Check(TcpTimeout > TimeSpan.Zero, $"GossipOptions.TcpTimeout must be positive (is {TcpTimeout})");
        Check(NewPeerExchanges >= 0, $"GossipOptions.NewPeerExchanges must be 0 or more (is {NewPeerExchanges})");
        Check(RejoinInterval >= TimeSpan.Zero, $"GossipOptions.RejoinInterval must not be negative (is {RejoinInterval})");
        Check(MetaMaxSize is >= 0 and <= 512, $"GossipOptions.MetaMaxSize must be 0..512 bytes (is {MetaMaxSize})");
        Check(ProtocolVersion is >= 1 and <= 5, $"GossipOptions.ProtocolVersion must be 1..5 (is {ProtocolVersion})");
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid gossip options: " + string.Join("; ", errors));
        }
    }
}
