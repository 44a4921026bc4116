namespace Overlay.ControlPlane.Endpoints;

/// <summary>What a record is about: one endpoint of one network. Every version of an endpoint, whoever publishes
/// it, has the same key, so a newer record for the key replaces an older one (also when the endpoint moved host).</summary>
public readonly record struct EndpointKey(uint Vni, string EndpointId)
{
    public override string ToString() => $"{Vni}/{EndpointId}";
}
