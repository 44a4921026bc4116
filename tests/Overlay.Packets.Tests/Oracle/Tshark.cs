using System.Diagnostics;

namespace Overlay.Packets.Tests.Oracle;

/// <summary>Runs tshark over a pcap and returns, per frame, each requested field's occurrences (a field that
/// appears in the outer and the inner packet of a tunnel has two). Fails the test, never skips it, when
/// tshark is not installed: the wire-format oracle is part of the suite.</summary>
internal static class Tshark
{
    private const char Separator = '\t';
    private const string SeparatorOption = "separator=/t";
    private const char Aggregator = '|';
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // Checksum validation status as tshark prints it: Wireshark's PROTO_CHECKSUM_E_* values
    // (0 bad, 1 good, 2 unverified, 3 not present, 4 illegal).
    public const string ChecksumBad = "0";
    public const string ChecksumGood = "1";
    public const string ChecksumUnverified = "2";
    public const string ChecksumNotPresent = "3";

    /// <summary>Expert-info severity of a warning (PI_WARN); errors (PI_ERROR) are higher.</summary>
    public const long SeverityWarning = 0x0060_0000;

    public static string Locate()
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        foreach (string directory in (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin"))
        {
            string candidate = Path.Combine(directory, "tshark");
            if (File.Exists(candidate)) return candidate;
        }
        Assert.Fail("tshark was not found on PATH or in /usr/bin. The wire-format oracle tests need it: install it " +
            "(Debian/Ubuntu: apt-get install tshark) and rerun.");
        return "";
    }

    public static IReadOnlyList<Dictionary<string, string[]>> Decode(string pcapPath, IReadOnlyList<string> fields, IReadOnlyList<string> preferences)
    {
        var start = new ProcessStartInfo(Locate())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Keep tshark away from the user's profile, so a local preference cannot change the decode.
        start.Environment["WIRESHARK_CONFIG_DIR"] = Path.Combine(Path.GetTempPath(), "overlay-tshark-profile");
        foreach (string argument in new[] { "-n", "-r", pcapPath, "-T", "fields", "-E", SeparatorOption, "-E", $"aggregator={Aggregator}", "-E", "occurrence=a" })
        {
            start.ArgumentList.Add(argument);
        }
        foreach (string preference in preferences)
        {
            start.ArgumentList.Add("-o");
            start.ArgumentList.Add(preference);
        }
        foreach (string field in fields)
        {
            start.ArgumentList.Add("-e");
            start.ArgumentList.Add(field);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("tshark did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"tshark did not finish within {Timeout.TotalSeconds} s");
        }
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"tshark exited with {process.ExitCode}: {stderr.Result}");

        var frames = new List<Dictionary<string, string[]>>();
        foreach (string line in stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] columns = line.TrimEnd('\r').Split(Separator);
            Assert.True(columns.Length == fields.Count, $"tshark printed {columns.Length} columns for {fields.Count} fields: {line}");
            var frame = new Dictionary<string, string[]>(StringComparer.Ordinal);
            for (int i = 0; i < fields.Count; i++)
            {
                frame[fields[i]] = columns[i].Length == 0 ? [] : columns[i].Split(Aggregator);
            }
            frames.Add(frame);
        }
        return frames;
    }
}
