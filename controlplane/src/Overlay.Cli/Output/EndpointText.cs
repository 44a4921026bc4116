using System.Globalization;
using Overlay.Control;

namespace Overlay.Cli.Output;

/// <summary>The gossip endpoint table: network, VNI, endpoint id, MAC, addresses, VTEP, owning host, version and state.</summary>
internal static class EndpointText
{
    public static void Write(TextWriter writer, IReadOnlyList<EndpointDto> endpoints)
    {
        var table = new TextTable(
            "NETWORK", TableColumn.Right("VNI"), "ENDPOINT", "MAC", "ADDRESSES", "VTEP", "OWNER", TableColumn.Right("VERSION"), "STATE");
        foreach (EndpointDto endpoint in endpoints)
        {
            table.AddRow(
                endpoint.Network,
                TextFormat.Number(endpoint.Vni),
                TextFormat.Or(endpoint.EndpointId),
                endpoint.Mac,
                TextFormat.List(endpoint.Addresses),
                TextFormat.Or(endpoint.Vtep),
                TextFormat.Or(endpoint.Owner),
                endpoint.Version.ToString(CultureInfo.InvariantCulture),
                endpoint.State);
        }

        table.WriteTo(writer);
    }
}
