using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using Overlay.Gossip.Wire.Tests.Golden;

namespace Overlay.Gossip.Wire.Tests.Interop;

/// <summary>A running memberlist-peer (a real memberlist node on loopback) and the JSON events it prints.</summary>
internal sealed partial class PeerProcess : IDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;
    private readonly BlockingCollection<JsonElement> _events = [];
    private readonly ConcurrentQueue<string> _stderr = new();

    private PeerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        _process.OutputDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                _events.Add(JsonDocument.Parse(e.Data).RootElement.Clone());
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _stderr.Enqueue(e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public string Log => string.Join('\n', _stderr);

    public static PeerProcess Start(string name, byte[]? key = null, string? label = null)
    {
        string binary = MemberlistPeer.RequireBinary();
        int port = FreePort();
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-bind");
        start.ArgumentList.Add($"127.0.0.1:{port}");
        start.ArgumentList.Add("-name");
        start.ArgumentList.Add(name);
        if (key is not null)
        {
            start.ArgumentList.Add("-key");
            start.ArgumentList.Add(Convert.ToBase64String(key));
        }
        if (!string.IsNullOrEmpty(label))
        {
            start.ArgumentList.Add("-label");
            start.ArgumentList.Add(label);
        }
        var peer = new PeerProcess(Process.Start(start)!, port);
        peer.WaitFor(e => Is(e, "ready"), TimeSpan.FromSeconds(10), "the peer to start");
        return peer;
    }

    public static bool Is(JsonElement e, string kind, string? name = null) =>
        e.GetProperty("event").GetString() == kind && (name is null || (e.TryGetProperty("name", out JsonElement n) && n.GetString() == name));

    /// <summary>The next event (in order) that matches; fails the test with the peer's log on timeout.</summary>
    public JsonElement WaitFor(Func<JsonElement, bool> match, TimeSpan timeout, string what)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !_events.TryTake(out JsonElement e, left))
            {
                throw new TimeoutException($"timed out waiting for {what}; memberlist-peer log:\n{Log}");
            }
            if (match(e))
            {
                return e;
            }
        }
    }

    /// <summary>True if a matching event arrives within <paramref name="window"/>.</summary>
    public bool Sees(Func<JsonElement, bool> match, TimeSpan window)
    {
        try
        {
            WaitFor(match, window, "an event");
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, SigTerm);
            if (!_process.WaitForExit(5000))
            {
                _process.Kill();
            }
        }
        _process.Dispose();
    }

    private static int FreePort()
    {
        // A port free for TCP and UDP both (memberlist binds the same number for each).
        for (int attempt = 0; ; attempt++)
        {
            using var tcp = new TcpListener(IPAddress.Loopback, 0);
            tcp.Start();
            int port = ((IPEndPoint)tcp.LocalEndpoint).Port;
            try
            {
                using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
