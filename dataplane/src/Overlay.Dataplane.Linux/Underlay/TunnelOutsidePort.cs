using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Offload;
using Overlay.Dataplane.Ports;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Underlay;

/// <summary>
/// The underlay of a worker with the UDP-tunnel GSO path: ordinary datagrams come and go through the UDP socket(s)
/// (<paramref name="datagrams"/>, batched); super-frames leave whole through the <see cref="UnderlayTap"/> when it
/// can take them, and what tc hands to the TAP is read from it. A worker reads the socket and the TAP each when its
/// own descriptor is ready (both are <see cref="IUnderlayReceiver"/>s); <see cref="Receive"/> reads both, for callers
/// that poll nothing.
/// </summary>
public sealed class TunnelOutsidePort(IOutsidePort datagrams, UnderlayTap tap) : IOutsidePort, ISuperFrameOutside
{
    public UnderlayTap Tap => tap;

    public int Receive(PacketBufferPool pool, PacketBatch batch) => datagrams.Receive(pool, batch) + tap.Receive(pool, batch);

    public int Send(PacketBufferPool pool, PacketBatch batch) => datagrams.Send(pool, batch);

    public bool TrySendSuperFrame(PacketBufferPool pool, int handle, int offset, int length, in VirtioNetHeader header, uint vni, IpAddr remote, uint flowHash) =>
        tap.TrySend(pool, handle, offset, length, header, vni, remote, flowHash);
}
