using System.Net.Sockets;

namespace Overlay.Control.Tests;

/// <summary>Leaves a socket file nobody listens on, as a crashed daemon does.</summary>
internal static class StaleSocket
{
    /// <remarks>.NET unlinks a bound socket's file when the socket is disposed, so bind elsewhere and move the file
    /// into place first; the inode outlives the socket and connecting to it is refused.</remarks>
    public static void Create(string path)
    {
        string bound = path + ".tmp";
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(bound));
        File.Move(bound, path);
    }
}
