using System.Text;

namespace Overlay.Control;

/// <summary>Settings of <see cref="ControlServer"/>; checked by <see cref="Validate"/> when the server is built.</summary>
public sealed class ControlServerOptions
{
    /// <summary>Where the unix socket is created. Its parent directory is created when missing.</summary>
    public string SocketPath { get; set; } = ControlProtocol.DefaultSocketPath;

    /// <summary>The longest request line accepted; a longer one is answered with an error and the connection closed.</summary>
    public int MaxRequestBytes { get; set; } = ControlProtocol.DefaultMaxRequestBytes;

    /// <summary>Receives what deserves an operator's attention: handler failures, refused requests, accept and I/O
    /// errors. The message is complete on its own; the exception is given when there is one.</summary>
    public Action<string, Exception?>? Log { get; set; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the bad setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(SocketPath))
        {
            throw new ArgumentException("Control.SocketPath is empty; give the path of the control socket, e.g. " + ControlProtocol.DefaultSocketPath + ".");
        }

        if (!Path.IsPathFullyQualified(SocketPath))
        {
            throw new ArgumentException($"Control.SocketPath '{SocketPath}' is not an absolute path.");
        }

        if (Path.EndsInDirectorySeparator(SocketPath))
        {
            throw new ArgumentException($"Control.SocketPath '{SocketPath}' names a directory; give a file name in it, e.g. overlayd.sock.");
        }

        int bytes = Encoding.UTF8.GetByteCount(SocketPath);
        if (bytes > ControlProtocol.MaxSocketPathBytes)
        {
            throw new ArgumentException(
                $"Control.SocketPath '{SocketPath}' is {bytes} bytes long; a unix socket path may be at most {ControlProtocol.MaxSocketPathBytes}.");
        }

        if (MaxRequestBytes < 1024)
        {
            throw new ArgumentException($"Control.MaxRequestBytes is {MaxRequestBytes}; it must be at least 1024.");
        }
    }
}
