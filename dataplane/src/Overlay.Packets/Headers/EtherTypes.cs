namespace Overlay.Packets;

/// <summary>EtherType values the overlay looks at (IEEE 802 numbers, host order).</summary>
public static class EtherTypes
{
    public const ushort Ipv4 = 0x0800;
    public const ushort Arp = 0x0806;
    public const ushort Ipv6 = 0x86DD;
    /// <summary>IEEE 802.1Q customer VLAN tag protocol identifier.</summary>
    public const ushort Vlan = 0x8100;
    /// <summary>IEEE 802.1ad service VLAN tag protocol identifier (the outer tag of Q-in-Q).</summary>
    public const ushort QinQ = 0x88A8;

    /// <summary>True for the two tag protocol identifiers that introduce a 4-byte VLAN tag.</summary>
    public static bool IsVlanTag(ushort etherType) => etherType is Vlan or QinQ;
}
