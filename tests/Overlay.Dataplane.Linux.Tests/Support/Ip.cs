using System.Diagnostics;
using System.Text.Json;

namespace Overlay.Dataplane.Linux.Tests.Support;

/// <summary>Runs iproute2's <c>ip</c>.</summary>
internal static class Ip
{
    public static string Run(params string[] args)
    {
        var (code, output, error) = TryRun(args);
        if (code != 0) throw new InvalidOperationException($"ip {string.Join(' ', args)} exited {code}: {error.Trim()}");
        return output;
    }

    public static (int Code, string Output, string Error) TryRun(params string[] args)
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start ip");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(10_000))
        {
            process.Kill();
            throw new TimeoutException($"ip {string.Join(' ', args)} did not finish");
        }
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Runs <c>ip -j ARGS</c> and parses the JSON array it prints.</summary>
    public static JsonElement Json(params string[] args)
    {
        string text = Run(["-j", .. args]);
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(text) ? "[]" : text);
        return doc.RootElement.Clone();
    }

    /// <summary>True when the interface exists in the namespace.</summary>
    public static bool LinkExists(string ns, string name) => TryRun("-n", ns, "link", "show", "dev", name).Code == 0;

    public static JsonElement Link(string ns, string name) => Json("-n", ns, "link", "show", "dev", name)[0];
}
