namespace Overlay.ControlPlane.Endpoints;

// Owner liveness (fed by membership) and collection of what is no longer needed.
public sealed partial class EndpointTable
{
    private readonly Dictionary<string, OwnerState> _owners = new(StringComparer.Ordinal);

    /// <summary>Membership reports <paramref name="owner"/> alive, in the life named by <paramref name="bootId"/>
    /// (0: it announces none). Its records written in that life are installed again. Returns whether anything
    /// changed.</summary>
    public bool SetOwnerAlive(string owner, ulong bootId)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (IsSelf(owner))
        {
            return false;
        }
        if (_owners.TryGetValue(owner, out OwnerState state) && state.Kind == OwnerStateKind.Alive && state.Boot == bootId)
        {
            return false;
        }
        _owners[owner] = new OwnerState(OwnerStateKind.Alive, bootId, Now);
        InvalidateOwner(owner);
        return true;
    }

    /// <summary>Membership reports <paramref name="owner"/> dead or departed: its records are suspended (withdrawn
    /// from the dataplane, kept here). Returns whether anything changed.</summary>
    public bool SetOwnerGone(string owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (IsSelf(owner))
        {
            return false;
        }
        bool known = _owners.TryGetValue(owner, out OwnerState state);
        if (known && state.Kind == OwnerStateKind.Gone)
        {
            return false;
        }
        _owners[owner] = new OwnerState(OwnerStateKind.Gone, known ? state.Boot : 0, Now);
        InvalidateOwner(owner);
        return true;
    }

    /// <summary>Whether <paramref name="owner"/> is alive as far as this table knows (we always are).</summary>
    public bool IsOwnerAlive(string owner) =>
        IsSelf(owner) || (_owners.TryGetValue(owner, out OwnerState s) && s.Kind == OwnerStateKind.Alive);

    /// <summary>Whether a record may be installed: live, and written by us or by an owner that is alive in the
    /// life that wrote it (a member that announces no boot id, or a record that carries none, is taken at its
    /// word).</summary>
    public bool IsEligible(EndpointRecord record)
    {
        if (record.Deleted)
        {
            return false;
        }
        if (IsSelf(record.Owner))
        {
            return true;
        }
        return _owners.TryGetValue(record.Owner, out OwnerState s)
            && s.Kind == OwnerStateKind.Alive
            && (s.Boot == 0 || record.OwnerBoot == 0 || s.Boot == record.OwnerBoot);
    }

    /// <summary>Drops tombstones older than the retention and the records of owners gone (or never announced)
    /// for longer than allowed. Returns how many records were dropped.</summary>
    public int Collect()
    {
        DateTimeOffset now = Now;
        List<EndpointRecord>? drop = null;
        foreach (EndpointRecord r in _records.Values)
        {
            if (r.Deleted && now - r.DeletedAt >= _options.TombstoneRetention)
            {
                (drop ??= []).Add(r);
                Counters.TombstonesCollected++;
            }
            else if (!IsSelf(r.Owner) && OwnerExpired(r.Owner, now))
            {
                (drop ??= []).Add(r);
                Counters.OwnerRecordsCollected++;
            }
        }
        if (drop is not null)
        {
            foreach (EndpointRecord r in drop)
            {
                Remove(r);
            }
            _projection.Flush();
        }
        ForgetIdleOwners(now);
        return drop?.Count ?? 0;
    }

    /// <summary>Whether a record of <paramref name="owner"/> may enter the table; notes an owner never heard of.</summary>
    private bool AcceptsOwner(string owner)
    {
        DateTimeOffset now = Now;
        if (!_owners.ContainsKey(owner))
        {
            _owners[owner] = new OwnerState(OwnerStateKind.Unknown, 0, now);
            return true;
        }
        return !OwnerExpired(owner, now);
    }

    private bool OwnerExpired(string owner, DateTimeOffset now)
    {
        if (!_owners.TryGetValue(owner, out OwnerState s))
        {
            return false;
        }
        return s.Kind switch
        {
            OwnerStateKind.Gone => now - s.Since >= _options.DeadOwnerRetention,
            OwnerStateKind.Unknown => now - s.Since >= _options.UnknownOwnerRetention,
            _ => false,
        };
    }

    /// <summary>Forgets owners that hold no records: unknown ones at once, gone ones once every stale copy of
    /// their records must have been dropped everywhere (until then their records keep being refused).</summary>
    private void ForgetIdleOwners(DateTimeOffset now)
    {
        List<string>? forget = null;
        foreach (var (owner, s) in _owners)
        {
            bool idle = !_byOwner.ContainsKey(owner)
                && (s.Kind == OwnerStateKind.Unknown
                    || (s.Kind == OwnerStateKind.Gone && now - s.Since >= _options.DeadOwnerRetention + _options.TombstoneRetention));
            if (idle)
            {
                (forget ??= []).Add(owner);
            }
        }
        if (forget is not null)
        {
            foreach (string owner in forget)
            {
                _owners.Remove(owner);
            }
        }
    }

    private void InvalidateOwner(string owner)
    {
        if (_byOwner.TryGetValue(owner, out HashSet<EndpointKey>? keys))
        {
            foreach (EndpointKey key in keys)
            {
                _projection.Invalidate(_records[key]);
            }
            _projection.Flush();
        }
    }
}
