using Overlay.Dataplane.Bridging;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Counters;
using Overlay.Dataplane.Offload;
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
            bool known = !System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry);
            if (known && !entry.IsLocal)
            {
                DropNetwork(handle, network, DropReason.RemoteToRemote);
                continue;
            }
            var header = rx.Headers[i];
            if (header.IsGso || header.NeedsChecksum)
            {
                // An inner super-frame (or partial checksum) from the UDP-tunnel path: whole to a port that takes it,
                // else made ordinary first.
                if (known && _portArray[entry.Port].Device.Accepts(header))
                {
                    ToPort(_portArray[entry.Port], handle, frameOffset, frameLength, header);
                    continue;
                }
                NormalizeOutside(network, handle, frameOffset, frameLength, header, known ? entry.Port : -1);
                continue;
            }
            if (known)
            {
                ToPort(_portArray[entry.Port], handle, frameOffset, frameLength);
                continue;
            }
            // Broadcast, multicast, unknown unicast: every local port of the network, never back out.
            Flood(network, -1, [], handle, frameOffset, frameLength, network.Counters);
        }
        rx.Count = 0;
        Flush();
    }

    /// <summary>Segments a received inner super-frame (or completes its partial checksum) and sends the ordinary
    /// frames to <paramref name="portIndex"/>, or floods them when it is -1. Owned.</summary>
    private void NormalizeOutside(SwitchNetwork network, int handle, int offset, int length, in VirtioNetHeader header, int portIndex)
    {
        var frame = _pool.Span(handle).Slice(offset, length);
        if (!header.IsGso)
        {
            GsoStatus status = GsoSegmenter.CompleteChecksum(frame, header);
            if (status != GsoStatus.Ok)
            {
                DropNetwork(handle, network, GsoDropReasons.For(status));
                return;
            }
            if (portIndex >= 0) ToPort(_portArray[portIndex], handle, offset, length);
            else Flood(network, -1, [], handle, offset, length, network.Counters);
            return;
        }
        if (!TrySegment(handle, offset, length, header, network.Counters, port: null)) return;
        var segments = _segments;
        for (int i = 0; i < segments.Count; i++)
        {
            if (portIndex >= 0) ToPort(_portArray[portIndex], segments.Handles[i], segments.Offsets[i], segments.Lengths[i]);
            else Flood(network, -1, [], segments.Handles[i], segments.Offsets[i], segments.Lengths[i], network.Counters);
        }
        segments.Count = 0;
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
