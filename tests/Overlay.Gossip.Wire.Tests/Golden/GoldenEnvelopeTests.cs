using Overlay.Gossip.Messages;
using Overlay.Gossip.Security;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Wire.Tests.Golden;

/// <summary>Compound, compression, CRC and encrypted packets exactly as memberlist's
/// makeCompoundMessage, compressPayload and rawSendMsgPacket produced them.</summary>
[Collection(GoldenCollection.Name)]
public sealed class GoldenEnvelopeTests(GoldenFiles golden)
{
    [Fact]
    public void Compound_splits_into_memberlists_parts_and_re_encodes_identically()
    {
        byte[] bytes = golden["compound"];
        Assert.Equal((byte)MessageType.Compound, bytes[0]);
        Assert.Equal(WireError.None, CompoundMessage.TryRead(bytes.AsSpan(1), out CompoundReader reader));
        Assert.Equal(3, reader.Count);
        Assert.Equal(0, reader.Truncated);
        var parts = new List<ReadOnlyMemory<byte>>();
        while (reader.TryNext(out ReadOnlySpan<byte> part))
        {
            parts.Add(part.ToArray());
        }
        Assert.Equal(golden["ping"], parts[0].ToArray());
        Assert.Equal(golden["suspect"], parts[1].ToArray());
        Assert.Equal(golden["alive"], parts[2].ToArray());
        Assert.Equal(bytes, CompoundMessage.Encode(parts.ToArray()));
        Assert.Equal(golden["compound_empty"], CompoundMessage.Encode([]));
    }

    [Theory]
    [InlineData("compress_alive")]
    [InlineData("compress_large")]
    [InlineData("compress_empty")]
    public void Lzw_decompresses_memberlists_output_and_compresses_byte_identically(string name)
    {
        byte[] compressed = golden[name];
        byte[] plain = golden[name + "_plain"];
        Assert.Equal((byte)MessageType.Compress, compressed[0]);
        Assert.Equal(WireError.None, CompressedMessage.TryDecompress(compressed.AsSpan(1), 1 << 20, out byte[] payload));
        Assert.Equal(plain, payload);
        Assert.Equal(Convert.ToHexString(compressed), Convert.ToHexString(CompressedMessage.Encode(plain)));
    }

    [Fact]
    public void Decompression_stops_at_the_output_limit()
    {
        byte[] compressed = golden["compress_large"];
        Assert.Equal(WireError.TooLarge, CompressedMessage.TryDecompress(compressed.AsSpan(1), 1000, out _));
    }

    [Fact]
    public void Crc_packet_opens_to_the_payload_and_reseals_identically()
    {
        byte[] packet = golden["packet_crc"];
        Assert.Equal((byte)MessageType.HasCrc, packet[0]);
        Assert.Equal(WireError.None, PacketEnvelope.TryOpen(packet, GossipSecurityOptions.None, new byte[packet.Length], out ReadOnlySpan<byte> payload));
        Assert.Equal(golden["packet_crc_plain"], payload.ToArray());
        Assert.Equal(packet, PacketEnvelope.Seal(golden["packet_crc_plain"], GossipSecurityOptions.None, crc: true));

        packet[^1] ^= 0x01;
        Assert.Equal(WireError.BadCrc, PacketEnvelope.TryOpen(packet, GossipSecurityOptions.None, new byte[packet.Length], out _));
    }

    [Fact]
    public void Packet_without_crc_for_an_old_peer_is_the_bare_message()
    {
        Assert.Equal(golden["packet_nocrc_plain"], golden["packet_nocrc"]);
        Assert.Equal(golden["packet_nocrc"], PacketEnvelope.Seal(golden["packet_nocrc_plain"], GossipSecurityOptions.None, crc: false));
    }

    [Theory]
    [InlineData("packet_enc_v1_k16", 16, 0x00)]
    [InlineData("packet_enc_v1_k32", 32, 0x20)]
    [InlineData("packet_enc_v0_k24", 24, 0x40)]
    public void Encrypted_packets_decrypt_with_the_same_key(string name, int keyLength, int first)
    {
        byte[] packet = golden[name];
        Assert.Equal(name.Contains("_v0_") ? 0 : 1, packet[0]);
        var options = new GossipSecurityOptions { Keyring = Keyring.Create(GoldenValues.Key(keyLength, (byte)first)) };
        Assert.Equal(WireError.None, PacketEnvelope.TryOpen(packet, options, new byte[packet.Length], out ReadOnlySpan<byte> payload));
        Assert.Equal(golden[name + "_plain"], payload.ToArray());

        var wrong = new GossipSecurityOptions { Keyring = Keyring.Create(GoldenValues.Key(keyLength, (byte)(first + 1))) };
        Assert.Equal(WireError.DecryptFailed, PacketEnvelope.TryOpen(packet, wrong, new byte[packet.Length], out _));
        var labelled = options with { Label = "other"u8.ToArray() };
        Assert.Equal(WireError.LabelMismatch, PacketEnvelope.TryOpen(packet, labelled, new byte[packet.Length], out _));
        Assert.Equal(WireError.DecryptFailed, PacketEnvelope.TryOpen(packet, labelled with { SkipInboundLabelCheck = true }, new byte[packet.Length], out _));
    }

    [Fact]
    public void A_packet_under_a_rotated_key_decrypts_with_any_installed_key()
    {
        byte[] packet = golden["packet_enc_rotated"];
        Keyring ring = Keyring.Create(GoldenValues.Key16);
        var options = new GossipSecurityOptions { Keyring = ring };
        Assert.Equal(WireError.DecryptFailed, PacketEnvelope.TryOpen(packet, options, new byte[packet.Length], out _));
        Assert.Equal(KeyringResult.Ok, ring.Install(GoldenValues.Key16Rotated));
        Assert.Equal(WireError.None, PacketEnvelope.TryOpen(packet, options, new byte[packet.Length], out ReadOnlySpan<byte> payload));
        Assert.Equal(golden["packet_enc_rotated_plain"], payload.ToArray());
    }

    [Fact]
    public void Compressed_packet_walks_to_the_three_alive_messages()
    {
        byte[] packet = golden["packet_compressed"];
        Assert.Equal(WireError.None, PacketEnvelope.TryOpen(packet, GossipSecurityOptions.None, new byte[packet.Length], out ReadOnlySpan<byte> payload));
        Assert.Equal((byte)MessageType.Compress, payload[0]);
        var visitor = new CollectingVisitor();
        Assert.Equal(WireError.None, MessageWalker.Walk(payload, ref visitor, out int truncated));
        Assert.Equal(0, truncated);
        Assert.Empty(visitor.Dropped);
        Assert.Equal(3, visitor.Messages.Count);
        Assert.All(visitor.Messages, m => Assert.Equal(golden["alive"], m));
    }
}
