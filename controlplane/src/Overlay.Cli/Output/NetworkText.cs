using System.Globalization;
using Overlay.Control;

namespace Overlay.Cli.Output;

/// <summary>Networks as a table: name, VNI, learning, ageing time, address limit, FDB size, ports and flood list.</summary>
internal static class NetworkText
{
    public static void Write(TextWriter writer, IReadOnlyList<NetworkDto> networks)
    {
        var table = new TextTable(
            "NAME", TableColumn.Right("VNI"), "LEARNING", TableColumn.Right("AGEING"), TableColumn.Right("MAX-ADDRS"),
            TableColumn.Right("FDB"), "PORTS", "FLOOD");
        foreach (NetworkDto network in networks)
        {
            table.AddRow(
                network.Name,
                TextFormat.Number(network.Vni),
                network.Learning ? "on" : "off",
                network.AgeingSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s",
                TextFormat.Number(network.MaxAddresses),
                TextFormat.Number(network.FdbEntries),
                TextFormat.List(network.Ports),
                TextFormat.List(network.FloodList));
        }

        table.WriteTo(writer);
    }
}
