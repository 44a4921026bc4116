using System.Buffers.Binary;
using Microsoft.Extensions.Time.Testing;
using Overlay.Dataplane.Bridging;
using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Offload;
using Overlay.Dataplane.Ports;
using Overlay.Dataplane.Switching;
using Overlay.Dataplane.Tests.Offload;
using Overlay.Dataplane.Vxlan;
using Overlay.Packets;

namespace Overlay.Dataplane.Tests.Switching;

/// <summary>
/// One VTEP (198.19.0.1) with a super-frame-capable outside fake, network 42, and helpers that hand the switch TCP
/// super-frames as a TAP with TSO (or the UDP-tunnel underlay TAP) gives them: in a large pool buffer, with their
/// virtio header in <see cref="PacketBatch.Headers"/>.
/// </summary>
internal sealed class SuperFrameRig
{
    public const uint Vni = 42;
    public const int Mtu = 1500;
    /// <summary>The MSS of a 1500-byte MTU: every segment fills the MTU exactly.</summary>
    public const int GsoSize = 1460;
    public static readonly MacAddress MacA = MacAddress.Parse("02:00:00:00:00:0a");
    public static readonly MacAddress MacB = MacAddress.Parse("02:00:00:00:00:0b");
    public static readonly MacAddress MacC = MacAddress.Parse("02:00:00:00:00:0c");
    public static readonly IpAddr LocalVtep = IpAddr.Parse("198.19.0.1");
    public static readonly IpAddr RemoteVtep = IpAddr.Parse("198.19.0.2");
    public static readonly IpAddr OtherVtep = IpAddr.Parse("198.19.0.3");

    public SuperFrameRig(bool outsideAccepts = true)
    {
        Outside = new SuperFrameOutside { Accept = outsideAccepts };
        Switch = new VxlanSwitch(Pool, new VxlanSettings { LocalV4 = LocalVtep }, Outside, Time);
        Network = Switch.AddNetwork(new NetworkSettings { Name = "net42", Vni = Vni });
    }

    public FakeTimeProvider Time { get; } = new();
    public PacketBufferPool Pool { get; } = new(256, largeCount: 4);
    public SuperFrameOutside Outside { get; }
    public VxlanSwitch Switch { get; }
    public SwitchNetwork Network { get; }

    /// <summary>9 full segments and a short tenth: a TSO super-frame from A (inside) to B, PSH on the last.</summary>
    public static FrameSpec Super(MacAddress destination) => new()
    {
        Source = MacA,
        Destination = destination,
        Payload = 9 * GsoSize + 700,
        Flags = TcpFlags.Ack | TcpFlags.Psh,
    };

    public static int SegmentCount(FrameSpec s) => (s.Payload + GsoSize - 1) / GsoSize;

    public SwitchPort AddPort(string name, IInsidePort device) => Switch.AddPort(name, device, Network, Mtu);

    public void StaticRemote(MacAddress mac, params IpAddr[] remotes)
    {
        for (int i = 0; i < remotes.Length; i++)
        {
            var change = i == 0 ? FdbChange.Add : FdbChange.Append;
            Assert.Equal(FdbResult.Ok, Switch.FdbUpdate(Network, change, mac, null, remotes[i], FdbEntryKind.Permanent));
        }
    }

    public void StaticLocal(MacAddress mac, SwitchPort port) =>
        Assert.Equal(FdbResult.Ok, Switch.FdbUpdate(Network, FdbChange.Add, mac, port, default, FdbEntryKind.Permanent));

    public void FloodTo(IpAddr remote) =>
        Assert.Equal(FdbResult.Ok, Switch.FdbUpdate(Network, FdbChange.Append, MacAddress.Zero, null, remote, FdbEntryKind.Permanent));

    /// <summary>Appends <paramref name="frame"/> as the TAP reader would: at the headroom of a large buffer when it
    /// needs one, else of a small one; the batch owns the buffer.</summary>
    public void AddInside(PacketBatch batch, byte[] frame, in VirtioNetHeader header)
    {
        int handle = Rent(frame.Length);
        frame.CopyTo(Pool.Span(handle).Slice(PacketBufferPool.Headroom));
        batch.Add(handle, PacketBufferPool.Headroom, frame.Length, header);
    }

    public void Inside(SwitchPort from, byte[] frame, in VirtioNetHeader header)
    {
        var rx = new PacketBatch(8);
        AddInside(rx, frame, header);
        Switch.ProcessInside(from.Index, rx);
        Assert.Equal(0, rx.Count);
    }

    /// <summary>A VXLAN datagram (VNI 42) around <paramref name="innerFrame"/> from <paramref name="from"/>, placed
    /// where the underlay TAP leaves it (after the outer headers it parsed, not at the headroom), with
    /// <paramref name="header"/>'s offsets counted from the inner Ethernet header.</summary>
    public void FromOutside(byte[] innerFrame, in VirtioNetHeader header, IpAddr from)
    {
        int length = VxlanView.HeaderLength + innerFrame.Length;
        int handle = Rent(length + 64);
        int offset = PacketBufferPool.Headroom + 14 + 20 + 8;
        var datagram = Pool.Span(handle).Slice(offset, length);
        datagram.Slice(0, VxlanView.HeaderLength).Clear();
        datagram[0] = VxlanView.IFlag;
        BinaryPrimitives.WriteUInt32BigEndian(datagram.Slice(4), Vni << 8);
        innerFrame.CopyTo(datagram.Slice(VxlanView.HeaderLength));
        var rx = new PacketBatch(8);
        rx.Add(handle, offset, length, header, from, 50000);
        Switch.ProcessOutside(rx);
        Assert.Equal(0, rx.Count);
    }

