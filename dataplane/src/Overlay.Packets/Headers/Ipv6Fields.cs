namespace Overlay.Packets;

/// <summary>The fields <see cref="Ipv6View.Encode"/> writes. An IPv4 <see cref="IpAddr"/> is written in
/// its IPv4-mapped form (::ffff:a.b.c.d).</summary>
public readonly record struct Ipv6Fields
{
    /// <summary>DSCP (6 bits) and ECN (2 bits).</summary>
    public byte TrafficClass { get; init; }
    /// <summary>The 20-bit flow label.</summary>
    public uint FlowLabel { get; init; }
    /// <summary>Bytes after the fixed 40-byte header, extension headers included.</summary>
    public ushort PayloadLength { get; init; }
    public byte NextHeader { get; init; }
    public byte HopLimit { get; init; }
    public IpAddr Source { get; init; }
    public IpAddr Destination { get; init; }
}
