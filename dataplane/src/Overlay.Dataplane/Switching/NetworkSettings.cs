namespace Overlay.Dataplane.Switching;

/// <summary>A network's switching options (the kernel VXLAN device's per-device options). Immutable.</summary>
public sealed record NetworkSettings
{
    public required string Name { get; init; }
    /// <summary>VXLAN network identifier, 0..16777215.</summary>
    public required uint Vni { get; init; }
    /// <summary>Learn source MACs from local ports and from decapsulated frames (the kernel's [no]learning).</summary>
    public bool Learning { get; init; } = true;
    /// <summary>Lifetime of learned entries (the kernel's ageing, default 300 s).</summary>
    public TimeSpan Ageing { get; init; } = TimeSpan.FromSeconds(300);
    /// <summary>Answer ARP requests from local ports out of the neighbour table and never flood them (the kernel
    /// VXLAN device's <c>proxy</c>; Docker's overlay turns it on and fills the table from its gossip).</summary>
    public bool ArpProxy { get; init; }
    /// <summary>Cap on forwarding entries, 0 = none (the kernel's maxaddress).</summary>
    public int MaxAddresses { get; init; }
}
