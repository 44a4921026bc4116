using Overlay.Dataplane.Bridging;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Counters;
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
        var fdb = network.Fdb;
        bool learning = network.Settings.Learning;
        long now = _time.GetTimestamp();

        for (int i = 0; i < rx.Count; i++)
        {
            int handle = rx.Handles[i];
            int offset = rx.Offsets[i];
            int length = rx.Lengths[i];
            var frame = _pool.Span(handle).Slice(offset, length);

            port.Counters.RxPackets++;
            port.Counters.RxBytes += length;
            network.Counters.RxPackets++;
            network.Counters.RxBytes += length;

            if (!EthernetView.TryParse(frame, out var eth))
            {
                Drop(handle, port.Counters, network.Counters, DropReason.Truncated);
                continue;
            }
            if (length > port.MaxFrameLength + (eth.HasVlanTag ? EthernetView.VlanTagLength : 0))
            {
                Drop(handle, port.Counters, network.Counters, DropReason.Oversize);
                continue;
            }
            var source = eth.Source;
            if (!source.IsValidUnicast)
            {
                Drop(handle, port.Counters, network.Counters, DropReason.InvalidSourceMac);
                continue;
            }
            if (learning && !Learn(network, source, port.Index, default, now))
            {
                Drop(handle, port.Counters, network.Counters, DropReason.StaticConflict);
                continue;
            }

            if (network.Settings.ArpProxy
                && (eth.EtherType == EtherTypes.Arp ? TryProxyArp(network, port, eth, handle, offset, length)
                    : eth.EtherType == EtherTypes.Ipv6 && TryProxyNeighbourSolicitation(network, port, eth, handle)))
            {
                continue;
            }
            ref FdbEntry entry = ref fdb.Lookup(eth.Destination, now);
            if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry))
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
                continue;
            }
            Flood(network, port.Index, fdb.FloodList, handle, offset, length, port.Counters);
        }
        rx.Count = 0;
        Flush();
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
