namespace Overlay.Gossip.Messages;

/// <summary>A user message (memberlist's userMsg): the type byte followed by the delegate's opaque bytes, with no
/// msgpack body. Both user broadcasts and direct user messages travel as this record.</summary>
public sealed record UserMessage(byte[] Payload);
