using Overlay.ControlPlane.Endpoints;
using Overlay.ControlPlane.Projection;

namespace Overlay.ControlPlane.Tests.Simulation;

/// <summary>The projection rule written the slow, obvious way, from scratch, for differential tests.</summary>
internal static class ProjectionModel
{
    public static DataplaneState Compute(IEnumerable<EndpointRecord> records, Func<EndpointRecord, bool> eligible, string self)
    {
        var macWinners = records
            .Where(r => !r.Deleted && eligible(r))
            .GroupBy(r => new RemoteKey(r.Vni, r.Mac))
            .ToDictionary(g => g.Key, g => g.Aggregate((a, b) => Greater(a, b)));
        var ipWinners = macWinners.Values
            .SelectMany(r => r.Addresses.Select(ip => (Key: new NeighbourKey(r.Vni, ip), Record: r)))
            .GroupBy(x => x.Key)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Record).Aggregate((a, b) => Greater(a, b)));
        var state = new DataplaneState();
        foreach (var (key, r) in macWinners)
        {
            if (r.Owner != self)
            {
                state.SetRemote(key, r.Vtep);
            }
        }
        foreach (var (key, r) in ipWinners)
        {
            if (r.Owner != self)
            {
                state.SetNeighbour(key, r.Mac);
            }
        }
        return state;
    }

    /// <summary>(version, owner, endpoint id), compared field by field.</summary>
    private static EndpointRecord Greater(EndpointRecord a, EndpointRecord b)
    {
        if (a.Version != b.Version)
        {
            return a.Version > b.Version ? a : b;
        }
        int owner = string.CompareOrdinal(a.Owner, b.Owner);
        if (owner != 0)
        {
            return owner > 0 ? a : b;
        }
        return string.CompareOrdinal(a.EndpointId, b.EndpointId) >= 0 ? a : b;
    }
}
