using System.CommandLine;
using Overlay.Cli.Output;
using Overlay.Control;

namespace Overlay.Cli.Commands;

/// <summary><c>members</c>: the gossip membership as this daemon sees it.</summary>
internal static class MembersCommand
{
    public static Command Create(CliOptions options)
    {
        var command = new Command("members", "List gossip members");
        CommandRunner.SetAction(command, options, (_, context, cancellationToken) => ShowAsync(context, cancellationToken));
        return command;
    }

    private static async Task ShowAsync(CommandContext context, CancellationToken cancellationToken)
    {
        IReadOnlyList<MemberDto> members = await context.Client.MembersAsync(cancellationToken).ConfigureAwait(false);
        if (context.Format == OutputFormat.Json)
        {
            JsonOutput.Write(context.Output, members, ControlJsonContext.Default.IReadOnlyListMemberDto);
        }
        else
        {
            MemberText.Write(context.Output, members);
        }
    }
}
