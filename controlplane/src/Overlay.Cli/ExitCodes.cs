namespace Overlay.Cli;

/// <summary>overlayctl's exit codes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>overlayd refused the request, failed it, or could not be reached.</summary>
    public const int DaemonError = 1;

    /// <summary>The command line was wrong; nothing was sent.</summary>
    public const int Usage = 2;
}
