using Overlay.Dataplane.Buffers;
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

    private const int NaLength = EthernetView.UntaggedHeaderLength + Ipv6View.HeaderLength + 32;

    /// <summary>IPv6 neighbour solicitation (the kernel's neigh_reduce): a solicitation from a local port for a
    /// known address is answered with a solicited neighbour advertisement carrying the target's MAC; a solicitation
    /// for an unknown address or for duplicate address detection (source ::) is consumed. Other ICMPv6 is switched as usual.
    /// Returns true when the frame was consumed (owned).</summary>
    private bool TryProxyNeighbourSolicitation(SwitchNetwork network, SwitchPort port, EthernetView eth, int handle)
    {
        if (eth.HasVlanTag || !Ipv6View.TryParse(eth.Payload, out var ip) || ip.NextHeader != 58 || ip.HopLimit != 255) return false;
        if (!Icmpv6View.TryParse(ip.Payload, out var icmp) || icmp.Type != Icmpv6View.TypeNeighborSolicitation || icmp.Code != 0
            || icmp.Payload.Length < 16)
        {
            return false;
        }
        var target = IpAddr.ReadV6(icmp.Payload.Slice(0, 16)); // after type, code, checksum and 4 reserved bytes
        var source = ip.Source;
        if (source.IsNone || !network.Neighbours.TryGet(target, out var targetMac) || !_pool.TryRent(out int reply))
        {
            Drop(handle, port.Counters, network.Counters, DropReason.ArpProxyMiss);
            return true;
        }
        var requesterMac = eth.Source;
        var frame = _pool.Span(reply).Slice(PacketBufferPool.Headroom, NaLength);
        requesterMac.Write(frame);
        targetMac.Write(frame.Slice(6));
        frame[12] = 0x86;
        frame[13] = 0xDD;
        var v6 = frame.Slice(EthernetView.UntaggedHeaderLength, Ipv6View.HeaderLength);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(v6, 0x6000_0000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(v6.Slice(4), 32);
        v6[6] = 58;
        v6[7] = 255;
        target.WriteV6(v6.Slice(8, 16));
        source.WriteV6(v6.Slice(24, 16));
        var na = frame.Slice(EthernetView.UntaggedHeaderLength + Ipv6View.HeaderLength, 32);
        na.Clear();
        na[0] = Icmpv6View.TypeNeighborAdvertisement;
        na[4] = 0x60; // Solicited and Override; not a router
        target.WriteV6(na.Slice(8, 16));
        na[24] = 2; // target link-layer address option, one 8-byte unit
        na[25] = 1;
        targetMac.Write(na.Slice(26));
        ulong sum = InternetChecksum.PseudoHeaderV6(v6.Slice(8, 16), v6.Slice(24, 16), 58, 32);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(na.Slice(2), InternetChecksum.Finish(InternetChecksum.Add(na, sum)));
        _pool.Return(handle);
        network.ArpReplies++;
        ToPort(port, reply, PacketBufferPool.Headroom, NaLength);
        return true;
    }

    /// <summary>Adds or replaces a neighbour (control path).</summary>
    public void NeighbourSet(SwitchNetwork network, IpAddr address, MacAddress mac) => network.Neighbours.Set(address, mac);

    public bool NeighbourRemove(SwitchNetwork network, IpAddr address) => network.Neighbours.Remove(address);
}
