using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Overlay.Dataplane.Linux.Underlay.Tunnel;

/// <summary>
/// Runs iproute2's <c>tc</c> and <c>ip</c> (setup only, never on the packet path). Arguments go to the process
/// one by one (no shell); a namespace is passed as <c>-n NAME</c>, which both tools understand. The output is
/// read in the C locale so error text is stable.
/// </summary>
internal static class IpRoute2
{
    /// <summary>How long one command may take before it is killed.</summary>
    public const int TimeoutMs = 10_000;

    // Daemons started without /usr/sbin in PATH still find the tools.
    private static readonly string[] FallbackDirectories = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    /// <summary>The outcome of one run. <see cref="ExitCode"/> is -1 when the tool could not be started or timed
    /// out; <see cref="Error"/> then says why.</summary>
    public readonly record struct Result(string CommandLine, int ExitCode, string Output, string Error)
    {
        public bool Succeeded => ExitCode == 0;

        /// <summary>"`tc -n ns1 qdisc add dev eth0 clsact` exited 2: Error: ..." for exception messages.</summary>
        public string Describe() => $"`{CommandLine}` {(ExitCode < 0 ? "failed" : $"exited {ExitCode}")}: {Error.Trim()}";
    }

    /// <summary>Runs <paramref name="tool"/> (<c>tc</c> or <c>ip</c>) with <c>-n ns</c> when
    /// <paramref name="ns"/> is set. Never throws for a failing or missing tool: that is in the result.</summary>
    public static Result Run(string tool, string? ns, IReadOnlyList<string> args)
    {
        var all = new List<string>(args.Count + 2);
        if (ns is not null)
        {
            all.Add("-n");
            all.Add(ns);
        }
        all.AddRange(args);
        string commandLine = tool + " " + string.Join(' ', all);

        string? path = Locate(tool);
        if (path is null) return new Result(commandLine, -1, "", $"{tool} not found in PATH or /usr/sbin, /sbin (is iproute2 installed?)");

        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.Environment["LC_ALL"] = "C";
        foreach (var a in all) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start);
            if (process is null) return new Result(commandLine, -1, "", $"cannot start {path}");
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeoutMs))
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // it ended between the timeout and the kill
                }
                return new Result(commandLine, -1, "", $"did not finish within {TimeoutMs} ms");
            }
            return new Result(commandLine, process.ExitCode, output.Result, error.Result);
        }
        catch (Win32Exception e)
        {
            return new Result(commandLine, -1, "", $"cannot start {path}: {e.Message}");
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="ns"/> is null or a plain namespace
    /// name (what <c>-n</c> takes: a file under /var/run/netns, so no '/').</summary>
    public static void ValidateNamespaceName(string? ns, string parameter)
    {
        if (ns is null) return;
        if (ns.Length == 0 || ns.Contains('/') || ns.Any(char.IsWhiteSpace) || ns[0] == '-')
        {
            throw new ArgumentException($"namespace '{ns}' must be a name under /var/run/netns (no '/', no spaces)", parameter);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is a valid Linux interface
    /// name: 1-15 bytes, no whitespace, '/' or ':', not starting with '-'.</summary>
    public static void ValidateDeviceName(string name, string parameter)
    {
        ArgumentNullException.ThrowIfNull(name, parameter);
        if (name.Length == 0 || Encoding.UTF8.GetByteCount(name) > 15 || name.Contains('/') || name.Contains(':')
            || name.Any(char.IsWhiteSpace) || name[0] == '-' || name is "." or "..")
        {
            throw new ArgumentException($"device name '{name}' must be 1-15 bytes without spaces, '/' or ':'", parameter);
        }
    }

    private static string? Locate(string tool)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate)) return candidate;
        }
        foreach (var directory in FallbackDirectories)
        {
            string candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
