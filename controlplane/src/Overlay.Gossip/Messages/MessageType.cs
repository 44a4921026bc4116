namespace Overlay.Gossip.Messages;

/// <summary>memberlist's message types: the first byte of every UDP packet and TCP stream message
/// (memberlist net.go, messageType). The numbers are the wire values and must not change.</summary>
public enum MessageType : byte
{
    Ping = 0,
    IndirectPing = 1,
    AckResp = 2,
    Suspect = 3,
    Alive = 4,
    Dead = 5,
    PushPull = 6,
    Compound = 7,
    User = 8,
    Compress = 9,
    Encrypt = 10,
    NackResp = 11,
    HasCrc = 12,
    Err = 13,
    /// <summary>A label header ("has label"), which goes in front of everything else.</summary>
    HasLabel = 244,
}
