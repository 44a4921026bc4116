using Overlay.Gossip.Messages;
using Xunit.Abstractions;

namespace Overlay.Gossip.Net.Tests;

/// <summary>Keyring and label on a live cluster: admitted with the right ones, refused (and counted) without,
/// and a key rotation that never splits the cluster.</summary>
public sealed class SecurityTests(ITestOutputHelper output)
{
    private const string Label = "overlay-prod";
    private static readonly byte[] Key1 = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Key2 = Enumerable.Range(101, 16).Select(i => (byte)i).ToArray();
    private static readonly byte[] WrongKey = Enumerable.Range(201, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public async Task An_encrypted_labelled_cluster_forms_and_carries_broadcasts()
    {
        await using TestCluster cluster = await TestCluster.StartAsync(3, _ => TestNode.Loopback(Label, Key1));
        byte[] payload = "secret endpoints"u8.ToArray();

        await cluster[1].BroadcastAsync(payload);

        await Eventually.HoldsAsync(() => cluster[0].Delegate.Received(payload) && cluster[2].Delegate.Received(payload),
            TimeSpan.FromSeconds(5), () => "broadcast not delivered");
        foreach (TestNode node in cluster.Nodes)
        {
            Assert.Equal(0, node.Transport.Counters.TotalDropped);
            Assert.Empty(node.Errors);
        }
    }

    public static TheoryData<string, string, byte[][], TransportDropReason> Outsiders() => new()
    {
        { "wrong key", Label, [WrongKey], TransportDropReason.DecryptFailed },
        { "wrong label", "overlay-dev", [Key1], TransportDropReason.LabelMismatch },
        { "no label", "", [Key1], TransportDropReason.LabelMismatch },
        { "no key", Label, [], TransportDropReason.NotEncrypted },
    };

    [Theory]
    [MemberData(nameof(Outsiders))]
    public async Task An_outsider_is_not_admitted_and_is_counted(string what, string label, byte[][] keys, TransportDropReason reason)
    {
        await using TestCluster cluster = await TestCluster.StartAsync(2, _ => TestNode.Loopback(Label, Key1));
        await using TestNode outsider = await TestNode.StartAsync("outsider", TestNode.Loopback(label, keys), seeds: [cluster[0].EndPoint]);

        // Its join push/pull is refused; its packets too. Give it a few probe and gossip rounds.
        await Eventually.HoldsAsync(() => cluster[0].Transport.Counters.Dropped(reason) > 0, TimeSpan.FromSeconds(5),
            () => $"{what}: no {reason} drop at node-0: {cluster[0].Transport.Counters}");
        await Task.Delay(TimeSpan.FromSeconds(2));

        foreach (TestNode node in cluster.Nodes)
        {
            Assert.Null(await node.StateOfAsync("outsider"));
            Assert.True(await node.SeesAliveAsync(cluster.Names));
        }
        Assert.Single(await outsider.MembersAsync());
        Assert.Equal(0, await outsider.Runner.InvokeAsync(n => n.SuccessfulJoins));
        output.WriteLine($"{what}: node-0 {cluster[0].Transport.Counters}");
    }

    [Fact]
    public async Task Key_rotation_keeps_the_cluster_intact()
    {
        await using TestCluster cluster = await TestCluster.StartAsync(3, _ => TestNode.Loopback(Label, Key1));
        TimeSpan settle = cluster[0].Options.ProbeInterval * 2;

        // Install everywhere, then use everywhere (one node at a time, traffic flowing in between: for a while
        // some nodes encrypt with the new key and some with the old, and everyone can read both), then remove.
        foreach (TestNode node in cluster.Nodes)
        {
            Assert.Equal(KeyOperationResult.Ok, node.Transport.InstallKey(Key2));
        }
        await Task.Delay(settle);
        foreach (TestNode node in cluster.Nodes)
        {
            Assert.Equal(KeyOperationResult.PrimaryKeyRemoval, node.Transport.RemoveKey(Key1));
            Assert.Equal(KeyOperationResult.Ok, node.Transport.UseKey(Key2));
            await Task.Delay(settle);
        }
        foreach (TestNode node in cluster.Nodes)
        {
            Assert.Equal(KeyOperationResult.Ok, node.Transport.RemoveKey(Key1));
            Assert.Equal([Key2], node.Transport.Keys);
        }
        await Task.Delay(settle);

        byte[] payload = "after rotation"u8.ToArray();
        await cluster[2].BroadcastAsync(payload);
        await Eventually.HoldsAsync(() => cluster[0].Delegate.Received(payload) && cluster[1].Delegate.Received(payload),
            TimeSpan.FromSeconds(5), () => "broadcast not delivered after the rotation");
        foreach (TestNode node in cluster.Nodes)
        {
            Assert.True(await node.SeesAliveAsync(cluster.Names), await cluster.DescribeAsync());
            Assert.Empty(node.Delegate.Leaves);
            Assert.Equal(0, await node.Runner.InvokeAsync(n => n.Metrics.MembersSuspected));
            Assert.Equal(0, node.Transport.Counters.TotalDropped);
        }

        // The old key no longer gets anyone in.
        await using TestNode stale = await TestNode.StartAsync("stale", TestNode.Loopback(Label, Key1), seeds: [cluster[0].EndPoint]);
        await Eventually.HoldsAsync(() => cluster[0].Transport.Counters.Dropped(TransportDropReason.DecryptFailed) > 0,
            TimeSpan.FromSeconds(5), () => $"the stale key was not refused: {cluster[0].Transport.Counters}");
        Assert.Null(await cluster[0].StateOfAsync("stale"));
    }

    [Fact]
    public void Keyring_changes_are_refused_without_encryption()
    {
        using var transport = new UdpTcpTransport(TestNode.Loopback());
        Assert.Equal(KeyOperationResult.EncryptionNotEnabled, transport.InstallKey(Key1));
        Assert.Empty(transport.Keys);
    }

    [Fact]
    public void Bad_options_are_refused_with_the_key_named()
    {
        var e = Assert.Throws<ArgumentException>(() => new UdpTcpTransport(TestNode.Loopback() with { Keys = [new byte[7]], Port = 70000 }));
        Assert.Contains("UdpTcpTransportOptions.Keys[0]", e.Message);
        Assert.Contains("UdpTcpTransportOptions.Port", e.Message);
        e = Assert.Throws<ArgumentException>(() => new UdpTcpTransport(new UdpTcpTransportOptions { Port = 0 }));
        Assert.Contains("UdpTcpTransportOptions.AdvertiseAddress", e.Message);
    }
}
