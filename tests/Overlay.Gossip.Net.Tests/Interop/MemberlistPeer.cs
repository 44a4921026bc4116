using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using Overlay.Gossip.Transport;

namespace Overlay.Gossip.Net.Tests.Interop;

/// <summary>tests/interop/memberlist-peer: a real hashicorp/memberlist node (Debian's 0.2.x) in a child process,
/// and the JSON events it prints. Built on first use; if it cannot be built the test fails.</summary>
internal sealed partial class MemberlistPeer : IDisposable
{
    private const int SigTerm = 15;
    private static readonly Lock BuildLock = new();

    private readonly Process _process;
    private readonly List<JsonElement> _events = [];
    private readonly List<string> _log = [];

    private MemberlistPeer(Process process, string name, int port)
    {
        _process = process;
        Name = name;
        EndPoint = GossipEndPoint.FromIPEndPoint(new IPEndPoint(IPAddress.Loopback, port));
        _process.OutputDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                lock (_events)
                {
                    try
                    {
                        _events.Add(JsonDocument.Parse(e.Data).RootElement.Clone());
                    }
                    catch (JsonException)
                    {
                        _log.Add("stdout: " + e.Data);
                    }
                }
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_events)
                {
                    _log.Add(e.Data);
                }
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public GossipEndPoint EndPoint { get; }

    public static MemberlistPeer Start(string name, byte[]? key = null, string label = "")
    {
        string binary = EnsureBuilt();
        int port = FreePort();
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "-bind", $"127.0.0.1:{port}", "-name", name })
        {
            start.ArgumentList.Add(arg);
        }
        if (key is not null)
        {
            start.ArgumentList.Add("-key");
            start.ArgumentList.Add(Convert.ToBase64String(key));
        }
        if (label.Length > 0)
        {
            start.ArgumentList.Add("-label");
            start.ArgumentList.Add(label);
        }
        var peer = new MemberlistPeer(Process.Start(start)!, name, port);
        peer.WaitFor(e => Is(e, "ready"), TimeSpan.FromSeconds(10), "memberlist-peer to start");
        return peer;
    }

    public static bool Is(JsonElement e, string kind, string? name = null, string? state = null) =>
        e.GetProperty("event").GetString() == kind
        && (name is null || (e.TryGetProperty("name", out JsonElement n) && n.GetString() == name))
        && (state is null || (e.TryGetProperty("state", out JsonElement s) && s.GetString() == state));

    /// <summary>Waits until some event printed so far (or later) matches; returns how long it took.</summary>
    public TimeSpan WaitFor(Func<JsonElement, bool> match, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            lock (_events)
            {
                if (_events.Any(match))
                {
                    return clock.Elapsed;
                }
            }
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"memberlist-peer {Name}: no {what} within {timeout.TotalSeconds:0.#} s.\nevents:\n{Events}\nlog:\n{Log}");
            }
            Thread.Sleep(20);
        }
    }

    public string Events
    {
        get
        {
            lock (_events)
            {
                return string.Join('\n', _events.Select(e => e.GetRawText()));
            }
        }
    }

    public string Log
    {
        get
        {
            lock (_events)
            {
                return string.Join('\n', _log.TakeLast(60));
            }
        }
    }

    /// <summary>SIGKILL: no leave, no goodbye.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit(5000);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _ = SendSignal(_process.Id, SigTerm);
            if (!_process.WaitForExit(5000))
            {
                _process.Kill();
            }
        }
        _process.Dispose();
    }

    /// <summary>The binary, built with build.sh when missing. A failed build fails the test (never a skip):
    /// interop is part of the contract.</summary>
    private static string EnsureBuilt()
    {
        string dir = Path.Combine(RepositoryRoot(), "tests", "interop", "memberlist-peer");
        string binary = Path.Combine(dir, "bin", "memberlist-peer");
        lock (BuildLock)
        {
            if (File.Exists(binary))
            {
                return binary;
            }
            var build = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
            build.ArgumentList.Add(Path.Combine(dir, "build.sh"));
            using Process process = Process.Start(build)!;
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
            {
                process.Kill(entireProcessTree: true);
            }
            if (!process.HasExited || process.ExitCode != 0 || !File.Exists(binary))
            {
                throw new InvalidOperationException($"tests/interop/memberlist-peer/build.sh failed:\n{stdout.Result}\n{stderr.Result}");
            }
            return binary;
        }
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Overlay.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no Overlay.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>A port free for both TCP and UDP on loopback (memberlist binds both).</summary>
    private static int FreePort()
    {
        for (int attempt = 0; ; attempt++)
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            int port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            try
            {
                using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
