using System.Runtime.ExceptionServices;
using Overlay.Dataplane.Linux.Native;

namespace Overlay.Dataplane.Linux.Netns;

/// <summary>
/// Runs code inside another network namespace. setns(CLONE_NEWNET) moves only the calling thread, so the code
/// runs on a dedicated thread that enters the namespace, runs, and goes back to the namespace it started in
/// before it ends (also when the code throws). Sockets and TAP fds opened there stay in that namespace and keep
/// working from any thread afterwards. Not for the packet path.
/// </summary>
public static class NetworkNamespace
{
    /// <summary>Where <c>ip netns add NAME</c> bind-mounts named namespaces.</summary>
    public const string RunDirectory = "/var/run/netns";

    /// <summary>The calling thread's own namespace file.</summary>
    public const string CurrentThreadPath = "/proc/thread-self/ns/net";

    /// <summary>A name (no '/') maps to <c>/var/run/netns/NAME</c>; anything with a '/' is taken as a path
    /// (for example <c>/proc/1234/ns/net</c>).</summary>
    public static string ResolvePath(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrPath);
        return nameOrPath.Contains('/') ? nameOrPath : Path.Combine(RunDirectory, nameOrPath);
    }

    /// <summary>Runs <paramref name="action"/> in the namespace and returns its result; its exception, if any,
    /// is rethrown here. Throws <see cref="LinuxIoException"/> when the namespace cannot be entered.</summary>
    public static T Run<T>(string nameOrPath, Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        string path = ResolvePath(nameOrPath);
        T? result = default;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = RunOnThisThread(path, action);
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        }, maxStackSize: 512 * 1024)
        {
            IsBackground = true,
            Name = "netns " + nameOrPath,
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result!;
    }

    /// <summary>Runs <paramref name="action"/> in the namespace.</summary>
    public static void Run(string nameOrPath, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Run(nameOrPath, () =>
        {
            action();
            return true;
        });
    }

    /// <summary>Enters <paramref name="path"/>, runs, and returns to the original namespace. Only safe on a
    /// thread that ends afterwards: if going back fails the thread is left in the target namespace.</summary>
    internal static T RunOnThisThread<T>(string path, Func<T> action)
    {
        int original = Libc.Open(CurrentThreadPath, Sys.O_RDONLY | Sys.O_CLOEXEC);
        if (original < 0) throw LinuxIoException.FromLastError("open " + CurrentThreadPath);
        int target = Libc.Open(path, Sys.O_RDONLY | Sys.O_CLOEXEC);
        if (target < 0)
        {
            var error = LinuxIoException.FromLastError("open netns " + path);
            Libc.Close(original);
            throw error;
        }
        try
        {
            if (Libc.SetNs(target, Sys.CLONE_NEWNET) != 0) throw LinuxIoException.FromLastError("setns " + path);
            try
            {
                return action();
            }
            finally
            {
                // Going back cannot fail for a namespace we were in a moment ago; if it did, the thread ends
                // right after this anyway, so nothing else runs in the wrong namespace.
                Libc.SetNs(original, Sys.CLONE_NEWNET);
            }
        }
        finally
        {
            Libc.Close(target);
            Libc.Close(original);
        }
    }
}
