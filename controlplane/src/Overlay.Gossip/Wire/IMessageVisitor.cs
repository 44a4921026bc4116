namespace Overlay.Gossip.Wire;

/// <summary>Receives the leaf messages that <see cref="MessageWalker"/> finds in a packet.
/// <paramref name="message"/> is borrowed: valid only during the call.</summary>
internal interface IMessageVisitor
{
    void OnMessage(ReadOnlySpan<byte> message);

    /// <summary>One compound part or nested message that was dropped, and why. The walk goes on
    /// with the other parts, as memberlist does.</summary>
    void OnDropped(WireError reason);
}
