namespace Overlay.Integration.Tests.Rig;

/// <summary>A running overlayd in a host namespace.</summary>
public sealed class OverlayDaemon
{
    private readonly BackgroundProcess _process;

    internal OverlayDaemon(NetnsRig rig, RigHost host, string configFile, string controlSocket, BackgroundProcess process)
    {
        Host = host;
        ConfigFile = configFile;
        ControlSocket = controlSocket;
        _process = process;
        Ctl = new Overlayctl(rig, host.Namespace, controlSocket);
    }

    public RigHost Host { get; }
    public string ConfigFile { get; }
    public string ControlSocket { get; }
    public Overlayctl Ctl { get; }
    public int Pid => _process.Pid;
    public bool HasExited => _process.HasExited;
    public string Log => _process.Describe();

    /// <summary>SIGTERM, then SIGKILL after <paramref name="grace"/>; the exit code, or null when it had to be killed.</summary>
    public int? Stop(TimeSpan grace) => _process.Stop(Libc.SIGTERM, grace);
}
