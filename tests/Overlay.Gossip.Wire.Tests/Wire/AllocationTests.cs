using Overlay.Gossip.Messages;
using Overlay.Gossip.Security;
using Overlay.Gossip.Wire;

namespace Overlay.Gossip.Wire.Tests.Wire;

/// <summary>The per-packet paths that need no records allocate nothing after warm-up.</summary>
public sealed class AllocationTests
{
    [Fact]
    public void Encoding_a_ping_opening_a_plain_packet_and_walking_a_compound_allocate_nothing()
    {
        var ping = new Ping(7, "node-b", [127, 0, 0, 1], 7946, "node-a");
        byte[] destination = new byte[512];
        byte[] compound = CompoundMessage.Encode([MemberlistCodec.Encode(ping), MemberlistCodec.Encode(new NackResp(3))]);
        byte[] packet = PacketEnvelope.Seal(compound, new GossipSecurityOptions { Label = "x"u8.ToArray() }, crc: true);
        var options = new GossipSecurityOptions { Label = "x"u8.ToArray() };
        byte[] scratch = new byte[packet.Length];

        int Run()
        {
            int total = 0;
            MemberlistCodec.TryEncode(ping, destination, out int written);
            total += written;
            PacketEnvelope.TryOpen(packet, options, scratch, out ReadOnlySpan<byte> payload);
            var counter = new CountingVisitor();
            MessageWalker.Walk(payload, ref counter, out _);
            return total + counter.Count;
        }

        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        int sum = 0;
        for (int i = 0; i < 1000; i++)
        {
            sum += Run();
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(sum > 0);
        Assert.Equal(0, allocated);
    }

    private struct CountingVisitor : IMessageVisitor
    {
        public int Count;

        public void OnMessage(ReadOnlySpan<byte> message) => Count++;

        public void OnDropped(WireError reason) => Count--;
    }
}
