using Overlay.Control;

namespace Overlay.Control.Tests;

public sealed class ControlServerOptionsTests
{
    [Theory]
    [InlineData("", "Control.SocketPath is empty")]
    [InlineData("run/overlayd.sock", "is not an absolute path")]
    [InlineData("/run/overlay/", "names a directory")]
    public void BadSocketPath_IsNamed(string path, string expected)
    {
        var options = new ControlServerOptions { SocketPath = path };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TooLongSocketPath_SaysHowLong()
    {
        string path = "/" + new string('x', 120);
        var options = new ControlServerOptions { SocketPath = path };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("is 121 bytes long; a unix socket path may be at most 107", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TinyLineLimit_IsRefused()
    {
        var options = new ControlServerOptions { MaxRequestBytes = 10 };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("Control.MaxRequestBytes is 10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_AreValid()
    {
        new ControlServerOptions().Validate();
    }
}
