namespace Overlay.Integration.Tests.Rig;

/// <summary>One row of `overlayctl endpoints -o json`: State is local, installed, suspended, shadowed or deleted.</summary>
public sealed record EndpointRow(uint Vni, string Network, string EndpointId, string Mac, IReadOnlyList<string> Addresses, string Vtep,
    string Owner, ulong Version, string State)
{
    public override string ToString() => $"{Vni} {EndpointId} {Mac} [{string.Join(',', Addresses)}] -> {Vtep} owner {Owner} v{Version} {State}";
}
