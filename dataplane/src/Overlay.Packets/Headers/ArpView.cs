using System.Buffers.Binary;

namespace Overlay.Packets;

/// <summary>A borrowed view over an ARP packet for Ethernet hardware and IPv4 protocol addresses
/// (RFC 826): the only kind the overlay answers or learns from. Anything else fails to parse.</summary>
public readonly ref struct ArpView
{
    /// <summary>The length of the Ethernet/IPv4 ARP body.</summary>
    public const int HeaderLength = 28;
    public const int MinLength = HeaderLength;
    public const ushort HardwareTypeEthernet = 1;
    public const byte EthernetAddressLength = 6;
    public const byte Ipv4AddressLength = 4;
    public const ushort OperationRequest = 1;
    public const ushort OperationReply = 2;

    private const int HardwareTypeOffset = 0;
    private const int ProtocolTypeOffset = 2;
    private const int HardwareLengthOffset = 4;
    private const int ProtocolLengthOffset = 5;
    private const int OperationOffset = 6;
    private const int SenderMacOffset = 8;
    private const int SenderIpOffset = 14;
    private const int TargetMacOffset = 18;
    private const int TargetIpOffset = 24;

    private readonly Span<byte> _bytes;

    private ArpView(Span<byte> bytes) => _bytes = bytes;

    /// <summary>True for a complete Ethernet/IPv4 ARP body (htype 1, ptype 0x0800, hlen 6, plen 4).
    /// Never throws.</summary>
    public static bool TryParse(Span<byte> bytes, out ArpView view)
    {
        if (bytes.Length < HeaderLength
            || BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(HardwareTypeOffset)) != HardwareTypeEthernet
            || BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(ProtocolTypeOffset)) != EtherTypes.Ipv4
            || bytes[HardwareLengthOffset] != EthernetAddressLength
            || bytes[ProtocolLengthOffset] != Ipv4AddressLength)
        {
            view = default;
            return false;
        }
        view = new ArpView(bytes);
        return true;
    }

    /// <summary>The bytes this view was parsed from, including any trailing padding.</summary>
    public Span<byte> Bytes => _bytes;

    public ushort Operation => BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(OperationOffset));
    public bool IsRequest => Operation == OperationRequest;
    public bool IsReply => Operation == OperationReply;

    public MacAddress SenderMac => MacAddress.Read(_bytes.Slice(SenderMacOffset));
    /// <summary>Sender protocol address, host order.</summary>
    public uint SenderIp => BinaryPrimitives.ReadUInt32BigEndian(_bytes.Slice(SenderIpOffset));
    public MacAddress TargetMac => MacAddress.Read(_bytes.Slice(TargetMacOffset));
    /// <summary>Target protocol address, host order.</summary>
    public uint TargetIp => BinaryPrimitives.ReadUInt32BigEndian(_bytes.Slice(TargetIpOffset));

    /// <summary>A gratuitous ARP announces its own address: sender and target IP are equal.</summary>
    public bool IsGratuitous => SenderIp == TargetIp;

    /// <summary>Whatever follows the 28-byte body; normally Ethernet padding.</summary>
    public Span<byte> Payload => _bytes.Slice(HeaderLength);

    public void SetOperation(ushort operation) => BinaryPrimitives.WriteUInt16BigEndian(_bytes.Slice(OperationOffset), operation);
    public void SetSenderMac(MacAddress mac) => mac.Write(_bytes.Slice(SenderMacOffset));
    public void SetSenderIp(uint ip) => BinaryPrimitives.WriteUInt32BigEndian(_bytes.Slice(SenderIpOffset), ip);
    public void SetTargetMac(MacAddress mac) => mac.Write(_bytes.Slice(TargetMacOffset));
    public void SetTargetIp(uint ip) => BinaryPrimitives.WriteUInt32BigEndian(_bytes.Slice(TargetIpOffset), ip);

    public ArpFields ToFields() => new()
    {
        Operation = Operation,
        SenderMac = SenderMac,
        SenderIp = SenderIp,
        TargetMac = TargetMac,
        TargetIp = TargetIp,
    };

    /// <summary>Writes a 28-byte Ethernet/IPv4 ARP body and returns 28.</summary>
    public static int Encode(Span<byte> destination, in ArpFields fields)
    {
        if (destination.Length < HeaderLength) HeaderThrow.DestinationTooSmall(HeaderLength, destination.Length);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(HardwareTypeOffset), HardwareTypeEthernet);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(ProtocolTypeOffset), EtherTypes.Ipv4);
        destination[HardwareLengthOffset] = EthernetAddressLength;
        destination[ProtocolLengthOffset] = Ipv4AddressLength;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(OperationOffset), fields.Operation);
        fields.SenderMac.Write(destination.Slice(SenderMacOffset));
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(SenderIpOffset), fields.SenderIp);
        fields.TargetMac.Write(destination.Slice(TargetMacOffset));
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(TargetIpOffset), fields.TargetIp);
        return HeaderLength;
    }
}
