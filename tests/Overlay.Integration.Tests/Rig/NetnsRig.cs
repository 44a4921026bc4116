using System.Security.Cryptography;
using System.Text;

namespace Overlay.Integration.Tests.Rig;

/// <summary>
/// A throw-away set of network namespaces and the processes running in them. Every namespace is named
/// <c>{Prefix}{name}</c> and every veth starts with <see cref="Tag"/>, so rigs never collide; <see cref="Dispose"/>
/// stops the processes, deletes every namespace with the prefix and the files the rig made, and also runs when the
/// test process exits with a rig still alive (<see cref="RigRegistry"/>).
/// </summary>
public sealed partial class NetnsRig : IDisposable
{
    /// <summary>run-tests.sh lists namespaces starting with "ovl" left after the run as a failure; "ovlt" is ours.</summary>
    public const string PrefixBase = "ovlt";
    public const string ControlSocketDir = "/run/overlay";

    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);
    private readonly Lock _gate = new();
    private readonly List<string> _namespaces = [];
    private readonly List<BackgroundProcess> _processes = [];
    private readonly List<string> _files = [];
    private bool _disposed;

    public NetnsRig()
    {
        Tag = UniqueTag();
        WorkDir = Directory.CreateTempSubdirectory(Prefix).FullName;
        RigRegistry.Add(this);
    }

    /// <summary>"ovlt" and 4 hex digits: the start of every veth name (8 of the 15 characters Linux allows).</summary>
    public string Tag { get; }

    /// <summary>The start of every namespace name of this rig.</summary>
    public string Prefix => Tag + "-";

    /// <summary>Config files and captures; deleted with the rig.</summary>
    public string WorkDir { get; }

    public string Namespace(string name) => Prefix + name;

    /// <summary>Creates namespace <c>{Prefix}{name}</c> with loopback up and returns its full name.</summary>
    public string AddNamespace(string name)
    {
        string ns = Namespace(name);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _namespaces.Add(ns);
        }
        Command.Run(["ip", "netns", "add", ns]);
        Ip("-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    public CommandResult Ip(params string[] args) => Command.Run(["ip", .. args]);

    public CommandResult Exec(string ns, params string[] argv) => Exec(ns, Command.DefaultTimeout, argv);

    public CommandResult Exec(string ns, TimeSpan timeout, params string[] argv) => Command.Run(["ip", "netns", "exec", ns, .. argv], timeout);

    /// <summary>Like <see cref="Exec(string, TimeSpan, string[])"/> but a non-zero exit is returned, not thrown.</summary>
    public CommandResult TryExec(string ns, TimeSpan timeout, params string[] argv) =>
        Command.Run(["ip", "netns", "exec", ns, .. argv], timeout, check: false);

    /// <summary>Starts <paramref name="argv"/> in <paramref name="ns"/>; the rig stops it on dispose. `ip netns exec`
    /// execs the program, so the process id and exit code are the program's own.</summary>
    public BackgroundProcess StartIn(string ns, string name, params string[] argv)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var process = BackgroundProcess.Start(name, ["ip", "netns", "exec", ns, .. argv]);
            _processes.Add(process);
            return process;
        }
    }

    /// <summary>A file outside <see cref="WorkDir"/> (a control socket) that must not outlive the rig.</summary>
    public string TrackFile(string path)
    {
        lock (_gate) _files.Add(path);
        return path;
    }

    public string ControlSocket(string host) => TrackFile(Path.Combine(ControlSocketDir, $"{Prefix}{host}.sock"));

    /// <summary>The output of every process the rig started, for failure messages.</summary>
    public string Describe()
    {
        lock (_gate)
        {
            var text = new StringBuilder($"rig {Prefix}:");
            foreach (var p in _processes) text.Append('\n').Append(p.Describe());
            return text.ToString();
        }
    }

    /// <summary>Stops every process, deletes every namespace named <see cref="Prefix"/>* and the rig's files.
    /// Best effort throughout; throws at the end when something could not be removed.</summary>
    public void Dispose()
    {
        BackgroundProcess[] processes;
        string[] files;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            processes = [.. _processes];
            files = [.. _files];
        }
        var problems = new List<string>();
        // Daemons get SIGTERM first so they remove their TAPs and sockets the way they would in production.
        foreach (var p in processes.Reverse())
        {
            try { p.Stop(Libc.SIGTERM, StopGrace); p.Dispose(); }
            catch (Exception e) { problems.Add($"stopping {p.Name}: {e.Message}"); }
        }
        foreach (var ns in OwnNamespaces())
        {
            try { DeleteNamespace(ns); }
            catch (Exception e) { problems.Add($"deleting {ns}: {e.Message}"); }
        }
        foreach (var f in files)
        {
            try { File.Delete(f); }
            catch (Exception e) { problems.Add($"deleting {f}: {e.Message}"); }
        }
        try { Directory.Delete(WorkDir, recursive: true); }
        catch (Exception e) { problems.Add($"deleting {WorkDir}: {e.Message}"); }
        RigRegistry.Remove(this);
        if (problems.Count > 0) throw new InvalidOperationException($"rig {Prefix} cleanup:\n  " + string.Join("\n  ", problems));
    }

    /// <summary>Namespaces this rig made, plus any with its prefix (a half-made one, say).</summary>
    private IEnumerable<string> OwnNamespaces()
    {
        var all = new HashSet<string>(StringComparer.Ordinal);
        lock (_gate) all.UnionWith(_namespaces);
        all.UnionWith(ListNamespaces().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)));
        return all;
    }

    /// <summary>Kills what still runs inside <paramref name="ns"/> (only ever processes this rig started there)
    /// and deletes it.</summary>
    private static void DeleteNamespace(string ns)
    {
        if (!ListNamespaces().Contains(ns)) return;
        var pids = Command.Run(["ip", "netns", "pids", ns], check: false).Stdout;
        foreach (var line in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (int.TryParse(line, out int pid)) Libc.Signal(pid, Libc.SIGKILL);
        }
        Command.Run(["ip", "netns", "del", ns]);
    }

    public static IReadOnlyList<string> ListNamespaces() =>
        Command.Run(["ip", "netns", "list"]).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(' ')[0])
            .ToList();

    private static string UniqueTag()
    {
        var existing = ListNamespaces();
        while (true)
        {
            string tag = PrefixBase + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));
            if (!existing.Any(n => n.StartsWith(tag + "-", StringComparison.Ordinal))) return tag;
        }
    }
}
