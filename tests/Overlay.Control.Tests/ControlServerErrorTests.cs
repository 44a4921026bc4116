using System.Text;
using Overlay.Control;

namespace Overlay.Control.Tests;

/// <summary>Whatever a client sends or a handler does, the server answers with an error and keeps serving.</summary>
public sealed class ControlServerErrorTests
{
    [Theory]
    [InlineData("{\"verb\":", "malformed request")]
    [InlineData("not json at all", "malformed request")]
    [InlineData("null", "malformed request")]
    [InlineData("[1,2,3]", "malformed request")]
    [InlineData("{\"fdb\":{}}", "verb")]
    [InlineData("{\"verb\":\"stats\"} {\"verb\":\"stats\"}", "invalid after a single JSON value")]
    [InlineData("{\"verb\":\"fdb.show\",\"fdb\":{\"vni\":\"forty-two\"}}", "malformed request")]
    [InlineData("{\"verb\":\"fdb.change\"}", "needs a 'change' object")]
    [InlineData("{\"verb\":\"fdb.flush\"}", "needs a 'flush' object")]
    [InlineData("{\"verb\":\"fdb.flush\",\"flush\":{\"includeStatic\":true}}", "needs a 'filter' object")]
    [InlineData("{\"verb\":\"fdb.change\",\"change\":{\"op\":\"add\",\"network\":null,\"mac\":\"02:00:00:00:00:01\"}}", "malformed request")]
    [InlineData("{\"verb\":\"fdb.change\",\"change\":{\"op\":\"add\",\"mac\":\"02:00:00:00:00:01\"}}", "needs 'network' in 'change'")]
    [InlineData("{\"verb\":\"keys.change\"}", "needs a 'keyChange' object")]
    [InlineData("{\"verb\":\"keys.change\",\"keyChange\":{\"op\":\"use\",\"key\":\"\"}}", "needs 'key' in 'keyChange'")]
    [InlineData("{\"verb\":\"keys.change\",\"keyChange\":{\"key\":\"AAAAAAAAAAAAAAAAAAAAAA==\"}}", "needs 'op' in 'keyChange'")]
    [InlineData("{\"verb\":\"fdb.explode\"}", "unknown verb 'fdb.explode'")]
    [InlineData("{\"version\":2,\"verb\":\"stats\"}", "protocol version 2 is not supported")]
    public async Task BadRequest_GetsAnErrorAndTheConnectionStaysUsable(string line, string expected)
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        await using RawClient raw = await RawClient.ConnectAsync(harness.SocketPath);

        ControlResponse refused = await raw.AskAsync(line);
        ControlResponse next = await raw.AskAsync("{\"verb\":\"stats\"}");

        Assert.False(refused.Ok);
        Assert.Null(refused.Result);
        Assert.Contains(expected, refused.Error, StringComparison.Ordinal);
        Assert.True(next.Ok);
        Assert.NotEmpty(harness.Log);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OversizedLine_GetsAnErrorThenTheConnectionCloses(bool terminated)
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        await using RawClient raw = await RawClient.ConnectAsync(harness.SocketPath);
        byte[] line = new byte[ControlProtocol.DefaultMaxRequestBytes + 1 + (terminated ? 1 : 0)];
        Array.Fill(line, (byte)' ');
        "{\"verb\":\"stats\"}"u8.CopyTo(line);
        if (terminated)
        {
            line[^1] = (byte)'\n';
        }

        // The server may close before taking every byte; the write failing then is expected.
        Task sending = raw.WriteAsync(line).ContinueWith(_ => { }, TaskScheduler.Default);
        ControlResponse response = await raw.ReadResponseAsync();
        await sending;

        Assert.False(response.Ok);
        Assert.Contains($"exceeds {ControlProtocol.DefaultMaxRequestBytes} bytes", response.Error, StringComparison.Ordinal);
        Assert.Null(await ReadLineOrNullAsync(raw));
        Assert.NotNull(await harness.Client.StatsAsync());
    }

    [Fact]
    public async Task LineOfExactlyTheLimit_IsServed()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync(options => options.MaxRequestBytes = 4096);
        await using RawClient raw = await RawClient.ConnectAsync(harness.SocketPath);
        string request = "{\"verb\":\"stats\"}";

        ControlResponse response = await raw.AskAsync(request + new string(' ', 4096 - Encoding.UTF8.GetByteCount(request)));

        Assert.True(response.Ok);
    }

    [Fact]
    public async Task HandlerException_BecomesAnErrorWithItsMessage_AndIsLogged()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        harness.Handler.Failure = new InvalidOperationException("the FDB is on fire");

        var error = await Assert.ThrowsAsync<ControlException>(() => harness.Client.FdbShowAsync());

        Assert.Equal("the FDB is on fire", error.Message);
        Assert.Contains(harness.Log, message => message.Contains("fdb.show", StringComparison.Ordinal) && message.Contains("the FDB is on fire", StringComparison.Ordinal));
        harness.Handler.Failure = null;
        Assert.Equal(SampleData.Ports, await harness.Client.PortsAsync());
    }

    [Fact]
    public async Task RefusalWithoutMessage_SaysTheRequestFailed()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        harness.Handler.ChangeResult = ControlResult.Failure("");

        var error = await Assert.ThrowsAsync<ControlException>(
            () => harness.Client.FdbChangeAsync(new FdbChangeDto("del", "blue", "02:00:00:00:00:01", null, null)));

        Assert.Equal("the request failed", error.Message);
    }

    [Fact]
    public async Task ClientHangingUpMidRequest_DoesNotDisturbOthers()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync();
        await using (RawClient raw = await RawClient.ConnectAsync(harness.SocketPath))
        {
            await raw.WriteAsync("{\"verb\":\"sta");
        }

        Assert.NotNull(await harness.Client.StatsAsync());
    }

    private static async Task<string?> ReadLineOrNullAsync(RawClient raw)
    {
        try
        {
            return await raw.ReadLineAsync();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
