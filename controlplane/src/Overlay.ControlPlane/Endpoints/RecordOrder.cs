namespace Overlay.ControlPlane.Endpoints;

/// <summary>
/// The one total order every node uses, so every node picks the same record whatever order news arrived in.
/// Between versions of one key: (version, owner). Between claims on one MAC or IP by different keys:
/// (version, owner, endpoint id).
/// </summary>
internal static class RecordOrder
{
    /// <summary>Orders two records of the same key: the later write wins; equal versions from two writers (two
    /// nodes that published the same endpoint concurrently) are broken by the owner's name.</summary>
    public static int CompareWrites(EndpointRecord a, EndpointRecord b)
    {
        int c = a.Version.CompareTo(b.Version);
        return c != 0 ? c : string.CompareOrdinal(a.Owner, b.Owner);
    }

    /// <summary>Orders two claims on the same MAC or IP address of one network.</summary>
    public static int CompareClaims(EndpointRecord a, EndpointRecord b)
    {
        int c = CompareWrites(a, b);
        return c != 0 ? c : string.CompareOrdinal(a.EndpointId, b.EndpointId);
    }
}
