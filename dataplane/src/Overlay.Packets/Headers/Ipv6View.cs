using System.Buffers.Binary;

namespace Overlay.Packets;

/// <summary>A borrowed view over an IPv6 packet (RFC 8200). The view ends at the end of the payload, so
/// Ethernet padding is excluded. Jumbograms (payload length 0 with a Jumbo option) are not supported:
/// they parse as an empty payload.</summary>
public readonly ref struct Ipv6View
{
    public const int HeaderLength = 40;
    public const int MinLength = HeaderLength;
    public const uint MaxFlowLabel = 0x000F_FFFF;
    /// <summary>How many extension headers <see cref="TryFindTransport"/> walks before giving up.</summary>
    public const int MaxExtensionHeaders = 8;

    private const int VersionClassFlowOffset = 0;
    private const int PayloadLengthOffset = 4;
    private const int NextHeaderOffset = 6;
    private const int HopLimitOffset = 7;
    private const int SourceOffset = 8;
    private const int DestinationOffset = 24;
    private const int AddressLength = 16;

    private readonly Span<byte> _bytes;

    private Ipv6View(Span<byte> bytes) => _bytes = bytes;

    /// <summary>Checks version 6, the fixed header, and that the payload length fits in the span; the
    /// view is trimmed to header plus payload. Extension headers are not validated. Never throws.</summary>
    public static bool TryParse(Span<byte> bytes, out Ipv6View view)
    {
        view = default;
        if (bytes.Length < HeaderLength || bytes[VersionClassFlowOffset] >> 4 != 6) return false;
        int total = HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(PayloadLengthOffset));
        if (total > bytes.Length) return false;
        view = new Ipv6View(bytes.Slice(0, total));
        return true;
    }

    /// <summary>The packet, header and payload, trimmed to 40 + <see cref="PayloadLength"/>.</summary>
    public Span<byte> Bytes => _bytes;

    private uint VersionClassFlow => BinaryPrimitives.ReadUInt32BigEndian(_bytes.Slice(VersionClassFlowOffset));
    public byte TrafficClass => (byte)(VersionClassFlow >> 20);
    public byte Dscp => (byte)(TrafficClass >> 2);
    public byte Ecn => (byte)(TrafficClass & 0x03);
    public uint FlowLabel => VersionClassFlow & MaxFlowLabel;
    public ushort PayloadLength => BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(PayloadLengthOffset));
    /// <summary>The type of the first header after the fixed header (maybe an extension header).</summary>
    public byte NextHeader => _bytes[NextHeaderOffset];
    public byte HopLimit => _bytes[HopLimitOffset];

    public Span<byte> SourceBytes => _bytes.Slice(SourceOffset, AddressLength);
    public Span<byte> DestinationBytes => _bytes.Slice(DestinationOffset, AddressLength);
    public IpAddr Source => IpAddr.ReadV6(SourceBytes);
    public IpAddr Destination => IpAddr.ReadV6(DestinationBytes);

    /// <summary>Everything after the fixed header: extension headers, then the upper-layer packet.</summary>
    public Span<byte> Payload => _bytes.Slice(HeaderLength);

    public void SetTrafficClass(byte trafficClass)
    {
        uint word = (VersionClassFlow & 0xF00F_FFFF) | ((uint)trafficClass << 20);
        BinaryPrimitives.WriteUInt32BigEndian(_bytes.Slice(VersionClassFlowOffset), word);
    }

    public void SetPayloadLength(ushort length) => BinaryPrimitives.WriteUInt16BigEndian(_bytes.Slice(PayloadLengthOffset), length);
    public void SetHopLimit(byte hopLimit) => _bytes[HopLimitOffset] = hopLimit;
    public void SetSource(in IpAddr address) => address.WriteV6(SourceBytes);
    public void SetDestination(in IpAddr address) => address.WriteV6(DestinationBytes);

    /// <summary>Walks hop-by-hop, routing, destination-options, fragment and AH headers to the upper-layer
    /// header. On true, <paramref name="protocol"/> is its number (TCP, UDP, ICMPv6, ESP, ...) and
    /// <paramref name="offset"/> its start within <see cref="Payload"/>. False when a header is truncated,
    /// the chain ends in "no next header", the packet is a non-first fragment (no upper-layer header here),
    /// or more than <see cref="MaxExtensionHeaders"/> extension headers precede it. Never throws.</summary>
    public bool TryFindTransport(out byte protocol, out int offset)
    {
        ReadOnlySpan<byte> payload = Payload;
        byte next = NextHeader;
        int at = 0;
        for (int walked = 0; walked <= MaxExtensionHeaders; walked++)
        {
            int length;
            switch (next)
            {
                case IpProtocols.Ipv6HopByHop:
                case IpProtocols.Ipv6Routing:
                case IpProtocols.Ipv6DestinationOptions:
                    if (payload.Length - at < 8) goto NotFound;
                    length = (payload[at + 1] + 1) * 8;
                    break;
                case IpProtocols.Ipv6Fragment:
                    if (payload.Length - at < 8) goto NotFound;
                    // Offset (13 bits) in the top of bytes 2-3; a non-first fragment has no transport header.
                    if ((BinaryPrimitives.ReadUInt16BigEndian(payload.Slice(at + 2)) & 0xFFF8) != 0) goto NotFound;
                    length = 8;
                    break;
                case IpProtocols.Ah:
                    if (payload.Length - at < 8) goto NotFound;
                    length = (payload[at + 1] + 2) * 4;
                    break;
                case IpProtocols.Ipv6NoNextHeader:
                    goto NotFound;
                default:
                    protocol = next;
                    offset = at;
                    return true;
            }
            if (length > payload.Length - at) goto NotFound;
            next = payload[at];
            at += length;
        }

    NotFound:
        protocol = 0;
        offset = 0;
        return false;
    }

    public Ipv6Fields ToFields() => new()
    {
        TrafficClass = TrafficClass,
        FlowLabel = FlowLabel,
        PayloadLength = PayloadLength,
        NextHeader = NextHeader,
        HopLimit = HopLimit,
        Source = Source,
        Destination = Destination,
    };

    /// <summary>Writes the 40-byte fixed header and returns 40. Throws when the destination is too small or
    /// the flow label does not fit in 20 bits.</summary>
    public static int Encode(Span<byte> destination, in Ipv6Fields fields)
    {
        if (fields.FlowLabel > MaxFlowLabel) HeaderThrow.FieldOutOfRange(nameof(fields.FlowLabel), "the flow label has 20 bits");
        if (destination.Length < HeaderLength) HeaderThrow.DestinationTooSmall(HeaderLength, destination.Length);
        uint word = (6u << 28) | ((uint)fields.TrafficClass << 20) | fields.FlowLabel;
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(VersionClassFlowOffset), word);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(PayloadLengthOffset), fields.PayloadLength);
        destination[NextHeaderOffset] = fields.NextHeader;
        destination[HopLimitOffset] = fields.HopLimit;
        fields.Source.WriteV6(destination.Slice(SourceOffset, AddressLength));
        fields.Destination.WriteV6(destination.Slice(DestinationOffset, AddressLength));
        return HeaderLength;
    }
}
