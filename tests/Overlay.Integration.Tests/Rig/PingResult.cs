using System.Text.RegularExpressions;

namespace Overlay.Integration.Tests.Rig;

/// <summary>What ping's summary line says.</summary>
public sealed partial record PingResult(int Transmitted, int Received, string Output)
{
    public bool AllAnswered => Transmitted > 0 && Received == Transmitted;

    public static PingResult Parse(CommandResult result)
    {
        var m = Summary().Match(result.Stdout);
        return m.Success
            ? new PingResult(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), result.ToString())
            : new PingResult(0, 0, result.ToString());
    }

    [GeneratedRegex(@"(\d+) packets transmitted, (\d+) (?:packets )?received")]
    private static partial Regex Summary();
}
