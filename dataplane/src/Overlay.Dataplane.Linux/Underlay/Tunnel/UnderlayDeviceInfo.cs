using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Underlay.Tunnel;

/// <summary>The interface that holds the underlay address: its name (what tc and the neighbour table take), its
/// index and its MAC (the source MAC of frames the daemon writes; <see cref="MacAddress.Zero"/> when the device
/// has no Ethernet address, e.g. loopback or an L3 tunnel, where the fast path cannot be used).</summary>
public sealed record UnderlayDeviceInfo(string Name, int IfIndex, MacAddress Mac);
