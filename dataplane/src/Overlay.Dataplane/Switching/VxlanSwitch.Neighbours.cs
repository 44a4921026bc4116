using Overlay.Dataplane.Counters;
using Overlay.Packets;

namespace Overlay.Dataplane.Switching;

/// <summary>ARP proxy (the kernel VXLAN device's <c>proxy</c>, arp_reduce): a request from a local port is
/// answered from the network's neighbour table by rewriting it in place into the reply, and is never flooded.</summary>
public sealed partial class VxlanSwitch
{
    /// <summary>Handles an ARP frame; returns true when it was consumed (answered or dropped), false when it is not a
    /// request and should be switched as usual. Owned when consumed.</summary>
    private bool TryProxyArp(SwitchNetwork network, SwitchPort port, EthernetView eth, int handle, int offset, int length)
    {
        if (!ArpView.TryParse(eth.Payload, out var arp) || !arp.IsRequest) return false;
        var target = IpAddr.FromV4(arp.TargetIp);
        if (arp.TargetIp == arp.SenderIp || !network.Neighbours.TryGet(target, out var targetMac))
        {
            // Gratuitous or unknown: consumed without an answer, as the kernel does.
            Drop(handle, port.Counters, network.Counters, DropReason.ArpProxyMiss);
            return true;
        }
        var requesterMac = arp.SenderMac;
        uint requesterIp = arp.SenderIp;
        uint targetIp = arp.TargetIp;
        eth.SetDestination(requesterMac);
        eth.SetSource(targetMac);
        arp.SetOperation(ArpView.OperationReply);
        arp.SetSenderMac(targetMac);
        arp.SetSenderIp(targetIp);
        arp.SetTargetMac(requesterMac);
        arp.SetTargetIp(requesterIp);
        network.ArpReplies++;
        ToPort(port, handle, offset, length);
        return true;
    }

    /// <summary>Adds or replaces a neighbour (control path).</summary>
    public void NeighbourSet(SwitchNetwork network, IpAddr address, MacAddress mac) => network.Neighbours.Set(address, mac);

    public bool NeighbourRemove(SwitchNetwork network, IpAddr address) => network.Neighbours.Remove(address);
}
