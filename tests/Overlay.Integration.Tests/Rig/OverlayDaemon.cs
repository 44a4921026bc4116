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

    /// <summary>SIGKILL, as a crash or power loss would: nothing runs on the way out. Returns once it is gone.</summary>
    public void Kill()
    {
        Libc.Signal(Pid, Libc.SIGKILL);
        if (_process.WaitForExit(TimeSpan.FromSeconds(10)) is null)
            throw new InvalidOperationException($"overlayd on {Host.Name} still runs 10 s after SIGKILL\n{Log}");
    }
}
