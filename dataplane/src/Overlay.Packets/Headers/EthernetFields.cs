namespace Overlay.Packets;

/// <summary>The fields <see cref="EthernetView.Encode"/> writes. With <see cref="HasVlanTag"/> a single
/// 4-byte tag (<see cref="TagProtocol"/>, <see cref="VlanTci"/>) sits between the source address and
/// <see cref="EtherType"/>.</summary>
public readonly record struct EthernetFields
{
    public MacAddress Destination { get; init; }
    public MacAddress Source { get; init; }
    /// <summary>The type of the payload (after the tag, when there is one).</summary>
    public ushort EtherType { get; init; }
    public bool HasVlanTag { get; init; }
    /// <summary>Tag protocol identifier: <see cref="EtherTypes.Vlan"/> or <see cref="EtherTypes.QinQ"/>;
    /// 0 encodes as <see cref="EtherTypes.Vlan"/>. Ignored without a tag.</summary>
    public ushort TagProtocol { get; init; }
    /// <summary>Tag control information: PCP (3 bits), DEI (1 bit), VLAN id (12 bits). Ignored without a tag.</summary>
    public ushort VlanTci { get; init; }
}
