namespace Overlay.Control;

/// <summary>Constants of the control protocol shared by overlayd and overlayctl.</summary>
/// <remarks>
/// The protocol is newline-delimited JSON over a unix stream socket: the client writes one <see cref="ControlRequest"/>
/// per line and reads one <see cref="ControlResponse"/> line back, in order. A connection may carry many requests.
/// </remarks>
public static class ControlProtocol
{
    /// <summary>The protocol version this build speaks; a request carrying another version is refused.</summary>
    public const int Version = 1;

    public const string DefaultSocketPath = "/run/overlay/overlayd.sock";

    /// <summary>The environment variable overlayctl reads the socket path from when -s is not given.</summary>
    public const string SocketEnvironmentVariable = "OVERLAY_SOCKET";

    /// <summary>The longest request line the server accepts, newline excluded.</summary>
    public const int DefaultMaxRequestBytes = 1024 * 1024;

    /// <summary>sun_path is 108 bytes on Linux, one of them the terminating NUL.</summary>
    public const int MaxSocketPathBytes = 107;

    /// <summary>The largest VXLAN network identifier (24 bits).</summary>
    public const uint MaxVni = 0xFF_FFFF;
}
