namespace Overlay.Gossip.Net.Tests;

public sealed class ReplayWindowTests
{
    [Fact]
    public void A_nonce_is_refused_while_in_the_window_and_forgotten_after()
    {
        var window = new ReplayWindow(3);
        byte[][] nonces = Enumerable.Range(1, 4).Select(i => Enumerable.Repeat((byte)i, 12).ToArray()).ToArray();

        Assert.True(window.TryAccept(nonces[0]));
        Assert.False(window.TryAccept(nonces[0]));
        Assert.True(window.TryAccept(nonces[1]));
        Assert.True(window.TryAccept(nonces[2]));
        Assert.True(window.TryAccept(nonces[3])); // evicts nonces[0]
        Assert.False(window.TryAccept(nonces[3]));
        Assert.True(window.TryAccept(nonces[0]));
        Assert.False(window.TryAccept(ReplayWindow.Key(nonces[2])));
    }
}
