using System.Diagnostics.Metrics;
using Overlay.Dataplane.Counters;

namespace Overlay.Daemon.Dataplane;

/// <summary>
/// The dataplane's counters as System.Diagnostics.Metrics instruments (meter "Overlay.Dataplane"). The packet
/// path only bumps plain fields; these observable instruments read them when a listener collects, so an
/// unobserved meter costs nothing.
/// </summary>
public sealed class DataplaneMetrics : IDisposable
{
    public const string MeterName = "Overlay.Dataplane";

    private readonly Meter _meter;

    public DataplaneMetrics(IMeterFactory factory, DataplaneHost dataplane)
    {
        _meter = factory.Create(MeterName);
        _meter.CreateObservableCounter("overlay.dataplane.rx.packets", () => Observe(dataplane, c => c.RxPackets), "{packet}", "Packets received, per port, network and the underlay");
        _meter.CreateObservableCounter("overlay.dataplane.rx.bytes", () => Observe(dataplane, c => c.RxBytes), "By", "Bytes received");
        _meter.CreateObservableCounter("overlay.dataplane.tx.packets", () => Observe(dataplane, c => c.TxPackets), "{packet}", "Packets sent");
        _meter.CreateObservableCounter("overlay.dataplane.tx.bytes", () => Observe(dataplane, c => c.TxBytes), "By", "Bytes sent");
        _meter.CreateObservableCounter("overlay.dataplane.drops", () => ObserveDrops(dataplane), "{packet}", "Packets dropped, by reason");
        _meter.CreateObservableGauge("overlay.dataplane.fdb.entries", () => ObserveFdb(dataplane), "{entry}", "Forwarding entries per network");
        _meter.CreateObservableCounter("overlay.dataplane.tunnel.tx.superframes", () => ObserveTunnel(dataplane, t => t.TxSuperFrames), "{frame}",
            "Super-frames sent whole through the UDP-tunnel GSO TAP");
        _meter.CreateObservableCounter("overlay.dataplane.tunnel.tx.fallbacks", () => ObserveTunnel(dataplane, t => t.TxNoNeighbour), "{frame}",
            "Super-frames segmented and sent over UDP because the remote's next-hop MAC was not known");
        _meter.CreateObservableCounter("overlay.dataplane.tunnel.rx.superframes", () => ObserveTunnel(dataplane, t => t.RxSuperFrames), "{frame}",
            "Inner super-frames received whole through the UDP-tunnel GSO TAP");
        _meter.CreateObservableCounter("overlay.dataplane.tunnel.rx.invalid", () => ObserveTunnel(dataplane, t => t.RxInvalid), "{packet}",
            "Packets handed to the UDP-tunnel GSO TAP that were not valid VXLAN for us");
    }

    private static IEnumerable<(string Scope, string Name, TrafficCounters Counters)> Sources(DataplaneHost dataplane) =>
        dataplane.SummedCounters();

    private static IEnumerable<Measurement<long>> Observe(DataplaneHost dataplane, Func<TrafficCounters, long> read) =>
        Sources(dataplane).Select(s => new Measurement<long>(read(s.Counters), new KeyValuePair<string, object?>(s.Scope, s.Name)));

    private static IEnumerable<Measurement<long>> ObserveDrops(DataplaneHost dataplane)
    {
        foreach (var (scope, name, counters) in Sources(dataplane))
        {
            for (int i = 0; i < DropReasons.Count; i++)
            {
                long d = Volatile.Read(ref counters.Drops[i]);
                if (d != 0) yield return new Measurement<long>(d, new KeyValuePair<string, object?>(scope, name), new KeyValuePair<string, object?>("reason", DropReasons.Name((DropReason)i)));
            }
        }
    }

    private static IEnumerable<Measurement<int>> ObserveFdb(DataplaneHost dataplane) =>
        dataplane.Switch?.Networks.Select(n => new Measurement<int>(n.Fdb.Count, new KeyValuePair<string, object?>("network", n.Name))) ?? [];

    private static IEnumerable<Measurement<long>> ObserveTunnel(DataplaneHost dataplane, Func<Overlay.Dataplane.Linux.Underlay.UnderlayTap, long> read) =>
        dataplane.TunnelTap is { } tap ? [new Measurement<long>(read(tap), new KeyValuePair<string, object?>("tap", tap.Name))] : [];

    public void Dispose() => _meter.Dispose();
}
