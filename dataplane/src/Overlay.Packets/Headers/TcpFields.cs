namespace Overlay.Packets;

/// <summary>The fields <see cref="TcpView.Encode"/> writes; the data offset is derived from the options.</summary>
public readonly record struct TcpFields
{
    public ushort SourcePort { get; init; }
    public ushort DestinationPort { get; init; }
    public uint SequenceNumber { get; init; }
    public uint AcknowledgmentNumber { get; init; }
    public TcpFlags Flags { get; init; }
    public ushort Window { get; init; }
    public ushort Checksum { get; init; }
    public ushort UrgentPointer { get; init; }
}
