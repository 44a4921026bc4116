using System.Text;
using Overlay.Control;

namespace Overlay.Cli.Output;

/// <summary>Forwarding entries one per line, in the manner of <c>bridge fdb show</c>:
/// <c>02:00:00:00:00:01 dev a vni 42 master blue permanent</c> for an entry on a local port and
/// <c>02:00:00:00:00:0b dst 198.18.0.2 vni 42 self dynamic used 3/1</c> for one behind a remote VTEP, where
/// "used U/T" are the seconds since the entry was last used and last updated.</summary>
internal static class FdbText
{
    public static void Write(TextWriter writer, IReadOnlyList<FdbEntryDto> entries)
    {
        foreach (FdbEntryDto entry in entries)
        {
            writer.WriteLine(Format(entry));
        }
    }

    public static string Format(FdbEntryDto entry)
    {
        var line = new StringBuilder(entry.Mac);
        if (entry.Port is not null)
        {
            line.Append(" dev ").Append(entry.Port);
        }

        if (entry.Dst is not null)
        {
            line.Append(" dst ").Append(entry.Dst);
        }

        line.Append(" vni ").Append(TextFormat.Number(entry.Vni));
        if (entry.Port is not null)
        {
            line.Append(" master ").Append(entry.Network);
        }
        else
        {
            line.Append(" self");
        }

        line.Append(' ').Append(entry.Kind);
        if (entry.UsedSecondsAgo is not null || entry.UpdatedSecondsAgo is not null)
        {
            line.Append(" used ").Append(TextFormat.Seconds(entry.UsedSecondsAgo))
                .Append('/').Append(TextFormat.Seconds(entry.UpdatedSecondsAgo));
        }

        return line.ToString();
    }
}
