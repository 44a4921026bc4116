using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Offload;

namespace Overlay.Dataplane.Ports;

/// <summary>The inside: an endpoint's Ethernet port (a TAP device, or a fake in tests).</summary>
public interface IInsidePort
{
    /// <summary>Reads frames until none is ready or <paramref name="batch"/> is full. Each frame goes into a
    /// buffer rented from <paramref name="pool"/> at offset <see cref="PacketBufferPool.Headroom"/>; the batch
    /// owns the buffers. Returns how many frames were appended (0 when nothing was ready).</summary>
    int Read(PacketBufferPool pool, PacketBatch batch);

    /// <summary>Writes every frame of <paramref name="batch"/>. Owned: the port takes every buffer (it may hold
    /// some back to coalesce them with the next ones) and leaves the batch empty. Returns how many of the
    /// frames were written; the rest were dropped by the device.</summary>
    int Write(PacketBufferPool pool, PacketBatch batch);

    /// <summary>True when <see cref="Write"/> takes a frame with <paramref name="header"/> as it is (a super-frame, a
    /// partial checksum); otherwise the switch segments it or completes its checksum first.</summary>
    bool Accepts(in VirtioNetHeader header) => !header.IsGso && !header.NeedsChecksum;
}
