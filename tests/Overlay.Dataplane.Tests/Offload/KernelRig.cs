using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using Overlay.Dataplane.Offload;
using Overlay.Packets;

namespace Overlay.Dataplane.Tests.Offload;

/// <summary>
/// Runs <see cref="KernelRigScripts"/> once (two TCP streams through a kernel router, about 3 s; needs root, iproute2,
/// ethtool and python3) and keeps what was captured. The namespaces are deleted by the script's exit trap and again by
/// <see cref="Dispose"/>; only 198.18.10.0/24 and 198.18.11.0/24 are used, inside those namespaces.
/// </summary>
public sealed class KernelRig : IDisposable
{
    public record struct Captured(VirtioNetHeader Header, byte[] Frame)
    {
        public readonly uint Sequence => BinaryPrimitives.ReadUInt32BigEndian(Frame.AsSpan(TcpOffset(Frame) + 4));
        public readonly int Payload => Frame.Length - TcpOffset(Frame) - ((Frame[TcpOffset(Frame) + 12] >> 4) * 4);
        public readonly ushort DestinationPort => BinaryPrimitives.ReadUInt16BigEndian(Frame.AsSpan(TcpOffset(Frame) + 2));
        private static int TcpOffset(byte[] f) => 14 + (f[14] & 0x0F) * 4;
    }

    private readonly string _suffix = Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
    private readonly string _dir;

    public KernelRig()
    {
        if (Environment.UserName != "root") throw new InvalidOperationException("the kernel ground-truth tests need root (network namespaces, AF_PACKET)");
        _dir = Directory.CreateTempSubdirectory("ovgt-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(_dir, "setup.sh"), KernelRigScripts.Setup);
            File.WriteAllText(Path.Combine(_dir, "cap.py"), KernelRigScripts.Capture);
            File.WriteAllText(Path.Combine(_dir, "tcp.py"), KernelRigScripts.Tcp);
            Run();
            SuperFrames = Read("b.bin", vnet: true);
            Segments = Read("c.bin", vnet: false);
            Coalesced = Read("d.bin", vnet: true);
            Drops = File.ReadAllText(Path.Combine(_dir, "b.bin.drops")) + File.ReadAllText(Path.Combine(_dir, "c.bin.drops"))
                + File.ReadAllText(Path.Combine(_dir, "d.bin.drops"));
            Received = File.ReadAllText(Path.Combine(_dir, "recv.out"));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>What A's stack handed to its veth (TSO super-frames and small frames), seen by R with virtio headers.</summary>
    public IReadOnlyList<Captured> SuperFrames { get; }
    /// <summary>What R sent on towards B after forwarding and software GSO (no virtio header).</summary>
    public IReadOnlyList<Captured> Segments { get; }
    /// <summary>What B's GRO made of <see cref="Segments"/>, with virtio headers.</summary>
    public IReadOnlyList<Captured> Coalesced { get; }
    /// <summary>The three capture sockets' drop counters, concatenated ("000" when nothing was lost).</summary>
    public string Drops { get; }
    public string Received { get; }

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
            throw new TimeoutException("the kernel rig did not finish in 60 s");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"kernel rig exited {process.ExitCode}: {error.Result}{output.Result}");
    }

    private List<Captured> Read(string name, bool vnet)
    {
        byte[] data = File.ReadAllBytes(Path.Combine(_dir, name));
        var list = new List<Captured>();
        for (int at = 0; at < data.Length;)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(at));
            var record = data.AsSpan(at + 4, length);
            at += 4 + length;
            list.Add(vnet
                ? new Captured(VirtioNetHeader.Read(record), record[VirtioNetHeader.Size..].ToArray())
                : new Captured(VirtioNetHeader.None, record.ToArray()));
        }
        return list;
    }

    public void Dispose()
    {
        foreach (var role in new[] { "a", "r", "b" })
        {
            using var p = Process.Start(new ProcessStartInfo("ip", $"netns del ovgt-{_suffix}-{role}") { RedirectStandardError = true, UseShellExecute = false });
            p?.WaitForExit(10_000);
        }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
