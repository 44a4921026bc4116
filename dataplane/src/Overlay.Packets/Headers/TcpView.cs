using System.Buffers.Binary;

namespace Overlay.Packets;

/// <summary>A borrowed view over a TCP segment (RFC 9293). TCP has no length field: the segment is the
/// whole span, which should be the IP payload.</summary>
public readonly ref struct TcpView
{
    public const int MinHeaderLength = 20;
    public const int MaxHeaderLength = 60;
    public const int MaxOptionsLength = MaxHeaderLength - MinHeaderLength;
    public const int MinLength = MinHeaderLength;

    private const int SourcePortOffset = 0;
    private const int DestinationPortOffset = 2;
    private const int SequenceOffset = 4;
    private const int AcknowledgmentOffset = 8;
    private const int DataOffsetOffset = 12;
    private const int FlagsOffset = 13;
    private const int WindowOffset = 14;
    private const int ChecksumOffset = 16;
    private const int UrgentPointerOffset = 18;

    private readonly Span<byte> _bytes;

    private TcpView(Span<byte> bytes) => _bytes = bytes;

    /// <summary>Checks a data offset of at least 5 words whose header fits in the span. The checksum is
    /// not checked. Never throws.</summary>
    public static bool TryParse(Span<byte> bytes, out TcpView view)
    {
        view = default;
        if (bytes.Length < MinHeaderLength) return false;
        int headerLength = (bytes[DataOffsetOffset] >> 4) * 4;
        if (headerLength < MinHeaderLength || headerLength > bytes.Length) return false;
        view = new TcpView(bytes);
        return true;
    }

    /// <summary>The whole segment, header and payload.</summary>
    public Span<byte> Bytes => _bytes;

    public ushort SourcePort => BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(SourcePortOffset));
    public ushort DestinationPort => BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(DestinationPortOffset));
    public uint SequenceNumber => BinaryPrimitives.ReadUInt32BigEndian(_bytes.Slice(SequenceOffset));
    public uint AcknowledgmentNumber => BinaryPrimitives.ReadUInt32BigEndian(_bytes.Slice(AcknowledgmentOffset));
    /// <summary>The header length in 32-bit words (5..15).</summary>
    public int DataOffset => _bytes[DataOffsetOffset] >> 4;
    public int HeaderLength => DataOffset * 4;
    public TcpFlags Flags => (TcpFlags)_bytes[FlagsOffset];
    public ushort Window => BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(WindowOffset));
    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(ChecksumOffset));
    public ushort UrgentPointer => BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(UrgentPointerOffset));
    public Span<byte> Options => _bytes.Slice(MinHeaderLength, HeaderLength - MinHeaderLength);
    public Span<byte> Payload => _bytes.Slice(HeaderLength);

    /// <summary>True when every flag in <paramref name="flags"/> is set.</summary>
    public bool HasFlags(TcpFlags flags) => (Flags & flags) == flags;

    public void SetSourcePort(ushort port) => BinaryPrimitives.WriteUInt16BigEndian(_bytes.Slice(SourcePortOffset), port);
    public void SetDestinationPort(ushort port) => BinaryPrimitives.WriteUInt16BigEndian(_bytes.Slice(DestinationPortOffset), port);
    public void SetSequenceNumber(uint sequence) => BinaryPrimitives.WriteUInt32BigEndian(_bytes.Slice(SequenceOffset), sequence);
    public void SetAcknowledgmentNumber(uint ack) => BinaryPrimitives.WriteUInt32BigEndian(_bytes.Slice(AcknowledgmentOffset), ack);
    public void SetFlags(TcpFlags flags) => _bytes[FlagsOffset] = (byte)flags;
    public void SetWindow(ushort window) => BinaryPrimitives.WriteUInt16BigEndian(_bytes.Slice(WindowOffset), window);
    public void SetChecksum(ushort checksum) => BinaryPrimitives.WriteUInt16BigEndian(_bytes.Slice(ChecksumOffset), checksum);
    public void SetUrgentPointer(ushort pointer) => BinaryPrimitives.WriteUInt16BigEndian(_bytes.Slice(UrgentPointerOffset), pointer);

    /// <summary>The checksum to store over IPv4 (addresses host order), computed as if the field were zero.</summary>
    public ushort ComputeChecksumV4(uint source, uint destination) =>
        InternetChecksum.Finish(SumWithoutChecksum(InternetChecksum.PseudoHeaderV4(source, destination, IpProtocols.Tcp, _bytes.Length)));

    /// <summary>The checksum to store over IPv6, from the 16-byte source and destination addresses.</summary>
    public ushort ComputeChecksumV6(ReadOnlySpan<byte> source16, ReadOnlySpan<byte> destination16) =>
        InternetChecksum.Finish(SumWithoutChecksum(InternetChecksum.PseudoHeaderV6(source16, destination16, IpProtocols.Tcp, _bytes.Length)));

    public bool IsChecksumValidV4(uint source, uint destination) =>
        InternetChecksum.IsValid(_bytes, InternetChecksum.PseudoHeaderV4(source, destination, IpProtocols.Tcp, _bytes.Length));

    public bool IsChecksumValidV6(ReadOnlySpan<byte> source16, ReadOnlySpan<byte> destination16) =>
        InternetChecksum.IsValid(_bytes, InternetChecksum.PseudoHeaderV6(source16, destination16, IpProtocols.Tcp, _bytes.Length));

    private ulong SumWithoutChecksum(ulong pseudoHeader)
    {
        ulong sum = InternetChecksum.Add(_bytes.Slice(0, ChecksumOffset), pseudoHeader);
        return InternetChecksum.Add(_bytes.Slice(UrgentPointerOffset), sum);
    }

    public TcpFields ToFields() => new()
    {
        SourcePort = SourcePort,
        DestinationPort = DestinationPort,
        SequenceNumber = SequenceNumber,
        AcknowledgmentNumber = AcknowledgmentNumber,
        Flags = Flags,
        Window = Window,
        Checksum = Checksum,
        UrgentPointer = UrgentPointer,
    };

    /// <summary>Writes the header with <paramref name="options"/> (zero-padded to a multiple of 4 bytes)
    /// and returns the header length. The checksum is written as given; compute it once the payload is in
    /// place. Throws when the destination is too small or the options exceed 40 bytes.</summary>
    public static int Encode(Span<byte> destination, in TcpFields fields, ReadOnlySpan<byte> options = default)
    {
        if (options.Length > MaxOptionsLength) HeaderThrow.FieldOutOfRange(nameof(options), "TCP options are at most 40 bytes");
        int headerLength = MinHeaderLength + ((options.Length + 3) & ~3);
        if (destination.Length < headerLength) HeaderThrow.DestinationTooSmall(headerLength, destination.Length);

        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(SourcePortOffset), fields.SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(DestinationPortOffset), fields.DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(SequenceOffset), fields.SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(AcknowledgmentOffset), fields.AcknowledgmentNumber);
        destination[DataOffsetOffset] = (byte)((headerLength >> 2) << 4);
        destination[FlagsOffset] = (byte)fields.Flags;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(WindowOffset), fields.Window);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(ChecksumOffset), fields.Checksum);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(UrgentPointerOffset), fields.UrgentPointer);
        options.CopyTo(destination.Slice(MinHeaderLength));
        destination.Slice(MinHeaderLength + options.Length, headerLength - MinHeaderLength - options.Length).Clear();
        return headerLength;
    }
}
