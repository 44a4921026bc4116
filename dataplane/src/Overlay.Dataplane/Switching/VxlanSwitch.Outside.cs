using Overlay.Dataplane.Bridging;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Counters;
using Overlay.Packets;

namespace Overlay.Dataplane.Switching;

public sealed partial class VxlanSwitch
{
    /// <summary>
    /// Decapsulates and switches a batch of VXLAN datagrams received from the underlay (each packet is the UDP
    /// payload, with its source in <see cref="PacketBatch.Peers"/>). Owned: the switch takes every buffer and
    /// leaves the batch empty. Flushes the output batches before returning.
    /// </summary>
    public void ProcessOutside(PacketBatch rx)
    {
        long now = _time.GetTimestamp();
        ulong tolerated = _encap.Settings.ReservedBitsMask;
        var underlay = Underlay;

        for (int i = 0; i < rx.Count; i++)
        {
            int handle = rx.Handles[i];
            int offset = rx.Offsets[i];
            int length = rx.Lengths[i];
            IpAddr peer = rx.Peers[i];
            var datagram = _pool.Span(handle).Slice(offset, length);
            underlay.RxPackets++;
            underlay.RxBytes += length;

            if (!VxlanView.TryParse(datagram, out var vxlan))
            {
                DropUnderlay(handle, DropReason.Truncated);
                continue;
            }
            if (!vxlan.HasIFlag)
            {
                DropUnderlay(handle, DropReason.VxlanInvalidFlags);
                continue;
            }
            if ((vxlan.ReservedBits & ~tolerated) != 0)
            {
                DropUnderlay(handle, DropReason.VxlanReservedBits);
                continue;
            }
            if (IsOwnAddress(peer))
            {
                DropUnderlay(handle, DropReason.OwnVtepSource);
                continue;
            }
            if (!_byVni.TryGetValue(vxlan.Vni, out var network))
            {
                DropUnderlay(handle, DropReason.UnknownVni);
                continue;
            }
            if (!EthernetView.TryParse(vxlan.Payload, out var eth))
            {
                DropUnderlay(handle, DropReason.Truncated);
                continue;
            }

            int frameOffset = offset + VxlanView.HeaderLength;
            int frameLength = length - VxlanView.HeaderLength;
            network.Counters.RxPackets++;
            network.Counters.RxBytes += frameLength;

            var source = eth.Source;
            if (!source.IsValidUnicast)
            {
                DropNetwork(handle, network, DropReason.InvalidSourceMac);
                continue;
            }
            if (network.Settings.Learning && !Learn(network, source, -1, peer, now))
            {
                DropNetwork(handle, network, DropReason.StaticConflict);
                continue;
            }

            ref FdbEntry entry = ref network.Fdb.Lookup(eth.Destination, now);
            if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry))
            {
                if (entry.IsLocal) ToPort(_portArray[entry.Port], handle, frameOffset, frameLength);
                else DropNetwork(handle, network, DropReason.RemoteToRemote);
                continue;
            }
            // Broadcast, multicast, unknown unicast: every local port of the network, never back out.
            Flood(network, -1, [], handle, frameOffset, frameLength, network.Counters);
        }
        rx.Count = 0;
        Flush();
    }

    private void DropUnderlay(int handle, DropReason reason)
    {
        _pool.Return(handle);
        Underlay.Drops[(int)reason]++;
    }

    private void DropNetwork(int handle, SwitchNetwork network, DropReason reason)
    {
        _pool.Return(handle);
        network.Counters.Drops[(int)reason]++;
    }
}
