namespace Overlay.Integration.Tests.Rig;

/// <summary>A network (VNI) with its static flood list and local endpoints.</summary>
public sealed record OverlaydNetwork(string Name, int Vni, IReadOnlyList<string> Flood, IReadOnlyList<OverlaydEndpoint> Endpoints);
