using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Offload;
using Overlay.Packets;

namespace Overlay.Dataplane.Ports;

/// <summary>An outside that can carry a TCP/UDP super-frame to a remote VTEP whole (UDP-tunnel GSO), so it is
/// segmented by the kernel where needed, or not at all.</summary>
public interface ISuperFrameOutside
{
    /// <summary>Encapsulates and sends the super-frame at <paramref name="offset"/> of <paramref name="handle"/>
    /// (borrowed; its headroom is overwritten) to <paramref name="remote"/>. False, with nothing sent, when this path
    /// cannot take it (the caller segments it and takes the ordinary path); true once it was sent or dropped.</summary>
    bool TrySendSuperFrame(PacketBufferPool pool, int handle, int offset, int length, in VirtioNetHeader header, uint vni, IpAddr remote, uint flowHash);
}
