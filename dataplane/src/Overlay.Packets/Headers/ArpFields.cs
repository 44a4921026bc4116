namespace Overlay.Packets;

/// <summary>The fields of an Ethernet/IPv4 ARP packet for <see cref="ArpView.Encode"/>; IPv4 addresses in host order.</summary>
public readonly record struct ArpFields
{
    /// <summary><see cref="ArpView.OperationRequest"/> or <see cref="ArpView.OperationReply"/>.</summary>
    public ushort Operation { get; init; }
    public MacAddress SenderMac { get; init; }
    public uint SenderIp { get; init; }
    public MacAddress TargetMac { get; init; }
    public uint TargetIp { get; init; }
}
