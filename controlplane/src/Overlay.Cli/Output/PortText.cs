using Overlay.Control;

namespace Overlay.Cli.Output;

/// <summary>Ports as a table: name, network, VNI, kind, namespace, interface name inside it, MAC and MTU.</summary>
internal static class PortText
{
    public static void Write(TextWriter writer, IReadOnlyList<PortDto> ports)
    {
        var table = new TextTable("NAME", "NETWORK", TableColumn.Right("VNI"), "KIND", "NETNS", "IFNAME", "MAC", TableColumn.Right("MTU"));
        foreach (PortDto port in ports)
        {
            table.AddRow(
                port.Name,
                port.Network,
                TextFormat.Number(port.Vni),
                port.Kind,
                TextFormat.Or(port.Netns),
                TextFormat.Or(port.Ifname),
                TextFormat.Or(port.Mac),
                TextFormat.Number(port.Mtu));
        }

        table.WriteTo(writer);
    }
}
