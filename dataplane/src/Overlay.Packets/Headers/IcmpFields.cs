namespace Overlay.Packets;

/// <summary>The 8-byte ICMP (v4 or v6) header that <see cref="IcmpView.Encode"/> and
/// <see cref="Icmpv6View.Encode"/> write.</summary>
public readonly record struct IcmpFields
{
    public byte Type { get; init; }
    public byte Code { get; init; }
    public ushort Checksum { get; init; }
    /// <summary>Bytes 4-7, whose meaning depends on the type (identifier and sequence for echo).</summary>
    public uint RestOfHeader { get; init; }

    /// <summary>An echo request or reply header with a zero checksum.</summary>
    public static IcmpFields Echo(byte type, ushort identifier, ushort sequenceNumber) => new()
    {
        Type = type,
        RestOfHeader = ((uint)identifier << 16) | sequenceNumber,
    };
}
