namespace Overlay.ControlPlane.Endpoints;

/// <summary>
/// The one total order every node uses, so every node picks the same record whatever order news arrived in.
/// Between versions of one key: (version, owner, owner's boot). Between claims on one MAC or IP by different keys:
/// (version, owner, endpoint id).
/// </summary>
internal static class RecordOrder
{
    /// <summary>Orders two records of the same key: the later write wins; equal versions from two writers (two
    /// nodes that published the same endpoint concurrently) are broken by the owner's name, and equal versions from
    /// two lives of one owner by the boot id. The boot id only makes the order total (every node keeps the same
    /// record, whatever order the two arrived in); it does not say which life is newer. That is what versions do:
    /// a new life writes above its earlier life (<see cref="EndpointTable"/>'s hybrid clock), and a copy of the
    /// earlier life that still wins is refuted by the owner when it sees it.</summary>
    public static int CompareWrites(EndpointRecord a, EndpointRecord b)
    {
        int c = a.Version.CompareTo(b.Version);
        if (c != 0)
        {
            return c;
        }
        c = string.CompareOrdinal(a.Owner, b.Owner);
        return c != 0 ? c : a.OwnerBoot.CompareTo(b.OwnerBoot);
    }

    /// <summary>Orders two claims on the same MAC or IP address of one network.</summary>
    public static int CompareClaims(EndpointRecord a, EndpointRecord b)
    {
        int c = CompareWrites(a, b);
        return c != 0 ? c : string.CompareOrdinal(a.EndpointId, b.EndpointId);
    }
}
