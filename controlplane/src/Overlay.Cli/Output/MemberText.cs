using Overlay.Control;

namespace Overlay.Cli.Output;

/// <summary>Gossip members as a table: name, gossip address (ADDR:PORT, [v6]:PORT), state and incarnation.</summary>
internal static class MemberText
{
    public static void Write(TextWriter writer, IReadOnlyList<MemberDto> members)
    {
        var table = new TextTable("NAME", "ADDRESS", "STATE", TableColumn.Right("INCARNATION"));
        foreach (MemberDto member in members)
        {
            table.AddRow(
                member.Name,
                TextFormat.HostPort(member.Address, member.Port),
                member.State,
                TextFormat.Number(member.Incarnation));
        }

        table.WriteTo(writer);
    }
}
