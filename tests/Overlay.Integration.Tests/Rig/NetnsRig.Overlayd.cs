namespace Overlay.Integration.Tests.Rig;

// Running overlayd inside the rig.
public sealed partial class NetnsRig
{
    /// <summary>How long overlayd may take from start to serving its control socket (a cold dotnet start on a
    /// busy 2-core machine included).</summary>
    public static readonly TimeSpan OverlaydStartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A config for <paramref name="host"/>: its VTEP address, the default port, a control socket only this
    /// rig uses. The caller adds networks.</summary>
    public OverlaydConfig OverlaydConfigFor(RigHost host, int port = 4789) => new()
    {
        Node = host.Name,
        UnderlayAddresses = [host.Vtep],
        Port = port,
        ControlSocket = ControlSocket(host.Name),
    };

    /// <summary>Writes <paramref name="json"/> to {WorkDir}/{name}.json and returns the path.</summary>
    public string WriteConfig(string name, string json)
    {
        string path = Path.Combine(WorkDir, name + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>Starts overlayd in <paramref name="host"/> and returns once its dataplane runs and its control socket
    /// listens (it logs "control socket PATH" after the dataplane is up).</summary>
    public OverlayDaemon StartOverlayd(RigHost host, OverlaydConfig config)
    {
        Directory.CreateDirectory(ControlSocketDir);
        TrackFile(config.ControlSocket);
        string file = WriteConfig($"overlayd-{host.Name}", config.ToJson().ToJsonString());
        var process = StartIn(host.Namespace, $"overlayd@{host.Name}", RepoLayout.Dotnet, RepoLayout.Overlayd, "--config", file);
        process.WaitForOutput("control socket", OverlaydStartTimeout);
        if (!process.Printed($"dataplane of {config.Node} running"))
            throw new InvalidOperationException($"overlayd on {host.Name} serves its socket but never said its dataplane runs\n{process.Describe()}");
        return new OverlayDaemon(this, host, file, config.ControlSocket, process);
    }

    /// <summary>Runs overlayd to completion (a config it should reject) in <paramref name="ns"/>.</summary>
    public CommandResult RunOverlayd(string ns, TimeSpan timeout, params string[] args) =>
        TryExec(ns, timeout, [RepoLayout.Dotnet, RepoLayout.Overlayd, .. args]);
}
