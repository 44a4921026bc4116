namespace Overlay.Control;

/// <summary>A control request failed: overlayd refused it, answered something unusable, or could not be reached.
/// The message is meant for the operator as is.</summary>
public class ControlException : Exception
{
    public ControlException(string message)
        : base(message)
    {
    }

    public ControlException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
