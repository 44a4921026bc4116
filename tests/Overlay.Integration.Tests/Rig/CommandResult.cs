namespace Overlay.Integration.Tests.Rig;

/// <summary>How a finished command went.</summary>
public sealed record CommandResult(IReadOnlyList<string> Argv, int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public bool Ok => ExitCode == 0;

    public string CommandLine => Command.Quote(Argv);

    public override string ToString() =>
        $"`{CommandLine}` exited {ExitCode} after {Elapsed.TotalSeconds:F1} s\n--- stdout ---\n{Stdout.TrimEnd()}\n--- stderr ---\n{Stderr.TrimEnd()}";
}
