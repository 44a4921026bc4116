using System.Globalization;
using Overlay.Dataplane.Bridging;
using Overlay.Dataplane.Switching;
using Overlay.Packets;

namespace Overlay.Daemon.Gossip;

/// <summary>One change the control plane asked of the switch, queued until its batch is handed to the switch
/// worker. <see cref="Address"/> is the VTEP for the forwarding kinds and the endpoint's IP for the neighbour kinds.</summary>
internal readonly record struct SwitchChange(SwitchChange.Kinds Kind, uint Vni, MacAddress Mac, IpAddr Address)
{
    internal enum Kinds : byte
    {
        SetRemote,
        RemoveRemote,
        SetNeighbour,
        RemoveNeighbour,
    }

    /// <summary>Applies the change; false when the switch refused it (a full forwarding table). An unknown network is
    /// not a failure: there is nothing of it to keep in step. Runs on the switch worker's thread.</summary>
    public bool ApplyTo(VxlanSwitch sw)
    {
        if (!sw.TryGetNetwork(Vni, out SwitchNetwork network)) return true;
        switch (Kind)
        {
            case Kinds.SetRemote:
                // Replace semantics: a learned entry for the MAC never blocks the control plane's.
                return sw.FdbUpdate(network, FdbChange.Replace, Mac, null, Address, FdbEntryKind.Static) == FdbResult.Ok;
            case Kinds.RemoveRemote:
                // Only the entry the control plane installed: a local port or another VTEP may have taken the MAC since.
                if (network.Fdb.TryGet(Mac, out FdbEntry entry) && !entry.IsLocal && entry.Remote == Address) sw.FdbDelete(network, Mac, default);
                return true;
            case Kinds.SetNeighbour:
                sw.NeighbourSet(network, Address, Mac);
                return true;
            default:
                if (network.Neighbours.TryGet(Address, out MacAddress current) && current == Mac) sw.NeighbourRemove(network, Address);
                return true;
        }
    }

    public override string ToString() => Kind switch
    {
        Kinds.SetRemote => string.Create(CultureInfo.InvariantCulture, $"set {Mac} -> {Address} in VNI {Vni}"),
        Kinds.RemoveRemote => string.Create(CultureInfo.InvariantCulture, $"remove {Mac} -> {Address} from VNI {Vni}"),
        Kinds.SetNeighbour => string.Create(CultureInfo.InvariantCulture, $"set neighbour {Address} -> {Mac} in VNI {Vni}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"remove neighbour {Address} -> {Mac} from VNI {Vni}"),
    };
}
