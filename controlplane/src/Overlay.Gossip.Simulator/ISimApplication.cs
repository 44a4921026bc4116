namespace Overlay.Gossip.Simulator;

/// <summary>
/// What runs on top of gossip on a simulated host, one instance per node life: the node's
/// <see cref="IGossipDelegate"/>, plus what the simulator reads of its state to time arrivals. The network creates
/// one per <see cref="SimulatedNetwork.Start"/> with <see cref="SimulatedNetwork.Applications"/>.
/// </summary>
public interface ISimApplication : IGossipDelegate
{
    /// <summary>The version this host holds of the entry <paramref name="key"/> (tombstones included), or -1.</summary>
    long VersionOf(string key);

    /// <summary>How often the host's owner calls <see cref="Maintain"/> on the node's thread (overlayd's periodic
    /// housekeeping); null for never.</summary>
    TimeSpan? MaintainInterval => null;

    /// <summary>Periodic housekeeping, every <see cref="MaintainInterval"/> while the node lives.</summary>
    void Maintain()
    {
    }
}
