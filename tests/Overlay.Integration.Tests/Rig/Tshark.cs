namespace Overlay.Integration.Tests.Rig;

/// <summary>tshark as the wire-format oracle: decodes a capture file and prints chosen fields.</summary>
public static class Tshark
{
    /// <summary>One row per packet matching <paramref name="displayFilter"/>, one cell per field. A field that occurs
    /// more than once in a packet (outer and inner IP) is joined with commas, outer first.</summary>
    public static IReadOnlyList<string[]> Fields(string pcap, string displayFilter, IReadOnlyList<string> fields, params string[] options)
    {
        List<string> argv = ["tshark", "-n", "-r", pcap, "-Y", displayFilter, "-T", "fields",
            "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"];
        foreach (var o in options) argv.AddRange(["-o", o]);
        foreach (var f in fields) argv.AddRange(["-e", f]);
        var result = Command.Run(argv, TimeSpan.FromSeconds(60));
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
    }

    /// <summary>How many packets match <paramref name="displayFilter"/>.</summary>
    public static int Count(string pcap, string displayFilter, params string[] options) =>
        Fields(pcap, displayFilter, ["frame.number"], options).Count;

    /// <summary>The first value of a comma-joined cell (the outer header's).</summary>
    public static string Outer(string cell) => cell.Split(',')[0];

    /// <summary>The last value of a comma-joined cell (the innermost header's).</summary>
    public static string Inner(string cell) => cell.Split(',')[^1];
}
