using System.Buffers.Binary;

namespace Overlay.Packets;

/// <summary>A borrowed view over a UDP datagram (RFC 768), trimmed to its <see cref="Length"/> field.</summary>
public readonly ref struct UdpView
{
    public const int HeaderLength = 8;
    public const int MinLength = HeaderLength;

    private const int SourcePortOffset = 0;
    private const int DestinationPortOffset = 2;
    private const int LengthOffset = 4;
    private const int ChecksumOffset = 6;

    private readonly Span<byte> _bytes;

    private UdpView(Span<byte> bytes) => _bytes = bytes;

    /// <summary>Checks 8 &lt;= length field &lt;= the span and trims the view to the length field.
    /// The checksum is not checked. Never throws.</summary>
    public static bool TryParse(Span<byte> bytes, out UdpView view)
    {
        view = default;
        if (bytes.Length < HeaderLength) return false;
        int length = BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(LengthOffset));
        if (length < HeaderLength || length > bytes.Length) return false;
        view = new UdpView(bytes.Slice(0, length));
        return true;
    }

    /// <summary>The datagram, header and payload, trimmed to <see cref="Length"/>.</summary>
    public Span<byte> Bytes => _bytes;

    public ushort SourcePort => BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(SourcePortOffset));
    public ushort DestinationPort => BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(DestinationPortOffset));
    public ushort Length => BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(LengthOffset));
    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(ChecksumOffset));
    /// <summary>False when the sender left the checksum out (a zero field).</summary>
    public bool HasChecksum => Checksum != 0;
    public Span<byte> Payload => _bytes.Slice(HeaderLength);

    public void SetSourcePort(ushort port) => BinaryPrimitives.WriteUInt16BigEndian(_bytes.Slice(SourcePortOffset), port);
    public void SetDestinationPort(ushort port) => BinaryPrimitives.WriteUInt16BigEndian(_bytes.Slice(DestinationPortOffset), port);
    public void SetLength(ushort length) => BinaryPrimitives.WriteUInt16BigEndian(_bytes.Slice(LengthOffset), length);
    public void SetChecksum(ushort checksum) => BinaryPrimitives.WriteUInt16BigEndian(_bytes.Slice(ChecksumOffset), checksum);

    /// <summary>The checksum to store for this datagram over IPv4 (addresses host order), computed as if
    /// the checksum field were zero. A computed 0 is returned as 0xFFFF (RFC 768), since 0 means "none".</summary>
    public ushort ComputeChecksumV4(uint source, uint destination) =>
        Store(SumWithoutChecksum(InternetChecksum.PseudoHeaderV4(source, destination, IpProtocols.Udp, _bytes.Length)));

    /// <summary>The checksum to store over IPv6, from the 16-byte source and destination addresses.
    /// A computed 0 is returned as 0xFFFF.</summary>
    public ushort ComputeChecksumV6(ReadOnlySpan<byte> source16, ReadOnlySpan<byte> destination16) =>
        Store(SumWithoutChecksum(InternetChecksum.PseudoHeaderV6(source16, destination16, IpProtocols.Udp, _bytes.Length)));

    /// <summary>True when the checksum verifies, or when it is absent (0), which IPv4 allows.</summary>
    public bool IsChecksumValidV4(uint source, uint destination) =>
        !HasChecksum
        || InternetChecksum.IsValid(_bytes, InternetChecksum.PseudoHeaderV4(source, destination, IpProtocols.Udp, _bytes.Length));

    /// <summary>True when the checksum verifies. A zero checksum is invalid over IPv6 (RFC 8200); tunnels
    /// that accept zero checksums (RFC 6935) must check <see cref="HasChecksum"/> first.</summary>
    public bool IsChecksumValidV6(ReadOnlySpan<byte> source16, ReadOnlySpan<byte> destination16) =>
        HasChecksum
        && InternetChecksum.IsValid(_bytes, InternetChecksum.PseudoHeaderV6(source16, destination16, IpProtocols.Udp, _bytes.Length));

    private ulong SumWithoutChecksum(ulong pseudoHeader)
    {
        ulong sum = InternetChecksum.Add(_bytes.Slice(0, ChecksumOffset), pseudoHeader);
        return InternetChecksum.Add(_bytes.Slice(HeaderLength), sum);
    }

    private static ushort Store(ulong sum)
    {
        ushort checksum = InternetChecksum.Finish(sum);
        return checksum == 0 ? (ushort)0xFFFF : checksum;
    }

    public UdpFields ToFields() => new()
    {
        SourcePort = SourcePort,
        DestinationPort = DestinationPort,
        Length = Length,
        Checksum = Checksum,
    };

    /// <summary>Writes the 8-byte header as given and returns 8; compute the checksum once the payload is
    /// in place (<see cref="ComputeChecksumV4"/>) or leave it 0 over IPv4.</summary>
    public static int Encode(Span<byte> destination, in UdpFields fields)
    {
        if (destination.Length < HeaderLength) HeaderThrow.DestinationTooSmall(HeaderLength, destination.Length);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(SourcePortOffset), fields.SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(DestinationPortOffset), fields.DestinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(LengthOffset), fields.Length);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(ChecksumOffset), fields.Checksum);
        return HeaderLength;
    }
}
