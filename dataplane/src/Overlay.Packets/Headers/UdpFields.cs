namespace Overlay.Packets;

/// <summary>The fields <see cref="UdpView.Encode"/> writes.</summary>
public readonly record struct UdpFields
{
    public ushort SourcePort { get; init; }
    public ushort DestinationPort { get; init; }
    /// <summary>Header plus payload, in bytes (at least 8).</summary>
    public ushort Length { get; init; }
    /// <summary>The checksum to store; 0 means "none" over IPv4.</summary>
    public ushort Checksum { get; init; }
}
