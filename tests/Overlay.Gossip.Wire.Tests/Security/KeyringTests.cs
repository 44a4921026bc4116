using Overlay.Gossip.Security;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Wire.Tests.Security;

public sealed class KeyringTests
{
    private static byte[] K(byte b, int length = 16) => Enumerable.Repeat(b, length).ToArray();

    [Fact]
    public void Install_use_remove_keep_memberlists_order()
    {
        Keyring ring = Keyring.Create(K(1), K(2, 24), K(3, 32), K(2, 24));
        Assert.Equal(3, ring.Current.Count);
        Assert.Equal(K(1), ring.Current.Primary.ToArray());

        Assert.Equal(KeyringResult.Ok, ring.Use(K(3, 32)));
        Assert.Equal(new[] { K(3, 32), K(1), K(2, 24) }, Keys(ring));

        Assert.Equal(KeyringResult.PrimaryKeyRemoval, ring.Remove(K(3, 32)));
        Assert.Equal(KeyringResult.Ok, ring.Remove(K(1)));
        Assert.Equal(KeyringResult.Ok, ring.Remove(K(9)));
        Assert.Equal(new[] { K(3, 32), K(2, 24) }, Keys(ring));

        Assert.Equal(KeyringResult.NotInstalled, ring.Use(K(9)));
        Assert.Equal(KeyringResult.InvalidKeySize, ring.Install(K(4, 15)));
        Assert.Throws<ArgumentException>(() => Keyring.Create(K(1, 8)));
    }

    [Fact]
    public void A_snapshot_taken_before_a_change_is_not_changed()
    {
        Keyring ring = Keyring.Create(K(1));
        KeySet before = ring.Current;
        ring.Install(K(2));
        ring.Use(K(2));
        Assert.Equal(1, before.Count);
        Assert.Equal(K(1), before.Primary.ToArray());
    }

    [Fact]
    public void Rotation_without_downtime_keeps_every_packet_readable()
    {
        Keyring a = Keyring.Create(K(1));
        Keyring b = Keyring.Create(K(1));
        var optionsA = new GossipSecurityOptions { Keyring = a, Label = "cluster"u8.ToArray() };
        var optionsB = new GossipSecurityOptions { Keyring = b, Label = "cluster"u8.ToArray() };
        Action[] steps =
        [
            () => { },
            () => a.Install(K(2)),
            () => b.Install(K(2)),
            () => a.Use(K(2)),
            () => b.Use(K(2)),
            () => a.Remove(K(1)),
            () => b.Remove(K(1)),
        ];
        byte[] payload = [(byte)Overlay.Gossip.Messages.MessageType.User, 42];
        foreach (Action step in steps)
        {
            step();
            byte[] fromA = PacketEnvelope.Seal(payload, optionsA, crc: true);
            byte[] fromB = PacketEnvelope.Seal(payload, optionsB, crc: true);
            Assert.Equal(WireError.None, PacketEnvelope.TryOpen(fromA, optionsB, new byte[fromA.Length], out ReadOnlySpan<byte> atB));
            Assert.Equal(payload, atB.ToArray());
            Assert.Equal(WireError.None, PacketEnvelope.TryOpen(fromB, optionsA, new byte[fromB.Length], out ReadOnlySpan<byte> atA));
            Assert.Equal(payload, atA.ToArray());
        }
    }

    private static byte[][] Keys(Keyring ring)
    {
        KeySet set = ring.Current;
        var keys = new byte[set.Count][];
        for (int i = 0; i < set.Count; i++)
        {
            keys[i] = set[i].ToArray();
        }
        return keys;
    }
}
