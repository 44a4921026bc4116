using Overlay.Dataplane.Buffers;

namespace Overlay.Dataplane.Ports;

/// <summary>The outside: the underlay, where VXLAN datagrams come and go.</summary>
public interface IOutsidePort : IUnderlayReceiver
{

    /// <summary>Sends every packet of <paramref name="batch"/>: each is a whole outer IP packet (IPv4 or IPv6
    /// header, UDP header, VXLAN header, frame) addressed to <see cref="PacketBatch.Peers"/>.
    /// Borrowed: the caller keeps the buffers. Returns how many were sent.</summary>
    int Send(PacketBufferPool pool, PacketBatch batch);
}
