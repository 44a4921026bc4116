using Overlay.Dataplane.Offload;

namespace Overlay.Dataplane.Tests.Offload;

public sealed class VirtioNetHeaderTests
{
    [Fact]
    public void ReadsAndWritesTheTenByteLayoutInHostOrder()
    {
        Assert.True(BitConverter.IsLittleEndian, "the expected bytes below are little-endian");
        byte[] wire = [0x01, 0x81, 0x42, 0x00, 0xA8, 0x05, 0x22, 0x00, 0x10, 0x00];
        var header = VirtioNetHeader.Read(wire);
        Assert.Equal(new VirtioNetHeader(1, 0x81, 66, 1448, 34, 16), header);
        Assert.True(header.NeedsChecksum);
        Assert.Equal(VirtioNetHeader.GsoTcpV4, header.GsoKind);
        Assert.True(header.IsGso);
        var back = new byte[12];
        header.Write(back);
        Assert.Equal(wire, back[..10]);
        Assert.Equal(0, back[10] | back[11]);
    }

    [Fact]
    public void ShortSpansAreACallerBug()
    {
        Assert.Throws<ArgumentException>(() => VirtioNetHeader.Read(new byte[9]));
        Assert.Throws<ArgumentException>(() => default(VirtioNetHeader).Write(new byte[9]));
    }

    [Fact]
    public void NoneIsAllZero()
    {
        var b = new byte[10];
        b.AsSpan().Fill(0xFF);
        VirtioNetHeader.None.Write(b);
        Assert.All(b, x => Assert.Equal(0, x));
        Assert.False(VirtioNetHeader.None.IsGso);
    }
}
