namespace Overlay.Gossip.Security;

/// <summary>What protects packets and streams, as memberlist's Config has it: the label (empty =
/// none), the keyring (null = no encryption), GossipVerifyIncoming/Outgoing (turned off one at a
/// time to roll encryption out on a running cluster), and SkipInboundLabelCheck (to roll a label out).</summary>
internal sealed record GossipSecurityOptions
{
    public static GossipSecurityOptions None { get; } = new();

    public ReadOnlyMemory<byte> Label { get; init; }

    public Keyring? Keyring { get; init; }

    public bool VerifyIncoming { get; init; } = true;

    public bool VerifyOutgoing { get; init; } = true;

    public bool SkipInboundLabelCheck { get; init; }

    public bool EncryptionEnabled => Keyring is { Current.IsEmpty: false };
}
