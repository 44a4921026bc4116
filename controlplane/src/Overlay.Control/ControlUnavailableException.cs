namespace Overlay.Control;

/// <summary>overlayd could not be reached on its socket: not running, wrong path, or no permission.</summary>
public sealed class ControlUnavailableException : ControlException
{
    public ControlUnavailableException(string socketPath, string message, Exception innerException)
        : base(message, innerException)
    {
        SocketPath = socketPath;
    }

    public string SocketPath { get; }
}
