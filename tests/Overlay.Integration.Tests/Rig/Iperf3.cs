namespace Overlay.Integration.Tests.Rig;

/// <summary>One iperf3 TCP test: a one-shot server in one namespace, a JSON-reporting client in another.</summary>
public static class Iperf3
{
    public const int Port = 5201;

    /// <summary>Runs the client in <paramref name="clientNs"/> against a server started in <paramref name="serverNs"/>
    /// on <paramref name="serverAddress"/>. Throws with iperf3's own error when the test fails.</summary>
    /// <param name="bitrate">Per-stream cap (iperf3 -b), or null for as fast as it goes.</param>
    public static IperfResult Run(NetnsRig rig, string serverNs, string serverAddress, string clientNs, int seconds,
        int streams = 1, string? bitrate = null)
    {
        var server = rig.StartIn(serverNs, $"iperf3-server@{serverNs}", "iperf3", "-s", "-1", "-p", Port.ToString());
        try
        {
            rig.WaitForListener(serverNs, Port, TimeSpan.FromSeconds(10));
            List<string> argv = ["iperf3", "-J", "-c", serverAddress, "-p", Port.ToString(), "-t", seconds.ToString(), "-P", streams.ToString()];
            if (bitrate is not null) argv.AddRange(["-b", bitrate]);
            var result = rig.TryExec(clientNs, TimeSpan.FromSeconds(seconds + 25), [.. argv]);
            return IperfResult.Parse(result);
        }
        finally
        {
            server.Stop(Libc.SIGTERM, TimeSpan.FromSeconds(5));
        }
    }
}
