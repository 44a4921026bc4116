using Overlay.Dataplane.Buffers;

namespace Overlay.Dataplane.Ports;

/// <summary>One source of VXLAN datagrams on the underlay (a socket, the UDP-tunnel TAP): a worker reads each source
/// only when its own descriptor is ready.</summary>
public interface IUnderlayReceiver
{
    /// <summary>Receives datagrams until none is ready or <paramref name="batch"/> is full. Each packet in the
    /// batch is the UDP payload (the VXLAN header onward), placed at <see cref="PacketBufferPool.Headroom"/> or
    /// later in a rented buffer, with <see cref="PacketBatch.Peers"/> and <see cref="PacketBatch.PeerPorts"/>
    /// set to the datagram's source. The batch owns the buffers. Returns how many were appended.</summary>
    int Receive(PacketBufferPool pool, PacketBatch batch);
}
