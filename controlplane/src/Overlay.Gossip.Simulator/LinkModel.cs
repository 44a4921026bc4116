namespace Overlay.Gossip.Simulator;

/// <summary>Every link of the simulated network: one-way latency = <see cref="Latency"/> + uniform
/// [0, <see cref="Jitter"/>), each packet lost independently with probability <see cref="Loss"/>. Streams (push/pull,
/// stream pings) see the same loss as TCP does: a lost segment costs a retransmission timeout, not the exchange.</summary>
public sealed record LinkModel
{
    /// <summary>A data-centre LAN: 0.2 ms + up to 0.3 ms, no loss.</summary>
    public static LinkModel Lan { get; } = new();

    public TimeSpan Latency { get; init; } = TimeSpan.FromMilliseconds(0.2);

    public TimeSpan Jitter { get; init; } = TimeSpan.FromMilliseconds(0.3);

    public double Loss { get; init; }

    /// <summary>TCP's initial SYN retransmission timeout (Linux: 1 s, doubling).</summary>
    public TimeSpan SynRetransmit { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>TCP's minimum data retransmission timeout (Linux: 200 ms, doubling).</summary>
    public TimeSpan DataRetransmit { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Bytes per stream segment when sizing push/pull transfers.</summary>
    public int SegmentBytes { get; init; } = 1448;
}
