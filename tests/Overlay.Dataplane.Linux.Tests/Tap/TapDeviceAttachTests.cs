using Overlay.Dataplane.Buffers;
using Overlay.Dataplane.Linux.Tap;
using Overlay.Dataplane.Linux.Tests.Support;
using Overlay.Packets;

namespace Overlay.Dataplane.Linux.Tests.Tap;

/// <summary>Attaching to a persistent TAP made by someone else.</summary>
[Collection(NetnsCollection.Name)]
public sealed class TapDeviceAttachTests
{
    [Fact]
    public void Attach_uses_the_existing_device_without_changing_it_and_leaves_it_on_dispose()
    {
        using var ns = new TestNamespace();
        string name = "ovp" + TestNamespace.Suffix();
        Ip.Run("-n", ns.Name, "tuntap", "add", "dev", name, "mode", "tap");
        Ip.Run("-n", ns.Name, "link", "set", name, "mtu", "1450", "address", "02:00:c6:12:66:01", "up");
        Ip.Run("-n", ns.Name, "addr", "add", "198.18.103.1/24", "dev", name);
        var before = Ip.Link(ns.Name, name);

        using (var tap = TapDevice.Attach(name, ns.Name))
        {
            Assert.False(tap.IsOwned);
            Assert.Equal(name, tap.Name);
            Assert.Equal(before.GetProperty("ifindex").GetInt32(), tap.IfIndex);
            Assert.Equal(1450, tap.Mtu);
            Assert.Equal(MacAddress.Parse("02:00:c6:12:66:01"), tap.Mac);

            // It is really attached: the kernel answers an ARP request we write. Attaching turns the carrier on,
            // and until the kernel's linkwatch work activates the qdisc (up to a second later) the device drops what
            // it sends, so ask a few times.
            var pool = new PacketBufferPool(32);
            var batch = new PacketBatch(1);
            var peer = MacAddress.Parse("02:00:c6:12:66:02");
            byte[]? reply = null;
            for (int attempt = 0; attempt < 10 && reply is null; attempt++)
            {
                Assert.True(pool.TryRent(out int handle));
                int length = Arp.Write(pool.Span(handle)[PacketBufferPool.Headroom..], MacAddress.Broadcast, peer, Arp.Request,
                    peer, IpAddr.Parse("198.18.103.2"), MacAddress.Zero, IpAddr.Parse("198.18.103.1"));
                batch.Add(handle, PacketBufferPool.Headroom, length);
                Assert.Equal(1, tap.Write(pool, batch)); // owned: the device returns the buffer
                reply = TapReader.ReadUntil(tap, pool, f => Arp.Is(f, Arp.Reply, IpAddr.Parse("198.18.103.2")), timeoutMs: 300);
            }
            batch.ReturnAll(pool);
            Assert.NotNull(reply);
            Assert.Equal(MacAddress.Parse("02:00:c6:12:66:01"), Arp.SenderMac(reply));
            Assert.Equal(0, pool.Outstanding);
        }

        Assert.True(Ip.LinkExists(ns.Name, name), "an attached persistent TAP stays after Dispose");
        var after = Ip.Link(ns.Name, name);
        Assert.Equal(before.GetProperty("ifindex").GetInt32(), after.GetProperty("ifindex").GetInt32());
        Assert.Equal(1450, after.GetProperty("mtu").GetInt32());
        Assert.Equal("02:00:c6:12:66:01", after.GetProperty("address").GetString());
    }

    [Fact]
    public void Attaching_to_a_missing_device_does_not_create_one()
    {
        using var ns = new TestNamespace();
        string name = "ovp" + TestNamespace.Suffix();
        var e = Assert.Throws<LinuxIoException>(() => TapDevice.Attach(name, ns.Name));
        Assert.Equal("ENODEV", e.ErrnoName);
        Assert.Contains($"attach {name} in netns {ns.Name}", e.Message);
        Assert.False(Ip.LinkExists(ns.Name, name));
    }

    [Fact]
    public void Attaching_to_something_that_is_not_a_TAP_fails()
    {
        using var ns = new TestNamespace();
        string name = "ovd" + TestNamespace.Suffix();
        Ip.Run("-n", ns.Name, "link", "add", name, "type", "veth", "peer", "name", "ovq" + TestNamespace.Suffix());
        var e = Assert.Throws<LinuxIoException>(() => TapDevice.Attach(name, ns.Name));
        Assert.Equal("EINVAL", e.ErrnoName);
        Assert.StartsWith($"TUNSETIFF attach {name} in netns {ns.Name}", e.Message);
    }
}
