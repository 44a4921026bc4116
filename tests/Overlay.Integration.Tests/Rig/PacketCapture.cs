using System.Text.RegularExpressions;

namespace Overlay.Integration.Tests.Rig;

/// <summary>tcpdump writing every packet on one interface of one namespace to a pcap file in the rig's work dir.</summary>
public sealed partial class PacketCapture
{
    private readonly BackgroundProcess _process;

    private PacketCapture(BackgroundProcess process, string file)
    {
        _process = process;
        File = file;
    }

    public string File { get; }

    /// <summary>Packets the kernel dropped before tcpdump read them (known after <see cref="Stop"/>).</summary>
    public int DroppedByKernel { get; private set; }

    /// <summary>Largest frame kept whole: the underlay MTU is 1500, so anything longer is a bug the capture should
    /// show (truncated, then flagged by tshark) rather than hide. A small snap length also keeps the capture ring,
    /// one slot per frame in immediate mode, from filling up.</summary>
    public const int SnapLength = 2048;

    /// <summary>Starts capturing and returns once tcpdump says it is listening. Immediate mode: without it the
    /// last packets sit in a ring block that tcpdump never reads once it is told to stop.</summary>
    public static PacketCapture Start(NetnsRig rig, string ns, string ifname, string name, params string[] filter)
    {
        string file = Path.Combine(rig.WorkDir, name + ".pcap");
        var process = rig.StartIn(ns, $"tcpdump:{name}", ["tcpdump", "-i", ifname, "-n", "--immediate-mode", "-U", "-B", "16384", "-s", SnapLength.ToString(), "-w", file, .. filter]);
        process.WaitForOutput("listening on", TimeSpan.FromSeconds(10));
        return new PacketCapture(process, file);
    }

    /// <summary>Lets the last packets land, stops tcpdump (SIGINT: it flushes the file) and returns the file.</summary>
    public string Stop()
    {
        Thread.Sleep(300);
        if (_process.Stop(Libc.SIGINT, TimeSpan.FromSeconds(10)) is null)
            throw new InvalidOperationException($"tcpdump did not stop on SIGINT\n{_process.Describe()}");
        var m = Dropped().Match(_process.Output);
        DroppedByKernel = m.Success ? int.Parse(m.Groups[1].Value) : 0;
        return File;
    }

    [GeneratedRegex(@"(\d+) packets? dropped by kernel")]
    private static partial Regex Dropped();
}
