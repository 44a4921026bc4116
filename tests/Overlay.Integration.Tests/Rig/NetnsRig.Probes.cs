using System.Diagnostics;
using System.Text.Json;

namespace Overlay.Integration.Tests.Rig;

// Things a test does from inside a namespace: ping, look at a link, put one hand-made frame on the wire.
public sealed partial class NetnsRig
{
    /// <summary>Sends one ARP request for <c>argv[4]</c> as a broadcast frame from interface <c>argv[1]</c> with
    /// source MAC <c>argv[2]</c> and sender address <c>argv[3]</c>: exactly one frame, unlike ping or arping,
    /// which retry.</summary>
    private const string ArpBroadcastScript = """
        import socket, struct, sys
        ifname, mac_text, sender, target = sys.argv[1:5]
        mac = bytes.fromhex(mac_text.replace(":", ""))
        arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac + socket.inet_aton(sender) + bytes(6) + socket.inet_aton(target)
        frame = b"\xff" * 6 + mac + struct.pack("!H", 0x0806) + arp
        frame += bytes(max(0, 60 - len(frame)))
        with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as s:
            s.bind((ifname, 0))
            s.send(frame)
        """;

    /// <summary>Pings <paramref name="count"/> times, 0.2 s apart; a lost reply does not throw.</summary>
    public PingResult Ping(string ns, string address, int count = 3) =>
        PingResult.Parse(TryExec(ns, TimeSpan.FromSeconds(count + 10), "ping", "-n", "-c", count.ToString(), "-i", "0.2", "-W", "2", address));

    /// <summary>Pings once a second until a reply comes (the first one waits for ARP and learning).</summary>
    public void WaitForPing(string ns, string address, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        CommandResult last;
        do
        {
            last = TryExec(ns, TimeSpan.FromSeconds(5), "ping", "-n", "-c", "1", "-W", "1", address);
            if (last.Ok) return;
        }
        while (clock.Elapsed < timeout);
        throw new TimeoutException($"{address} does not answer from {ns} after {timeout.TotalSeconds:F0} s\n{last}\n{Describe()}");
    }

    /// <summary>The link's MTU, or null when <paramref name="ns"/> has no such interface.</summary>
    public int? LinkMtu(string ns, string ifname)
    {
        var result = Command.Run(["ip", "-j", "-n", ns, "link", "show", "dev", ifname], check: false);
        if (!result.Ok) return null;
        using var json = JsonDocument.Parse(result.Stdout);
        return json.RootElement[0].GetProperty("mtu").GetInt32();
    }

    public bool HasLink(string ns, string ifname) => LinkMtu(ns, ifname) is not null;

    public void SendArpBroadcast(string ns, string ifname, string mac, string sender, string target) =>
        Exec(ns, "python3", "-c", ArpBroadcastScript, ifname, mac, sender, target);

    /// <summary>Waits until something listens on TCP <paramref name="port"/> in <paramref name="ns"/>.</summary>
    public void WaitForListener(string ns, int port, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (Exec(ns, "ss", "-Hltn", $"sport = :{port}").Stdout.Trim().Length == 0)
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"nothing listens on TCP {port} in {ns} after {timeout.TotalSeconds:F0} s\n{Describe()}");
            Thread.Sleep(50);
        }
    }
}
