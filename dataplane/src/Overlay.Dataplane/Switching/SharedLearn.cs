using Overlay.Packets;

namespace Overlay.Dataplane.Switching;

/// <summary>A source address one worker learned, told to the other workers: MAC <see cref="Mac"/> of network
/// <see cref="Network"/> (its index) was seen behind local port <see cref="Port"/> (or, with port -1, behind
/// remote VTEP <see cref="Remote"/>) at <see cref="Seen"/> (<see cref="TimeProvider.GetTimestamp"/> ticks).</summary>
public readonly record struct SharedLearn(int Network, MacAddress Mac, int Port, IpAddr Remote, long Seen);
