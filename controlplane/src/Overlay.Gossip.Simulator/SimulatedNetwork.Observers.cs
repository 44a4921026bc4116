using Overlay.Gossip.Membership;
using Overlay.Gossip.Messages;

namespace Overlay.Gossip.Simulator;

// What the simulator sees that no node can: which hosts are really up, so it can time arrivals and count live
// members falsely declared dead.
public sealed partial class SimulatedNetwork
{
    private readonly Dictionary<string, ArrivalWatch> _stateWatches = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _stateWatchVersions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ArrivalWatch> _deathWatches = new(StringComparer.Ordinal);
    private readonly HashSet<(string Name, uint Incarnation)> _falseDeaths = new();
    private readonly HashSet<string> _falselyDeadHosts = new(StringComparer.Ordinal);

    /// <summary>Count dead notices about hosts that are up (off while a partition makes them expected).</summary>
    public bool CountFalsePositives { get; set; } = true;

    /// <summary>Observations (observer, member) of an up host being marked dead.</summary>
    public long FalseDeadObservations { get; private set; }

    /// <summary>Distinct (member, incarnation) declared dead while the member was up: false failure detections.</summary>
    public int FalseDeadDeclarations => _falseDeaths.Count;

    /// <summary>Distinct up hosts declared dead at least once.</summary>
    public int FalselyDeadHosts => _falselyDeadHosts.Count;

    /// <summary>Times when each host first holds version <paramref name="version"/> (or newer) of user key
    /// <paramref name="key"/>.</summary>
    public ArrivalWatch WatchUserState(string key, long version)
    {
        var watch = new ArrivalWatch(_hosts.Count, Clock.NowTicks);
        _stateWatches[key] = watch;
        _stateWatchVersions[key] = version;
        foreach (SimHost host in _hosts)
        {
            if (host.Up && host.Application!.VersionOf(key) >= version)
            {
                watch.Mark(host.Index, Clock.NowTicks);
            }
        }
        return watch;
    }

    /// <summary>Times when each host first sees <paramref name="subject"/> dead or left.</summary>
    public ArrivalWatch WatchDeath(SimHost subject)
    {
        var watch = new ArrivalWatch(_hosts.Count, Clock.NowTicks);
        _deathWatches[subject.Name] = watch;
        return watch;
    }

    internal void OnUserState(SimHost host, string key, long version)
    {
        if (_stateWatches.TryGetValue(key, out ArrivalWatch? watch) && version >= _stateWatchVersions[key])
        {
            watch.Mark(host.Index, Clock.NowTicks);
        }
    }

    /// <summary>The host's application may have changed any entry: look at every watched key.</summary>
    internal void OnUserStateChanged(SimHost host)
    {
        foreach (var (key, watch) in _stateWatches)
        {
            if (host.Index < watch.Arrivals.Length && watch.Arrivals[host.Index] < 0
                && host.Application!.VersionOf(key) >= _stateWatchVersions[key])
            {
                watch.Mark(host.Index, Clock.NowTicks);
            }
        }
    }

    internal void OnLeave(SimHost observer, in Member member)
    {
        if (_deathWatches.TryGetValue(member.Name, out ArrivalWatch? watch))
        {
            watch.Mark(observer.Index, Clock.NowTicks);
        }
        if (CountFalsePositives && member.State == NodeStateKind.Dead && _byName.TryGetValue(member.Name, out SimHost? subject) && subject.Up)
        {
            FalseDeadObservations++;
            _falseDeaths.Add((member.Name, member.Incarnation));
            _falselyDeadHosts.Add(member.Name);
        }
    }
}
