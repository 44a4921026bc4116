using Overlay.Control;

namespace Overlay.Cli.Output;

/// <summary>Counters as one table: a line per port, per network, one for the underlay (and the tunnel TAP when it runs), with the drops in total and
/// by reason (<c>no_fdb_entry=2,bad_vni=1</c>).</summary>
internal static class StatsText
{
    public static void Write(TextWriter writer, StatsDto stats)
    {
        var table = new TextTable(
            "TYPE", "NAME", TableColumn.Right("RX-PACKETS"), TableColumn.Right("RX-BYTES"), TableColumn.Right("TX-PACKETS"),
            TableColumn.Right("TX-BYTES"), TableColumn.Right("DROPS"), "DROP-REASONS");
        foreach (CountersDto port in stats.Ports)
        {
            AddRow(table, "port", port);
        }

        foreach (CountersDto network in stats.Networks)
        {
            AddRow(table, "network", network);
        }

        AddRow(table, "underlay", stats.Underlay);
        if (stats.Tunnel is { } tunnel)
        {
            AddRow(table, "tunnel", tunnel);
        }

        table.WriteTo(writer);
    }

    private static void AddRow(TextTable table, string type, CountersDto counters)
    {
        long drops = 0;
        var reasons = new List<string>(counters.Drops.Count);
        foreach (KeyValuePair<string, long> reason in counters.Drops.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            drops += reason.Value;
            if (reason.Value != 0)
            {
                reasons.Add(reason.Key + "=" + TextFormat.Number(reason.Value));
            }
        }

        table.AddRow(
            type,
            counters.Name,
            TextFormat.Number(counters.RxPackets),
            TextFormat.Number(counters.RxBytes),
            TextFormat.Number(counters.TxPackets),
            TextFormat.Number(counters.TxBytes),
            TextFormat.Number(drops),
            TextFormat.List(reasons));
    }
}
