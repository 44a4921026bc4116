using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Net;

/// <summary>What one <see cref="UdpTcpTransport"/> carried and dropped. Bumped from the receive thread, stream
/// tasks and the node thread with interlocked adds; read from anywhere.</summary>
public sealed class TransportCounters
{
    private static readonly int ReasonCount = Enum.GetValues<TransportDropReason>().Length;

    private readonly long[] _drops = new long[ReasonCount];
    private long _packetsReceived;
    private long _packetBytesReceived;
    private long _packetsSent;
    private long _packetBytesSent;
    private long _streamsAccepted;
    private long _streamsDialed;

    public long PacketsReceived => Volatile.Read(ref _packetsReceived);
    public long PacketBytesReceived => Volatile.Read(ref _packetBytesReceived);
    public long PacketsSent => Volatile.Read(ref _packetsSent);
    public long PacketBytesSent => Volatile.Read(ref _packetBytesSent);
    public long StreamsAccepted => Volatile.Read(ref _streamsAccepted);
    public long StreamsDialed => Volatile.Read(ref _streamsDialed);

    public long Dropped(TransportDropReason reason) => Volatile.Read(ref _drops[(int)reason]);

    public long TotalDropped
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _drops.Length; i++)
            {
                total += Volatile.Read(ref _drops[i]);
            }
            return total;
        }
    }

    /// <summary>The reasons with a non-zero count.</summary>
    public IReadOnlyDictionary<TransportDropReason, long> DropSnapshot()
    {
        var snapshot = new Dictionary<TransportDropReason, long>();
        for (int i = 0; i < _drops.Length; i++)
        {
            long n = Volatile.Read(ref _drops[i]);
            if (n != 0)
            {
                snapshot[(TransportDropReason)i] = n;
            }
        }
        return snapshot;
    }

    public override string ToString() =>
        $"rx {PacketsReceived} pkts, tx {PacketsSent} pkts, {StreamsAccepted} streams in, {StreamsDialed} out, drops: "
        + string.Join(", ", DropSnapshot().Select(d => $"{d.Key}={d.Value}"));

    internal void Drop(TransportDropReason reason) => Interlocked.Increment(ref _drops[(int)reason]);

    internal void Drop(WireError error) => Drop(ReasonOf(error));

    internal void PacketReceived(int bytes)
    {
        Interlocked.Increment(ref _packetsReceived);
        Interlocked.Add(ref _packetBytesReceived, bytes);
    }

    internal void PacketSent(int bytes)
    {
        Interlocked.Increment(ref _packetsSent);
        Interlocked.Add(ref _packetBytesSent, bytes);
    }

    internal void StreamAccepted() => Interlocked.Increment(ref _streamsAccepted);

    internal void StreamDialed() => Interlocked.Increment(ref _streamsDialed);

    internal static TransportDropReason ReasonOf(WireError error) => error switch
    {
        WireError.Empty => TransportDropReason.Empty,
        WireError.Truncated => TransportDropReason.Truncated,
        WireError.UnknownType => TransportDropReason.UnknownType,
        WireError.UnexpectedType => TransportDropReason.UnexpectedType,
        WireError.BadMsgPack => TransportDropReason.Malformed,
        WireError.TooLarge => TransportDropReason.TooLarge,
        WireError.BadLabel => TransportDropReason.BadLabel,
        WireError.LabelMismatch => TransportDropReason.LabelMismatch,
        WireError.BadCrc => TransportDropReason.BadCrc,
        WireError.NestingTooDeep => TransportDropReason.NestingTooDeep,
        WireError.BadCompression => TransportDropReason.BadCompression,
        WireError.NotEncrypted => TransportDropReason.NotEncrypted,
        WireError.EncryptionNotConfigured => TransportDropReason.EncryptionNotConfigured,
        WireError.UnsupportedEncryptionVersion => TransportDropReason.UnsupportedEncryptionVersion,
        WireError.DecryptFailed => TransportDropReason.DecryptFailed,
        WireError.BadPadding => TransportDropReason.BadPadding,
        WireError.DestinationTooSmall or WireError.Unencodable => TransportDropReason.SendTooLarge,
        _ => TransportDropReason.Internal,
    };
}
