namespace Overlay.Packets;

/// <summary>The fields <see cref="Ipv4View.Encode"/> writes. The version, header length and header
/// checksum are derived; addresses are host order.</summary>
public readonly record struct Ipv4Fields
{
    /// <summary>Type of service: DSCP (6 bits) and ECN (2 bits).</summary>
    public byte Tos { get; init; }
    /// <summary>Header plus payload, in bytes.</summary>
    public ushort TotalLength { get; init; }
    public ushort Identification { get; init; }
    public bool DontFragment { get; init; }
    public bool MoreFragments { get; init; }
    /// <summary>Offset of this fragment in bytes; a multiple of 8, at most 65528.</summary>
    public ushort FragmentOffset { get; init; }
    public byte Ttl { get; init; }
    public byte Protocol { get; init; }
    public uint Source { get; init; }
    public uint Destination { get; init; }
}
