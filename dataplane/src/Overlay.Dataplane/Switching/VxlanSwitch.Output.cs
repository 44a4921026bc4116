using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Counters;
using Overlay.Dataplane.Offload;
using Overlay.Dataplane.Vxlan;
using Overlay.Packets;

namespace Overlay.Dataplane.Switching;

public sealed partial class VxlanSwitch
{
    /// <summary>Queues a frame for a local port; owned: the port's batch takes the buffer.</summary>
    private void ToPort(SwitchPort port, int handle, int offset, int length) => ToPort(port, handle, offset, length, VirtioNetHeader.None);

    /// <summary>Queues a frame with its virtio header (a super-frame or partial checksum the port takes whole); owned.</summary>
    private void ToPort(SwitchPort port, int handle, int offset, int length, in VirtioNetHeader header)
    {
        if (!header.IsGso && length > port.MaxFrameLength && !IsTaggedWithin(handle, offset, length, port.MaxFrameLength))
        {
            // The kernel's bridge drops a frame larger than the egress port's MTU (is_skb_forwardable).
            _pool.Return(handle);
            port.Counters.Drops[(int)DropReason.Oversize]++;
            return;
        }
        port.Network.Counters.TxPackets++;
        port.Network.Counters.TxBytes += length;
        var batch = port.TxBatch;
        if (!port.Dirty)
        {
            port.Dirty = true;
            _dirtyPorts[_dirtyCount++] = port.Index;
        }
        batch.Add(handle, offset, length, header);
        if (batch.IsFull) FlushPort(port);
    }

    /// <summary>Encapsulates a frame in place for one remote VTEP and queues it on the underlay; owned.</summary>
    private void ToRemote(SwitchNetwork network, int handle, int offset, int length, IpAddr remote, TrafficCounters ingress)
    {
        var buffer = _pool.Span(handle);
        uint hash = FlowHash.Compute(buffer.Slice(offset, length));
        int start = _encap.Encapsulate(buffer, offset, length, network.Vni, remote, hash);
        if (start < 0)
        {
            Drop(handle, ingress, network.Counters, DropReason.NoUnderlayAddress);
            return;
        }
        int mtu = _encap.Settings.UnderlayMtu;
        if (mtu > 0 && length + (offset - start) > mtu)
        {
            Drop(handle, ingress, network.Counters, DropReason.Oversize);
            return;
        }
        network.Counters.TxPackets++;
        network.Counters.TxBytes += length;
        _underlayTx.Add(handle, start, length + (offset - start), remote);
        if (_underlayTx.IsFull) FlushUnderlay();
    }

    private bool IsTaggedWithin(int handle, int offset, int length, int maxUntagged) =>
        length <= maxUntagged + EthernetView.VlanTagLength
        && EthernetView.TryParse(_pool.Span(handle).Slice(offset, length), out var eth) && eth.HasVlanTag;

    /// <summary>Writes every pending output batch and returns the buffers to the pool.</summary>
    public void Flush()
    {
        for (int i = 0; i < _dirtyCount; i++)
        {
            var port = _portArray[_dirtyPorts[i]];
            port.Dirty = false;
            if (port.TxBatch.Count > 0) FlushPort(port);
        }
        _dirtyCount = 0;
        if (_underlayTx.Count > 0) FlushUnderlay();
    }

    private void FlushPort(SwitchPort port)
    {
        var batch = port.TxBatch;
        int count = batch.Count;
        long bytes = 0;
        for (int i = 0; i < count; i++) bytes += batch.Lengths[i];
        int written = port.Device.Write(_pool, batch); // owned: the device returns the buffers
        port.Counters.TxPackets += written;
        port.Counters.TxBytes += written == count ? bytes : 0;
        port.Counters.Drops[(int)DropReason.TxError] += count - written;
        System.Diagnostics.Debug.Assert(batch.Count == 0, "an inside port must take every buffer it is given");
        batch.Count = 0;
    }

    private void FlushUnderlay()
    {
        var batch = _underlayTx;
        int sent = _outside.Send(_pool, batch);
        long bytes = 0;
        for (int i = 0; i < batch.Count; i++) bytes += batch.Lengths[i];
        Underlay.TxPackets += sent;
        Underlay.TxBytes += sent == batch.Count ? bytes : 0;
        Underlay.Drops[(int)DropReason.TxError] += batch.Count - sent;
        batch.ReturnAll(_pool);
    }
}
