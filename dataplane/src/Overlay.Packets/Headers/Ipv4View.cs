using System.Buffers.Binary;

namespace Overlay.Packets;

/// <summary>A borrowed view over an IPv4 packet (RFC 791). The view ends at <see cref="TotalLength"/>,
/// so Ethernet padding after the packet is not part of <see cref="Payload"/>.</summary>
public readonly ref struct Ipv4View
{
    public const int MinLength = 20;
    public const int MinHeaderLength = 20;
    public const int MaxHeaderLength = 60;
    public const int MaxOptionsLength = MaxHeaderLength - MinHeaderLength;

    private const int VersionIhlOffset = 0;
    private const int TosOffset = 1;
    private const int TotalLengthOffset = 2;
    private const int IdentificationOffset = 4;
    private const int FlagsFragmentOffset = 6;
    private const int TtlOffset = 8;
    private const int ProtocolOffset = 9;
    private const int ChecksumOffset = 10;
    private const int SourceOffset = 12;
    private const int DestinationOffset = 16;

    private const ushort DontFragmentBit = 0x4000;
    private const ushort MoreFragmentsBit = 0x2000;
    private const ushort FragmentOffsetMask = 0x1FFF;

    private readonly Span<byte> _bytes;

    private Ipv4View(Span<byte> bytes) => _bytes = bytes;

    /// <summary>Checks version 4, IHL at least 5, and header length &lt;= total length &lt;= the span.
    /// The view is trimmed to the total length. Never throws; the header checksum is not checked.</summary>
    public static bool TryParse(Span<byte> bytes, out Ipv4View view)
    {
        view = default;
        if (bytes.Length < MinHeaderLength) return false;
        byte versionIhl = bytes[VersionIhlOffset];
        if (versionIhl >> 4 != 4) return false;
        int headerLength = (versionIhl & 0x0F) * 4;
        if (headerLength < MinHeaderLength) return false;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(TotalLengthOffset));
        if (totalLength < headerLength || totalLength > bytes.Length) return false;
        view = new Ipv4View(bytes.Slice(0, totalLength));
        return true;
    }

    /// <summary>The packet, header and payload, trimmed to <see cref="TotalLength"/>.</summary>
    public Span<byte> Bytes => _bytes;

    public int HeaderLength => (_bytes[VersionIhlOffset] & 0x0F) * 4;
    public bool HasOptions => HeaderLength > MinHeaderLength;
    public Span<byte> Options => _bytes.Slice(MinHeaderLength, HeaderLength - MinHeaderLength);
    public Span<byte> Header => _bytes.Slice(0, HeaderLength);
    public Span<byte> Payload => _bytes.Slice(HeaderLength);

    public byte Tos => _bytes[TosOffset];
    public byte Dscp => (byte)(Tos >> 2);
    public byte Ecn => (byte)(Tos & 0x03);
    public ushort TotalLength => BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(TotalLengthOffset));
    public ushort Identification => BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(IdentificationOffset));

    private ushort FlagsAndFragment => BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(FlagsFragmentOffset));
    public bool DontFragment => (FlagsAndFragment & DontFragmentBit) != 0;
    public bool MoreFragments => (FlagsAndFragment & MoreFragmentsBit) != 0;
    /// <summary>The fragment offset in bytes (the wire field times 8).</summary>
    public ushort FragmentOffset => (ushort)((FlagsAndFragment & FragmentOffsetMask) << 3);
    /// <summary>True for any fragment, first or not: more fragments follow or the offset is non-zero.</summary>
    public bool IsFragment => (FlagsAndFragment & (MoreFragmentsBit | FragmentOffsetMask)) != 0;

    public byte Ttl => _bytes[TtlOffset];
    public byte Protocol => _bytes[ProtocolOffset];
    public ushort HeaderChecksum => BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(ChecksumOffset));

    /// <summary>Source address, host order.</summary>
    public uint Source => BinaryPrimitives.ReadUInt32BigEndian(_bytes.Slice(SourceOffset));
    /// <summary>Destination address, host order.</summary>
    public uint Destination => BinaryPrimitives.ReadUInt32BigEndian(_bytes.Slice(DestinationOffset));
    public IpAddr SourceAddress => IpAddr.FromV4(Source);
    public IpAddr DestinationAddress => IpAddr.FromV4(Destination);

    /// <summary>True when the header, including its checksum field, sums to all ones.</summary>
    public bool IsHeaderChecksumValid() => InternetChecksum.IsValid(Header);

    /// <summary>The checksum the header should carry, computed as if the checksum field were zero.</summary>
    public ushort ComputeHeaderChecksum()
    {
        ulong sum = InternetChecksum.Add(_bytes.Slice(0, ChecksumOffset));
        sum = InternetChecksum.Add(_bytes.Slice(SourceOffset, HeaderLength - SourceOffset), sum);
        return InternetChecksum.Finish(sum);
    }

    /// <summary>Recomputes the header checksum and stores it.</summary>
    public void UpdateHeaderChecksum() => SetHeaderChecksum(ComputeHeaderChecksum());

    // The setters below write one field in place and leave the header checksum alone: follow them with
    // UpdateHeaderChecksum, or patch it with InternetChecksum.Update.
    public void SetTos(byte tos) => _bytes[TosOffset] = tos;
    public void SetTotalLength(ushort totalLength) => BinaryPrimitives.WriteUInt16BigEndian(_bytes.Slice(TotalLengthOffset), totalLength);
    public void SetIdentification(ushort id) => BinaryPrimitives.WriteUInt16BigEndian(_bytes.Slice(IdentificationOffset), id);
    public void SetTtl(byte ttl) => _bytes[TtlOffset] = ttl;
    public void SetProtocol(byte protocol) => _bytes[ProtocolOffset] = protocol;
    public void SetHeaderChecksum(ushort checksum) => BinaryPrimitives.WriteUInt16BigEndian(_bytes.Slice(ChecksumOffset), checksum);
    public void SetSource(uint address) => BinaryPrimitives.WriteUInt32BigEndian(_bytes.Slice(SourceOffset), address);
    public void SetDestination(uint address) => BinaryPrimitives.WriteUInt32BigEndian(_bytes.Slice(DestinationOffset), address);

    /// <summary>The encodable fields (options and the checksum are not part of them).</summary>
    public Ipv4Fields ToFields() => new()
    {
        Tos = Tos,
        TotalLength = TotalLength,
        Identification = Identification,
        DontFragment = DontFragment,
        MoreFragments = MoreFragments,
        FragmentOffset = FragmentOffset,
        Ttl = Ttl,
        Protocol = Protocol,
        Source = Source,
        Destination = Destination,
    };

    /// <summary>Writes the header with <paramref name="options"/> (zero-padded to a multiple of 4 bytes)
    /// and a correct header checksum; returns the header length. The payload is the caller's. Throws when
    /// the destination is too small, the options exceed 40 bytes, or the fragment offset is not a multiple of 8.</summary>
    public static int Encode(Span<byte> destination, in Ipv4Fields fields, ReadOnlySpan<byte> options = default)
    {
        if (options.Length > MaxOptionsLength) HeaderThrow.FieldOutOfRange(nameof(options), "IPv4 options are at most 40 bytes");
        if ((fields.FragmentOffset & 7) != 0) HeaderThrow.FieldOutOfRange(nameof(fields.FragmentOffset), "must be a multiple of 8");
        int headerLength = MinHeaderLength + ((options.Length + 3) & ~3);
        if (destination.Length < headerLength) HeaderThrow.DestinationTooSmall(headerLength, destination.Length);

        destination[VersionIhlOffset] = (byte)(0x40 | (headerLength >> 2));
        destination[TosOffset] = fields.Tos;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(TotalLengthOffset), fields.TotalLength);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(IdentificationOffset), fields.Identification);
        int flags = (fields.DontFragment ? DontFragmentBit : 0) | (fields.MoreFragments ? MoreFragmentsBit : 0) | (fields.FragmentOffset >> 3);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(FlagsFragmentOffset), (ushort)flags);
        destination[TtlOffset] = fields.Ttl;
        destination[ProtocolOffset] = fields.Protocol;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(ChecksumOffset), 0);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(SourceOffset), fields.Source);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(DestinationOffset), fields.Destination);
        options.CopyTo(destination.Slice(MinHeaderLength));
        destination.Slice(MinHeaderLength + options.Length, headerLength - MinHeaderLength - options.Length).Clear();

        ushort checksum = InternetChecksum.Compute(destination.Slice(0, headerLength));
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(ChecksumOffset), checksum);
        return headerLength;
    }
}
