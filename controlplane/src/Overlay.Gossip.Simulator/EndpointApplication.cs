using System.Globalization;
using Overlay.ControlPlane;
using Overlay.ControlPlane.Endpoints;
using Overlay.Gossip.Membership;
using Overlay.Packets;

namespace Overlay.Gossip.Simulator;

/// <summary>
/// The real control plane on a simulated host, wired as <c>overlayd</c> wires it: an <see cref="EndpointTable"/>
/// and its <see cref="EndpointGossip"/> delegate, broadcasting through the host's node, on the simulator's clock,
/// over a dataplane that takes every change. The network's calls go straight to <see cref="EndpointGossip"/>;
/// afterwards the network's arrival watches look at the table (the key of an entry is its broadcast key,
/// <c>ep/&lt;vni&gt;/&lt;endpoint id&gt;</c>, and its version the record's).
/// </summary>
public sealed class EndpointApplication : ISimApplication
{
    private readonly SimulatedNetwork _network;
    private readonly SimHost _host;

    internal EndpointApplication(SimulatedNetwork network, SimHost host, EndpointTableOptions options, ulong bootId)
    {
        _network = network;
        _host = host;
        Table = new EndpointTable(host.Name, bootId, options, network.Clock);
        Gossip = new EndpointGossip(Table, AcceptingSink.Instance, (key, payload) => host.Node!.Broadcast(key, payload), network.Clock);
        Vtep = IpAddr.ReadV4(host.EndPoint.AddressBytes());
    }

    public EndpointTable Table { get; }

    public EndpointGossip Gossip { get; }

    /// <summary>The host's underlay address: the VTEP of the endpoints it publishes.</summary>
    public IpAddr Vtep { get; }

    /// <summary>Publishes an endpoint on this host (network <c>net-&lt;vni&gt;</c>), as the daemon does when a
    /// container starts. Call it through <see cref="SimulatedNetwork.Invoke"/>.</summary>
    public EndpointRecord? Publish(uint vni, string endpointId, MacAddress mac, params IpAddr[] addresses)
    {
        EndpointRecord? record = Gossip.Publish(vni, NetworkName(vni), endpointId, mac, addresses, Vtep);
        _network.OnUserStateChanged(_host);
        return record;
    }

    /// <summary>Withdraws one of this host's endpoints. Call it through <see cref="SimulatedNetwork.Invoke"/>.</summary>
    public EndpointRecord? Withdraw(uint vni, string endpointId)
    {
        EndpointRecord? tombstone = Gossip.Withdraw(vni, endpointId);
        _network.OnUserStateChanged(_host);
        return tombstone;
    }

    public static string NetworkName(uint vni) => string.Create(CultureInfo.InvariantCulture, $"net-{vni}");

    /// <summary>The version of the record under broadcast key <paramref name="key"/>, tombstones included.</summary>
    public long VersionOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int slash = key.StartsWith("ep/", StringComparison.Ordinal) ? key.IndexOf('/', 3) : -1;
        if (slash < 0
            || !uint.TryParse(key.AsSpan(3, slash - 3), NumberStyles.None, CultureInfo.InvariantCulture, out uint vni))
        {
            return -1;
        }
        return Table.TryGet(vni, key[(slash + 1)..], out EndpointRecord record) ? (long)record.Version : -1;
    }

    /// <summary>As overlayd's gossip host: collect what expired and retry the dataplane every 5 s.</summary>
    public TimeSpan? MaintainInterval => TimeSpan.FromSeconds(5);

    public void Maintain()
    {
        Gossip.Maintain();
        _network.OnUserStateChanged(_host);
    }

    public byte[]? NodeMeta(int limit) => Gossip.NodeMeta(limit);

    public void NotifyUserMessage(byte[] payload)
    {
        Gossip.NotifyUserMessage(payload);
        _network.OnUserStateChanged(_host);
    }

    public byte[]? LocalState(bool join) => Gossip.LocalState(join);

    public void MergeRemoteState(byte[] state, bool join)
    {
        Gossip.MergeRemoteState(state, join);
        _network.OnUserStateChanged(_host);
    }

    public void NotifyJoin(in Member member) => Gossip.NotifyJoin(member);

    public void NotifyUpdate(in Member member) => Gossip.NotifyUpdate(member);

    public void NotifyLeave(in Member member)
    {
        Gossip.NotifyLeave(member);
        _network.OnLeave(_host, member);
    }
}
