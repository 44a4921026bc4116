namespace Overlay.Integration.Tests.Rig;

/// <summary>Rigs still alive when the test process ends (a test host torn down mid-run, an unhandled exception)
/// are disposed here, so no namespace outlives the run.</summary>
internal static class RigRegistry
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<NetnsRig> Live = [];

    static RigRegistry()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DisposeAll();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => DisposeAll();
    }

    public static void Add(NetnsRig rig)
    {
        lock (Gate) Live.Add(rig);
    }

    public static void Remove(NetnsRig rig)
    {
        lock (Gate) Live.Remove(rig);
    }

    private static void DisposeAll()
    {
        NetnsRig[] rigs;
        lock (Gate) rigs = [.. Live];
        foreach (var rig in rigs)
        {
            try { rig.Dispose(); }
            catch (Exception e) { Console.Error.WriteLine($"overlay integration tests: {e.Message}"); }
        }
    }
}
