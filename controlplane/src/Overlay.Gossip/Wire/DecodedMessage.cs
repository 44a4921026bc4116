using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Wire;

/// <summary>One leaf message of a packet: its type and its record (<see cref="Ping"/>,
/// <see cref="IndirectPing"/>, <see cref="AckResp"/>, <see cref="NackResp"/>, <see cref="Suspect"/>,
/// <see cref="Alive"/>, <see cref="Dead"/>, <see cref="ErrResp"/>) or, for
/// <see cref="MessageType.User"/>, the payload as an owned byte[].</summary>
internal readonly record struct DecodedMessage(MessageType Type, object Body);
