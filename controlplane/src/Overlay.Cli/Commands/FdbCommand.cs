using System.CommandLine;
using Overlay.Control;

namespace Overlay.Cli.Commands;

/// <summary>The <c>fdb</c> group; on its own it lists every entry, like <c>bridge fdb</c>.</summary>
internal static class FdbCommand
{
    public static Command Create(CliOptions options)
    {
        var command = new Command("fdb", "Show and change the forwarding database")
        {
            FdbShowCommand.Create(options),
            FdbChangeCommand.Create(options, FdbChangeCommand.Add),
            FdbChangeCommand.Create(options, FdbChangeCommand.Append),
            FdbChangeCommand.Create(options, FdbChangeCommand.Replace),
            FdbDelCommand.Create(options),
            FdbFlushCommand.Create(options),
        };
        CommandRunner.SetAction(command, options, (_, context, cancellationToken) => FdbShowCommand.ShowAsync(context, new FdbFilter(), cancellationToken));
        return command;
    }
}
