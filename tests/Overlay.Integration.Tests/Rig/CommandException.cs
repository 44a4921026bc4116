namespace Overlay.Integration.Tests.Rig;

/// <summary>A command failed or timed out; the message carries its output.</summary>
public sealed class CommandException(string message) : Exception(message)
{
    public static CommandException Failed(CommandResult result) => new($"command failed: {result}");

    public static CommandException TimedOut(IReadOnlyList<string> argv, TimeSpan timeout, string stdout, string stderr) =>
        new($"command timed out after {timeout.TotalSeconds:F0} s: `{Command.Quote(argv)}`\n--- stdout ---\n{stdout.TrimEnd()}\n--- stderr ---\n{stderr.TrimEnd()}");
}
