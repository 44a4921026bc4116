using System.Buffers.Binary;

namespace Overlay.Packets;

/// <summary>A borrowed view over an Ethernet II frame (without FCS), optionally carrying one 802.1Q or
/// 802.1ad tag. Q-in-Q frames expose the outer tag; <see cref="EtherType"/> is then the inner TPID and
/// <see cref="Payload"/> starts at the inner tag.</summary>
public readonly ref struct EthernetView
{
    public const int MinLength = UntaggedHeaderLength;
    public const int UntaggedHeaderLength = 14;
    public const int TaggedHeaderLength = 18;
    public const int VlanTagLength = 4;
    /// <summary>The largest VLAN id that names a VLAN (4095 is reserved).</summary>
    public const ushort MaxVlanId = 4094;

    private const int DestinationOffset = 0;
    private const int SourceOffset = 6;
    private const int OuterTypeOffset = 12;
    private const int TciOffset = 14;
    private const int InnerTypeOffset = 16;

    private readonly Span<byte> _bytes;

    private EthernetView(Span<byte> bytes) => _bytes = bytes;

    /// <summary>Validates that the header (and the tag, if the outer type announces one) fits.
    /// Never throws; a frame too short for its header returns false.</summary>
    public static bool TryParse(Span<byte> bytes, out EthernetView view)
    {
        if (bytes.Length < UntaggedHeaderLength
            || (EtherTypes.IsVlanTag(BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(OuterTypeOffset)))
                && bytes.Length < TaggedHeaderLength))
        {
            view = default;
            return false;
        }
        view = new EthernetView(bytes);
        return true;
    }

    /// <summary>The whole frame this view was parsed from.</summary>
    public Span<byte> Bytes => _bytes;

    public MacAddress Destination => MacAddress.Read(_bytes.Slice(DestinationOffset));
    public MacAddress Source => MacAddress.Read(_bytes.Slice(SourceOffset));

    /// <summary>The type field right after the source address: a TPID when the frame is tagged.</summary>
    public ushort OuterEtherType => BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(OuterTypeOffset));

    public bool HasVlanTag => EtherTypes.IsVlanTag(OuterEtherType);

    /// <summary>The type of <see cref="Payload"/>, after the tag when there is one.</summary>
    public ushort EtherType => BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(HasVlanTag ? InnerTypeOffset : OuterTypeOffset));

    /// <summary>The tag protocol identifier, or 0 when the frame is untagged.</summary>
    public ushort TagProtocol => HasVlanTag ? OuterEtherType : (ushort)0;

    /// <summary>Tag control information (PCP, DEI, VID), or 0 when the frame is untagged.</summary>
    public ushort VlanTci => HasVlanTag ? BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(TciOffset)) : (ushort)0;

    /// <summary>The 12-bit VLAN id, or 0 when the frame is untagged (0 is also "priority tag only").</summary>
    public ushort VlanId => (ushort)(VlanTci & 0x0FFF);

    /// <summary>The 3-bit priority code point, or 0 when the frame is untagged.</summary>
    public byte VlanPriority => (byte)(VlanTci >> 13);

    public int HeaderLength => HasVlanTag ? TaggedHeaderLength : UntaggedHeaderLength;

    public Span<byte> Payload => _bytes.Slice(HeaderLength);

    public void SetDestination(MacAddress mac) => mac.Write(_bytes.Slice(DestinationOffset));
    public void SetSource(MacAddress mac) => mac.Write(_bytes.Slice(SourceOffset));

    public EthernetFields ToFields() => new()
    {
        Destination = Destination,
        Source = Source,
        EtherType = EtherType,
        HasVlanTag = HasVlanTag,
        TagProtocol = TagProtocol,
        VlanTci = VlanTci,
    };

    /// <summary>Writes the header (14 bytes, or 18 with a tag) at the start of <paramref name="destination"/>
    /// and returns its length. Throws for a destination too small or a tag protocol that is not a VLAN TPID.</summary>
    public static int Encode(Span<byte> destination, in EthernetFields fields)
    {
        int length = fields.HasVlanTag ? TaggedHeaderLength : UntaggedHeaderLength;
        if (destination.Length < length) HeaderThrow.DestinationTooSmall(length, destination.Length);

        fields.Destination.Write(destination.Slice(DestinationOffset));
        fields.Source.Write(destination.Slice(SourceOffset));
        if (!fields.HasVlanTag)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(OuterTypeOffset), fields.EtherType);
            return length;
        }

        ushort tpid = fields.TagProtocol == 0 ? EtherTypes.Vlan : fields.TagProtocol;
        if (!EtherTypes.IsVlanTag(tpid)) HeaderThrow.FieldOutOfRange(nameof(fields.TagProtocol), "must be 0x8100 or 0x88A8");
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(OuterTypeOffset), tpid);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(TciOffset), fields.VlanTci);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(InnerTypeOffset), fields.EtherType);
        return length;
    }
}
