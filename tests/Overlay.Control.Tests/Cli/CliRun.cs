using Overlay.Cli;

namespace Overlay.Control.Tests.Cli;

/// <summary>One in-process overlayctl run: its exit code and what it wrote.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public string[] OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public static async Task<CliRun> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = await OverlayCtl.RunAsync(args, output, error);
        return new CliRun(exitCode, output.ToString().Replace("\r\n", "\n", StringComparison.Ordinal), error.ToString());
    }

    public static Task<CliRun> AgainstAsync(ServerHarness harness, params string[] args)
        => RunAsync(["-s", harness.SocketPath, .. args]);
}
