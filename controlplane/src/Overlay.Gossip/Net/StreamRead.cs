using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Net;

/// <summary>The outcome of reading one stream message: the error that ended the read, or the message and, for an
/// encrypted one, its nonce (for the replay window).</summary>
internal readonly record struct StreamRead(WireError Error, DecodedMessage Message, UInt128? Nonce)
{
    public static StreamRead Failed(WireError error) => new(error, default, null);
}
