namespace Overlay.ControlPlane.Endpoints;

/// <summary>How long the endpoint table keeps what it no longer uses.</summary>
public sealed class EndpointTableOptions
{
    /// <summary>How long a tombstone is kept, counted from the withdrawal (NetworkDB: 30 min). While it is kept,
    /// a stale copy of the withdrawn record is recognised as old and ignored.</summary>
    public TimeSpan TombstoneRetention { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long the records of a dead or departed owner stay (suspended, not installed) so that they
    /// come back at once if the owner does. Must be shorter than <see cref="TombstoneRetention"/>: a node that
    /// could not hear a withdrawal for that long could not hear the owner either, saw it dead, and has dropped its
    /// stale copy before any tombstone that would have refuted the copy is collected.</summary>
    public TimeSpan DeadOwnerRetention { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>How long records of an owner that membership has never reported alive are held while waiting for
    /// it to be (a record can outrun its owner's alive message).</summary>
    public TimeSpan UnknownOwnerRetention { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the gossip adapter collects expired tombstones and owners when called back.</summary>
    public TimeSpan CollectInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws naming the first bad setting.</summary>
    public void Validate()
    {
        Check(TombstoneRetention > TimeSpan.Zero,
            $"EndpointTableOptions.TombstoneRetention must be positive (is {TombstoneRetention})");
        Check(DeadOwnerRetention > TimeSpan.Zero && DeadOwnerRetention < TombstoneRetention,
            $"EndpointTableOptions.DeadOwnerRetention must be positive and shorter than TombstoneRetention ({TombstoneRetention}) (is {DeadOwnerRetention})");
        Check(UnknownOwnerRetention > TimeSpan.Zero && UnknownOwnerRetention <= DeadOwnerRetention,
            $"EndpointTableOptions.UnknownOwnerRetention must be positive and at most DeadOwnerRetention ({DeadOwnerRetention}) (is {UnknownOwnerRetention})");
        Check(CollectInterval > TimeSpan.Zero,
            $"EndpointTableOptions.CollectInterval must be positive (is {CollectInterval})");
    }

    private static void Check(bool ok, string message)
    {
        if (!ok)
        {
            throw new InvalidOperationException(message);
        }
    }
}
