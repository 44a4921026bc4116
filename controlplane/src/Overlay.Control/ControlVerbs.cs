namespace Overlay.Control;

/// <summary>The verbs of <see cref="ControlRequest.Verb"/>.</summary>
public static class ControlVerbs
{
    /// <summary>List forwarding entries; payload <see cref="ControlRequest.Fdb"/> (a filter, optional); result FdbEntryDto[].</summary>
    public const string FdbShow = "fdb.show";

    /// <summary>Add, append, replace or delete one entry; payload <see cref="ControlRequest.Change"/>; result <see cref="CountResultDto"/>.</summary>
    public const string FdbChange = "fdb.change";

    /// <summary>Remove matching entries; payload <see cref="ControlRequest.Flush"/>; result <see cref="CountResultDto"/>.</summary>
    public const string FdbFlush = "fdb.flush";

    /// <summary>List local ports; no payload; result PortDto[].</summary>
    public const string PortShow = "port.show";

    /// <summary>List networks; no payload; result NetworkDto[].</summary>
    public const string NetworkShow = "network.show";

    /// <summary>Counters; no payload; result <see cref="StatsDto"/>.</summary>
    public const string Stats = "stats";

    /// <summary>Gossip members; no payload; result MemberDto[]. Fails when gossip is not enabled.</summary>
    public const string Members = "members";

    /// <summary>The gossip endpoint table; no payload; result EndpointDto[]. Fails when gossip is not enabled.</summary>
    public const string Endpoints = "endpoints";

    /// <summary>The gossip keyring by fingerprint, primary first; no payload; result KeyDto[]. Fails when gossip is not enabled.</summary>
    public const string KeysList = "keys.list";

    /// <summary>Install, use or remove one gossip key; payload <see cref="ControlRequest.KeyChange"/>; result <see cref="CountResultDto"/>.
    /// Fails when gossip is not enabled.</summary>
    public const string KeysChange = "keys.change";
}
