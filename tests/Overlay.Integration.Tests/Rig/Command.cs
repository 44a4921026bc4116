using System.Diagnostics;

namespace Overlay.Integration.Tests.Rig;

/// <summary>Runs a program to completion with a timeout. No shell: arguments go to the program as they are.</summary>
public static class Command
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Runs <paramref name="argv"/>; throws <see cref="CommandException"/> when it exits non-zero
    /// (unless <paramref name="check"/> is false) or outlives <paramref name="timeout"/> (then it is killed).</summary>
    public static CommandResult Run(IReadOnlyList<string> argv, TimeSpan? timeout = null, bool check = true)
    {
        var limit = timeout ?? DefaultTimeout;
        var started = Stopwatch.StartNew();
        using var process = new Process { StartInfo = StartInfo(argv) };
        process.Start();
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
            process.WaitForExit(TimeSpan.FromSeconds(5));
            throw CommandException.TimedOut(argv, limit, Drained(stdout), Drained(stderr));
        }
        process.WaitForExit();
        var result = new CommandResult(argv, process.ExitCode, Drained(stdout), Drained(stderr), started.Elapsed);
        if (check && !result.Ok) throw CommandException.Failed(result);
        return result;
    }

    /// <summary>The start info every rig process uses: no shell, stdio redirected, sbin on the PATH.</summary>
    public static ProcessStartInfo StartInfo(IReadOnlyList<string> argv)
    {
        var info = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        for (int i = 1; i < argv.Count; i++) info.ArgumentList.Add(argv[i]);
        string path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        foreach (var dir in new[] { "/usr/local/sbin", "/usr/sbin", "/sbin" })
        {
            if (!path.Split(':').Contains(dir)) path += ":" + dir;
        }
        info.Environment["PATH"] = path;
        return info;
    }

    public static string Quote(IEnumerable<string> argv) =>
        string.Join(' ', argv.Select(a => a.Length > 0 && a.All(c => char.IsLetterOrDigit(c) || "-_./:=,@+%".Contains(c)) ? a : "'" + a.Replace("'", "'\\''") + "'"));

    private static string Drained(Task<string> reader) => reader.Wait(TimeSpan.FromSeconds(5)) ? reader.Result : "(output not drained)";
}
