using Overlay.Dataplane.Buffers;

namespace Overlay.Dataplane.Ports;

/// <summary>The outside: the underlay, where VXLAN datagrams come and go.</summary>
public interface IOutsidePort
{
    /// <summary>Receives datagrams until none is ready or <paramref name="batch"/> is full. Each packet in the
    /// batch is the UDP payload (the VXLAN header onward), placed at <see cref="PacketBufferPool.Headroom"/> or
    /// later in a rented buffer, with <see cref="PacketBatch.Peers"/> and <see cref="PacketBatch.PeerPorts"/>
    /// set to the datagram's source. The batch owns the buffers. Returns how many were appended.</summary>
    int Receive(PacketBufferPool pool, PacketBatch batch);

    /// <summary>Sends every packet of <paramref name="batch"/>: each is a whole outer IP packet (IPv4 or IPv6
    /// header, UDP header, VXLAN header, frame) addressed to <see cref="PacketBatch.Peers"/>.
    /// Borrowed: the caller keeps the buffers. Returns how many were sent.</summary>
    int Send(PacketBufferPool pool, PacketBatch batch);
}
