using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Wire.Tests;

/// <summary>Collects what <see cref="MessageWalker"/> reports.</summary>
internal struct CollectingVisitor() : IMessageVisitor
{
    public List<byte[]> Messages { get; } = [];

    public List<WireError> Dropped { get; } = [];

    public readonly void OnMessage(ReadOnlySpan<byte> message) => Messages.Add(message.ToArray());

    public readonly void OnDropped(WireError reason) => Dropped.Add(reason);
}
