using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Overlay.Dataplane.Offload;

namespace Overlay.Dataplane.Tests.Offload;

/// <summary>
/// Runs <see cref="UdpKernelRigScripts"/> once for every <see cref="UdpKernelScenarios"/> scenario (about 1 s; needs
/// root, iproute2 and python3) and keeps what the kernel did: which writes it took, which datagrams reached the
/// sockets, and which UDP MIB counters moved. The namespace is deleted by the script's exit trap and again by
/// <see cref="Dispose"/>; only 198.18.30.0/24 and 2001:2:0:30::/64 are used, inside it.
/// </summary>
public sealed class UdpKernelRig : IDisposable
{
    internal record struct Received(string Source, ushort SourcePort, byte[] Payload);

    private readonly string _suffix = Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
    private readonly string _dir;

    public UdpKernelRig()
    {
        if (Environment.UserName != "root") throw new InvalidOperationException("the UDP kernel tests need root (network namespaces, TAP)");
        _dir = Directory.CreateTempSubdirectory("ovudp-").FullName;
        try
        {
            Scenarios = UdpKernelScenarios.All();
            foreach (var scenario in Scenarios) UdpKernelScenarios.Coalesce(scenario);
            WriteInputs();
            File.WriteAllText(Path.Combine(_dir, "setup.sh"), UdpKernelRigScripts.Setup);
            File.WriteAllText(Path.Combine(_dir, "tap.py"), UdpKernelRigScripts.Tap);
            Run();
            Negotiation = File.ReadAllText(Path.Combine(_dir, "offload.txt"));
            if (Negotiation == "uso") ReadOutputs();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    internal UdpKernelScenario[] Scenarios { get; }
    /// <summary>"uso" when the TAP took TUN_F_USO4|USO6, else "refused ERRNO".</summary>
    public string Negotiation { get; }
    /// <summary>Per port: the result of each write(2), bytes or -errno.</summary>
    internal Dictionary<ushort, List<long>> WriteResults { get; } = [];
    /// <summary>Per port: the datagrams its socket received, in order.</summary>
    internal Dictionary<ushort, List<Received>> Datagrams { get; } = [];
    /// <summary>Per port: the UDP MIB counters (Udp* from /proc/net/snmp, Udp6* from snmp6) that moved while that
    /// port's frames were written and received, and by how much.</summary>
    internal Dictionary<ushort, Dictionary<string, long>> Counters { get; } = [];

    private void WriteInputs()
    {
        File.WriteAllLines(Path.Combine(_dir, "ports.txt"), Scenarios.Select(s => $"{s.Port} {(s.V6 ? 6 : 4)}"));
        using var writes = File.Create(Path.Combine(_dir, "writes.bin"));
        Span<byte> prefix = stackalloc byte[6 + VirtioNetHeader.Size];
        foreach (var scenario in Scenarios)
        {
            foreach (var (header, frame) in scenario.Writes)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(prefix, scenario.Port);
                BinaryPrimitives.WriteInt32LittleEndian(prefix.Slice(2), VirtioNetHeader.Size + frame.Length);
                header.Write(prefix.Slice(6));
                writes.Write(prefix);
                writes.Write(frame);
            }
        }
    }

    private void Run()
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(_dir, "setup.sh"));
        start.ArgumentList.Add(_suffix);
        start.ArgumentList.Add(_dir);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start bash");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the UDP kernel rig did not finish in 60 s");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"UDP kernel rig exited {process.ExitCode}: {error.Result}{output.Result}");
    }

    private void ReadOutputs()
    {
        foreach (var scenario in Scenarios)
        {
            WriteResults[scenario.Port] = [];
            Datagrams[scenario.Port] = [];
            Counters[scenario.Port] = [];
        }
        foreach (string line in File.ReadAllLines(Path.Combine(_dir, "writes.txt")).Where(l => l.Length > 0))
        {
            string[] parts = line.Split(' ');
            WriteResults[ushort.Parse(parts[0])].Add(long.Parse(parts[1]));
        }
        foreach (string line in File.ReadAllLines(Path.Combine(_dir, "counters.txt")).Where(l => l.Length > 0))
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var moved = Counters[ushort.Parse(parts[0])];
            foreach (string pair in parts.Skip(1))
            {
                int eq = pair.IndexOf('=');
                moved[pair[..eq]] = long.Parse(pair[(eq + 1)..]);
            }
        }
        byte[] data = File.ReadAllBytes(Path.Combine(_dir, "recv.bin"));
        for (int at = 0; at < data.Length;)
        {
            ushort port = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(at));
            int length = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(at + 2));
            var record = data.AsSpan(at + 6, length);
            at += 6 + length;
            int nul = record.IndexOf((byte)0);
            string source = Encoding.ASCII.GetString(record[..nul]);
            ushort sourcePort = BinaryPrimitives.ReadUInt16LittleEndian(record.Slice(nul + 1));
            Datagrams[port].Add(new Received(source, sourcePort, record[(nul + 3)..].ToArray()));
        }
    }

    public void Dispose()
    {
        using (var p = Process.Start(new ProcessStartInfo("ip", $"netns del ovudp-{_suffix}") { RedirectStandardError = true, UseShellExecute = false }))
        {
            p?.WaitForExit(10_000);
        }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
