namespace Overlay.Gossip.Wire;

/// <summary>Bounds on what one stream message may make us hold. memberlist's own: 20 MiB of push
/// state (maxPushStateBytes), also used here for user messages and decompressed payloads.</summary>
internal readonly record struct StreamLimits(int MaxMessageBytes, int MaxNodes, int MaxDecompressedBytes)
{
    public const int MemberlistMaxPushStateBytes = 20 * 1024 * 1024;

    public static StreamLimits Default { get; } = new(MemberlistMaxPushStateBytes, 1 << 16, MemberlistMaxPushStateBytes);
}
