using Overlay.Dataplane.Bridging;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Counters;
using Overlay.Dataplane.Offload;
using Overlay.Dataplane.Vxlan;
using Overlay.Packets;

namespace Overlay.Dataplane.Switching;

public sealed partial class VxlanSwitch
{
    /// <summary>
    /// Switches a batch of frames read from local port <paramref name="portIndex"/>. Owned: the switch takes
    /// every buffer in <paramref name="rx"/> (forwarded or returned to the pool) and leaves the batch empty.
    /// Flushes the output batches before returning.
    /// </summary>
    public void ProcessInside(int portIndex, PacketBatch rx)
    {
        var port = _portArray[portIndex];
        var network = port.Network;
        long now = _time.GetTimestamp();

        for (int i = 0; i < rx.Count; i++)
        {
            int length = rx.Lengths[i];
            port.Counters.RxPackets++;
            port.Counters.RxBytes += length;
            network.Counters.RxPackets++;
            network.Counters.RxBytes += length;
            InsideFrame(port, rx.Handles[i], rx.Offsets[i], length, rx.Headers[i], now);
        }
        rx.Count = 0;
        Flush();
    }

    /// <summary>Switches one frame from a local port; owned. A super-frame (<paramref name="header"/> says GSO) goes
    /// whole to a local port that takes it or, through an outside that can, to a single remote VTEP; anywhere else it
    /// is segmented first and each segment switched on its own.</summary>
    private void InsideFrame(SwitchPort port, int handle, int offset, int length, in VirtioNetHeader header, long now)
    {
        var network = port.Network;
        var frame = _pool.Span(handle).Slice(offset, length);
        bool super = header.IsGso;
        if (!super && header.NeedsChecksum && GsoSegmenter.CompleteChecksum(frame, header) is not GsoStatus.Ok and var bad)
        {
            Drop(handle, port.Counters, network.Counters, GsoDropReasons.For(bad));
            return;
        }
        if (!EthernetView.TryParse(frame, out var eth))
        {
            Drop(handle, port.Counters, network.Counters, DropReason.Truncated);
            return;
        }
        if (!super && length > port.MaxFrameLength + (eth.HasVlanTag ? EthernetView.VlanTagLength : 0))
        {
            Drop(handle, port.Counters, network.Counters, DropReason.Oversize);
            return;
        }
        var source = eth.Source;
        if (!source.IsValidUnicast)
        {
            Drop(handle, port.Counters, network.Counters, DropReason.InvalidSourceMac);
            return;
        }
        if (network.Settings.Learning && !Learn(network, source, port.Index, default, now))
        {
            Drop(handle, port.Counters, network.Counters, DropReason.StaticConflict);
            return;
        }

        if (!super && network.Settings.ArpProxy
            && (eth.EtherType == EtherTypes.Arp ? TryProxyArp(network, port, eth, handle, offset, length)
                : eth.EtherType == EtherTypes.Ipv6 && TryProxyNeighbourSolicitation(network, port, eth, handle)))
        {
            return;
        }
        ref FdbEntry entry = ref network.Fdb.Lookup(eth.Destination, now);
        bool known = !System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry);
        if (super)
        {
            if (known && TrySuperFrameInside(port, in entry, handle, offset, length, header)) return;
            SegmentInside(port, handle, offset, length, header, now);
            return;
        }
        if (known)
        {
            if (entry.IsLocal)
            {
                if (entry.Port == port.Index) Drop(handle, port.Counters, network.Counters, DropReason.SamePort);
                else ToPort(_portArray[entry.Port], handle, offset, length);
            }
            else
            {
                ToRemotes(network, in entry, handle, offset, length, port.Counters);
            }
            return;
        }
        Flood(network, port.Index, network.Fdb.FloodList, handle, offset, length, port.Counters);
    }

    /// <summary>The super-frame fast paths: to another local port that takes it whole, or to one remote VTEP through
    /// an outside that carries super-frames. False when neither applies (nothing done).</summary>
    private bool TrySuperFrameInside(SwitchPort port, in FdbEntry entry, int handle, int offset, int length, in VirtioNetHeader header)
    {
        var network = port.Network;
        if (entry.IsLocal)
        {
            if (entry.Port == port.Index) return false;
            var target = _portArray[entry.Port];
            if (!target.Device.Accepts(header)) return false;
            ToPort(target, handle, offset, length, header);
            return true;
        }
        if (_superOutside is null || entry.RemoteCount != 1) return false;
        // Datagrams queued before it go first: the same flow's earlier frames must not be overtaken.
        if (_underlayTx.Count > 0) FlushUnderlay();
        uint hash = FlowHash.Compute(_pool.Span(handle).Slice(offset, length));
        if (!_superOutside.TrySendSuperFrame(_pool, handle, offset, length, header, network.Vni, entry.RemoteAt(0), hash)) return false;
        network.Counters.TxPackets++;
        network.Counters.TxBytes += length;
        Underlay.TxPackets++;
        Underlay.TxBytes += length;
        _pool.Return(handle);
        return true;
    }

    /// <summary>Splits a super-frame into MTU-sized frames with complete checksums and switches each.</summary>
    private void SegmentInside(SwitchPort port, int handle, int offset, int length, in VirtioNetHeader header, long now)
    {
        if (!TrySegment(handle, offset, length, header, port.Network.Counters, port.Counters)) return;
        var segments = _segments;
        for (int i = 0; i < segments.Count; i++)
        {
            InsideFrame(port, segments.Handles[i], segments.Offsets[i], segments.Lengths[i], VirtioNetHeader.None, now);
        }
        segments.Count = 0;
    }

    /// <summary>Splits a super-frame into <see cref="_segments"/> (the caller hands each on and empties it) and returns
    /// the super-frame's buffer. False when the segmenter refused it: the drop is counted on
    /// <paramref name="network"/> (and <paramref name="port"/>) and nothing is left to hand on.</summary>
    private bool TrySegment(int handle, int offset, int length, in VirtioNetHeader header, TrafficCounters network, TrafficCounters? port)
    {
        GsoResult result = _segmenter.Segment(_pool.Span(handle).Slice(offset, length), header, _segments);
        _pool.Return(handle);
        if (result.IsOk) return true;
        var reason = GsoDropReasons.For(result.Status);
        network.Drops[(int)reason]++;
        if (port is not null) port.Drops[(int)reason]++;
        return false;
    }

    /// <summary>Learns a source; false when a static entry forbids the frame. With several workers, news goes to
    /// the others' replicas.</summary>
    private bool Learn(SwitchNetwork network, MacAddress source, int port, IpAddr remote, long now)
    {
        switch (network.Fdb.Learn(source, port, remote, now, _shareAfter))
        {
            case LearnResult.StaticConflict:
                return false;
            case LearnResult.Moved:
                network.MacMoves++;
                Share(network, source, port, remote, now);
                return true;
            case LearnResult.Created:
            case LearnResult.RefreshedShare:
                Share(network, source, port, remote, now);
                return true;
            case LearnResult.Full:
                network.LearnFull++;
                return true;
            default:
                return true;
        }
    }

    private void Share(SwitchNetwork network, MacAddress source, int port, IpAddr remote, long now) =>
        _exchange?.Publish(_worker, new SharedLearn(network.Index, source, port, remote, now));

    private void ToRemotes(SwitchNetwork network, in FdbEntry entry, int handle, int offset, int length, TrafficCounters ingress)
    {
        int n = entry.RemoteCount;
        for (int r = 0; r < n - 1; r++)
        {
            if (TryCopy(handle, offset, length, out int copy)) ToRemote(network, copy, PacketBufferPool.Headroom, length, entry.RemoteAt(r), ingress);
            else ingress.Drops[(int)DropReason.NoBuffer]++;
        }
        ToRemote(network, handle, offset, length, entry.RemoteAt(n - 1), ingress);
    }

    /// <summary>Sends a broadcast, multicast or unknown-unicast frame from a local port to every other local
    /// port of its network and to every VTEP of the flood list (head-end replication).</summary>
    private void Flood(SwitchNetwork network, int ingressPort, IpAddr[] remotes, int handle, int offset, int length, TrafficCounters ingress)
    {
        var ports = network.Ports;
        int outputs = remotes.Length + ports.Length - (ingressPort >= 0 ? 1 : 0);
        if (outputs <= 0)
        {
            Drop(handle, ingress, network.Counters, DropReason.NoDestination);
            return;
        }
        int left = outputs;
        foreach (var p in ports)
        {
            if (p.Index == ingressPort) continue;
            left--;
            EmitCopyOrOwn(left == 0, handle, offset, length, ingress, out int h, out int o);
            if (h >= 0) ToPort(p, h, o, length);
        }
        foreach (var remote in remotes)
        {
            left--;
            EmitCopyOrOwn(left == 0, handle, offset, length, ingress, out int h, out int o);
            if (h >= 0) ToRemote(network, h, o, length, remote, ingress);
        }
    }

    private void EmitCopyOrOwn(bool last, int handle, int offset, int length, TrafficCounters ingress, out int outHandle, out int outOffset)
    {
        if (last)
        {
            outHandle = handle;
            outOffset = offset;
            return;
        }
        if (TryCopy(handle, offset, length, out outHandle))
        {
            outOffset = PacketBufferPool.Headroom;
            return;
        }
        ingress.Drops[(int)DropReason.NoBuffer]++;
        outOffset = 0;
    }

    private bool TryCopy(int handle, int offset, int length, out int copy)
    {
        if (!_pool.TryRent(out copy)) return false;
        _pool.Span(handle).Slice(offset, length).CopyTo(_pool.Span(copy).Slice(PacketBufferPool.Headroom));
        return true;
    }

    private void Drop(int handle, TrafficCounters port, TrafficCounters network, DropReason reason)
    {
        _pool.Return(handle);
        port.Drops[(int)reason]++;
        network.Drops[(int)reason]++;
    }
}
