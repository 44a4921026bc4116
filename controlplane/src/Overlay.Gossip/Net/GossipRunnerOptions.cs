namespace Overlay.Gossip.Net;

/// <summary>How a <see cref="GossipRunner"/> drives its node. Validated when the runner is created.</summary>
public sealed record GossipRunnerOptions
{
    public static GossipRunnerOptions Default { get; } = new();

    /// <summary>Received packets waiting for the node thread; more are dropped (counted as
    /// <see cref="TransportDropReason.QueueFull"/>) so a flood cannot grow memory without bound.</summary>
    public int MaxQueuedPackets { get; init; } = 4096;

    /// <summary>How long a graceful stop waits for the leave message to be disseminated (memberlist's Leave
    /// timeout) before shutting down anyway.</summary>
    public TimeSpan LeaveTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Work items handled between two timer checks, so a busy queue cannot starve the probe timers.</summary>
    public int MaxBatch { get; init; } = 256;

    public void Validate()
    {
        var errors = new List<string>();
        if (MaxQueuedPackets < 1)
        {
            errors.Add($"GossipRunnerOptions.MaxQueuedPackets must be 1 or more (is {MaxQueuedPackets})");
        }
        if (LeaveTimeout < TimeSpan.Zero)
        {
            errors.Add($"GossipRunnerOptions.LeaveTimeout must not be negative (is {LeaveTimeout})");
        }
        if (MaxBatch < 1)
        {
            errors.Add($"GossipRunnerOptions.MaxBatch must be 1 or more (is {MaxBatch})");
        }
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid gossip runner options: " + string.Join("; ", errors));
        }
    }
}