    private int Rent(int length)
    {
        bool large = length > Pool.SmallFrameCapacity;
        Assert.True(large ? Pool.TryRentLarge(out int handle) : Pool.TryRent(out handle));
        return handle;
    }

    /// <summary>Checks an outer packet the switch sent (IPv4, UDP to 4789, VXLAN VNI 42, every checksum) and returns
    /// the inner frame.</summary>
    public static byte[] InnerOf(byte[] packet, IpAddr destination)
    {
        Assert.True(Ipv4View.TryParse(packet, out var ip));
        Assert.Equal(packet.Length, ip.TotalLength);
        Assert.True(ip.IsHeaderChecksumValid());
        Assert.Equal(17, ip.Protocol);
        Assert.Equal(LocalVtep, ip.SourceAddress);
        Assert.Equal(destination, ip.DestinationAddress);
        Assert.True(UdpView.TryParse(ip.Payload, out var udp));
        Assert.Equal(VxlanView.DefaultPort, udp.DestinationPort);
        Assert.Equal(ip.Payload.Length, udp.Length);
        Assert.True(udp.HasChecksum);
        Assert.True(udp.IsChecksumValidV4(ip.Source, ip.Destination));
        Assert.True(VxlanView.TryParse(udp.Payload, out var vxlan));
        Assert.True(vxlan.HasIFlag);
        Assert.Equal(0ul, vxlan.ReservedBits);
        Assert.Equal(Vni, vxlan.Vni);
        return vxlan.Payload.ToArray();
    }

    /// <summary>The frames are exactly the kernel's segments of <paramref name="super"/>, each with a TCP checksum
    /// that verifies.</summary>
    public static void AssertSegmentsOf(FrameSpec super, IReadOnlyList<byte[]> frames)
    {
        int count = SegmentCount(super);
        Assert.Equal(count, frames.Count);
        for (int i = 0; i < count; i++)
        {
            var spec = FrameBuilder.SegmentSpec(super, GsoSize, i);
            Assert.True(FrameBuilder.L4ChecksumValid(frames[i], spec), $"segment {i}: the inner TCP checksum does not verify");
            Assert.Equal(FrameBuilder.Build(spec), frames[i]);
            Assert.True(frames[i].Length <= Mtu + 14, $"segment {i} is {frames[i].Length} bytes, over the MTU");
        }
    }
}

/// <summary>What the switch handed a <see cref="SuperFrameOutside"/> whole.</summary>
internal sealed record SuperFrameCall(byte[] Frame, VirtioNetHeader Header, uint Vni, IpAddr Remote, uint FlowHash, int Offset, int OutstandingDuringCall);

/// <summary>An outside that carries super-frames when <see cref="Accept"/> says so (refusing, it scribbles over the
/// headroom as the contract allows), and records every datagram sent the ordinary way; <see cref="Log"/> keeps the
/// order of both.</summary>
internal sealed class SuperFrameOutside : IOutsidePort, ISuperFrameOutside
{
    public const string Datagram = "datagram";
    public const string SuperFrame = "super-frame";

    public bool Accept { get; set; } = true;
    public List<SuperFrameCall> Calls { get; } = [];
    public List<(IpAddr Peer, byte[] Packet)> Sent { get; } = [];
    public List<string> Log { get; } = [];

    public int Receive(PacketBufferPool pool, PacketBatch batch) => 0;

    public int Send(PacketBufferPool pool, PacketBatch batch)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            Sent.Add((batch.Peers[i], batch.Packet(pool, i).ToArray()));
            Log.Add(Datagram);
        }
        return batch.Count;
    }

    public bool TrySendSuperFrame(PacketBufferPool pool, int handle, int offset, int length, in VirtioNetHeader header, uint vni, IpAddr remote, uint flowHash)
    {
        Calls.Add(new SuperFrameCall(pool.Span(handle).Slice(offset, length).ToArray(), header, vni, remote, flowHash, offset, pool.Outstanding));
        if (!Accept)
        {
            pool.Span(handle).Slice(0, offset).Fill(0xEE);
            return false;
        }
        Log.Add(SuperFrame);
        return true;
    }
}

/// <summary>A device that keeps every frame written with its virtio header. It does not implement
/// <see cref="IInsidePort.Accepts"/>, so the interface's default (plain frames only) applies.</summary>
internal class CapturingInsidePort : IInsidePort
{
    public List<(byte[] Frame, VirtioNetHeader Header)> Written { get; } = [];
    public List<byte[]> Frames => [.. Written.Select(w => w.Frame)];

    public int Read(PacketBufferPool pool, PacketBatch batch) => 0;

    public int Write(PacketBufferPool pool, PacketBatch batch)
    {
        for (int i = 0; i < batch.Count; i++) Written.Add((batch.Packet(pool, i).ToArray(), batch.Headers[i]));
        int n = batch.Count;
        batch.ReturnAll(pool);
        return n;
    }
}

/// <summary>A device like a TAP with IFF_VNET_HDR and TSO/checksum offload: takes super-frames and partial
/// checksums whole.</summary>
internal sealed class OffloadInsidePort : CapturingInsidePort, IInsidePort
{
    public bool Accepts(in VirtioNetHeader header) => true;
}
