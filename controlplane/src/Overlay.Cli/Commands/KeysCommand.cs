using System.CommandLine;
using Overlay.Cli.Output;
using Overlay.Control;

namespace Overlay.Cli.Commands;

/// <summary>The <c>keys</c> group: the gossip keyring, rotated without downtime as with <c>serf keys</c> — install the
/// new key on every node, use it on every node, then remove the old one everywhere. On its own it lists the keys. A daemon
/// with gossip.keyringFile saves each change there before it answers, so a restart keeps the rotated keys; a change it
/// could not save is reported as a failure (it is live; run the command again once the cause is fixed).</summary>
internal static class KeysCommand
{
    public const string Install = "install";
    public const string Use = "use";
    public const string Remove = "remove";

    public static Command Create(CliOptions options)
    {
        var list = new Command("list", "List the gossip keys by SHA-256 fingerprint, the primary first");
        CommandRunner.SetAction(list, options, (_, context, cancellationToken) => ListAsync(context, cancellationToken));

        var command = new Command("keys", "Show and rotate the gossip encryption keys (saved to gossip.keyringFile when the daemon has one)")
        {
            list,
            CreateChange(options, Install),
            CreateChange(options, Use),
            CreateChange(options, Remove),
        };
        CommandRunner.SetAction(command, options, (_, context, cancellationToken) => ListAsync(context, cancellationToken));
        return command;
    }

    private static Command CreateChange(CliOptions options, string op)
    {
        var key = new Argument<string?>("KEY")
        {
            Description = "AES key: base64 of 16, 24 or 32 bytes",
            CustomParser = Parsing.ValueParsers.ParseKey,
        };
        var command = new Command(op, Describe(op)) { key };
        CommandRunner.SetAction(command, options, (parseResult, context, cancellationToken)
            => context.Client.KeyChangeAsync(new KeyChangeDto(op, parseResult.GetValue(key)!), cancellationToken));
        return command;
    }

    private static async Task ListAsync(CommandContext context, CancellationToken cancellationToken)
    {
        IReadOnlyList<KeyDto> keys = await context.Client.KeysAsync(cancellationToken).ConfigureAwait(false);
        if (context.Format == OutputFormat.Json)
        {
            JsonOutput.Write(context.Output, keys, ControlJsonContext.Default.IReadOnlyListKeyDto);
        }
        else
        {
            KeyText.Write(context.Output, keys);
        }
    }

    private static string Describe(string op) => op switch
    {
        Install => "Install a key for decryption (step 1 of a rotation, on every node)",
        Use => "Encrypt with an installed key from now on (step 2, on every node)",
        Remove => "Remove a key that is not the primary (step 3, on every node)",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a keys change verb"),
    };
}
