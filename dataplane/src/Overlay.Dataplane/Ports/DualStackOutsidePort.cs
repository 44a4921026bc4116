using Overlay.Dataplane.Buffers;

namespace Overlay.Dataplane.Ports;

/// <summary>One outside made of an IPv4 and an IPv6 underlay port: receives from both, sends each packet by the
/// family of its destination. Sub-batches are preallocated, so nothing is allocated per call.</summary>
public sealed class DualStackOutsidePort : IOutsidePort
{
    private readonly IOutsidePort _v4;
    private readonly IOutsidePort _v6;
    private readonly PacketBatch _v4Batch;
    private readonly PacketBatch _v6Batch;

    public DualStackOutsidePort(IOutsidePort v4, IOutsidePort v6, int batchSize)
    {
        _v4 = v4;
        _v6 = v6;
        _v4Batch = new PacketBatch(batchSize);
        _v6Batch = new PacketBatch(batchSize);
    }

    public int Receive(PacketBufferPool pool, PacketBatch batch) => _v4.Receive(pool, batch) + _v6.Receive(pool, batch);

    public int Send(PacketBufferPool pool, PacketBatch batch)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            var target = batch.Peers[i].IsV4 ? _v4Batch : _v6Batch;
            target.Add(batch.Handles[i], batch.Offsets[i], batch.Lengths[i], batch.Peers[i], batch.PeerPorts[i]);
        }
        int sent = 0;
        // The sub-batches only borrow the buffers: the caller returns them from the original batch.
        if (_v4Batch.Count > 0) sent += _v4.Send(pool, _v4Batch);
        if (_v6Batch.Count > 0) sent += _v6.Send(pool, _v6Batch);
        _v4Batch.Count = 0;
        _v6Batch.Count = 0;
        return sent;
    }
}
