using System.CommandLine;
using System.CommandLine.Invocation;
using Overlay.Cli.Commands;
using Overlay.Control;

namespace Overlay.Cli;

/// <summary>overlayctl's entry: builds the command tree, reports usage errors (exit 2) itself and runs the verb.</summary>
internal static class OverlayCtl
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
        => Task.Run(() => RunAsync(args, output, error)).GetAwaiter().GetResult();

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        RootCommand root = BuildRootCommand(() => Environment.GetEnvironmentVariable(ControlProtocol.SocketEnvironmentVariable));
        ParseResult parseResult = root.Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            await ReportUsageErrorsAsync(parseResult, error).ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    public static RootCommand BuildRootCommand(Func<string?> environmentSocket)
    {
        var options = new CliOptions(environmentSocket);
        return new RootCommand("overlayctl: inspect and change a running overlayd")
        {
            options.Socket,
            options.Output,
            FdbCommand.Create(options),
            PortShowCommand.Create(options),
            NetworkShowCommand.Create(options),
            StatsCommand.Create(options),
            MembersCommand.Create(options),
            EndpointsCommand.Create(options),
            KeysCommand.Create(options),
        };
    }

    private static async Task ReportUsageErrorsAsync(ParseResult parseResult, TextWriter error)
    {
        foreach (var parseError in parseResult.Errors)
        {
            await error.WriteLineAsync("Error: " + parseError.Message).ConfigureAwait(false);
        }

        await error.WriteLineAsync($"Try '{CommandPath(parseResult)} --help'.").ConfigureAwait(false);
    }

    private static string CommandPath(ParseResult parseResult)
    {
        var names = new List<string>();
        for (var result = parseResult.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Command is RootCommand ? "overlayctl" : result.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
