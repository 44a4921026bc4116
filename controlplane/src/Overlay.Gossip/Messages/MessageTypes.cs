namespace Overlay.Gossip.Messages;

/// <summary>Maps a message record to its memberlist <see cref="MessageType"/>. Packets between the core and a
/// transport are lists of these records (<see cref="Ping"/>, <see cref="IndirectPing"/>, <see cref="AckResp"/>,
/// <see cref="NackResp"/>, <see cref="Suspect"/>, <see cref="Alive"/>, <see cref="Dead"/>, <see cref="UserMessage"/>);
/// more than one message in a packet goes on the wire as a compound.</summary>
public static class MessageTypes
{
    /// <summary>The wire type of <paramref name="message"/>; throws for an object that is not a packet message.</summary>
    public static MessageType Of(object message) => message switch
    {
        Ping => MessageType.Ping,
        IndirectPing => MessageType.IndirectPing,
        AckResp => MessageType.AckResp,
        NackResp => MessageType.NackResp,
        Suspect => MessageType.Suspect,
        Alive => MessageType.Alive,
        Dead => MessageType.Dead,
        UserMessage => MessageType.User,
        PushPullMessage => MessageType.PushPull,
        ErrResp => MessageType.Err,
        _ => throw new ArgumentException($"{message.GetType().Name} is not a gossip message record", nameof(message)),
    };
}
