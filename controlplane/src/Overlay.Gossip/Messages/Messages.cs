namespace Overlay.Gossip.Messages;

// The protocol's messages, one record per memberlist message body. Field names follow memberlist's Go structs
// (their msgpack keys are these names with the first letter capitalised, e.g. "SeqNo", "Node", "SourceAddr").
// Addresses are raw bytes (4 for IPv4, 16 for IPv6) as memberlist sends net.IP; Meta and Payload are opaque.
// Vsn is memberlist's 6-byte version vector: [ProtocolMin, ProtocolMax, ProtocolCur, DelegateMin, DelegateMax, DelegateCur].

/// <summary>A probe. SourceAddr/SourcePort/SourceNode name the sender so the target can answer directly.</summary>
public sealed record Ping(uint SeqNo, string Node, byte[]? SourceAddr, ushort SourcePort, string? SourceNode);

/// <summary>Ask a member to probe <see cref="Target"/> for us (SWIM's ping-req). Nack: the asker wants a nack
/// if the target does not answer (Lifeguard).</summary>
public sealed record IndirectPing(uint SeqNo, byte[] Target, ushort Port, string Node, bool Nack, byte[]? SourceAddr, ushort SourcePort, string? SourceNode);

public sealed record AckResp(uint SeqNo, byte[]? Payload);

public sealed record NackResp(uint SeqNo);

public sealed record Suspect(uint Incarnation, string Node, string From);

public sealed record Alive(uint Incarnation, string Node, byte[] Addr, ushort Port, byte[]? Meta, byte[] Vsn);

/// <summary>Dead. When From == Node the member is leaving on its own (graceful leave).</summary>
public sealed record Dead(uint Incarnation, string Node, string From);

/// <summary>The header of a push/pull state exchange (TCP): how many node states follow, the length of the
/// user state after them, and whether this is a join.</summary>
public sealed record PushPullHeader(int Nodes, int UserStateLen, bool Join);

/// <summary>One member in a push/pull exchange.</summary>
public sealed record PushNodeState(string Name, byte[] Addr, ushort Port, byte[]? Meta, uint Incarnation, NodeStateKind State, byte[] Vsn);

/// <summary>An error answer on a TCP stream.</summary>
public sealed record ErrResp(string Error);
