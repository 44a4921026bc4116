using Overlay.Dataplane.Linux.Netns;
using Overlay.Dataplane.Linux.Tests.Support;

namespace Overlay.Dataplane.Linux.Tests.Netns;

[Collection(NetnsCollection.Name)]
public sealed class NetworkNamespaceTests
{
    private static string CurrentNamespace() => new FileInfo(NetworkNamespace.CurrentThreadPath).LinkTarget!;

    [Fact]
    public void Run_executes_inside_the_namespace_and_leaves_the_caller_where_it_was()
    {
        using var ns = new TestNamespace();
        string outside = CurrentNamespace();
        string inside = NetworkNamespace.Run(ns.Name, CurrentNamespace);
        Assert.NotEqual(outside, inside);
        Assert.StartsWith("net:[", inside);
        Assert.Equal(outside, CurrentNamespace());
        Assert.Equal(inside, NetworkNamespace.Run(NetworkNamespace.ResolvePath(ns.Name), CurrentNamespace));
    }

    [Fact]
    public void The_thread_returns_to_its_original_namespace()
    {
        using var ns = new TestNamespace();
        string before = "", inside = "", after = "";
        var thread = new Thread(() =>
        {
            before = CurrentNamespace();
            inside = NetworkNamespace.RunOnThisThread(NetworkNamespace.ResolvePath(ns.Name), CurrentNamespace);
            after = CurrentNamespace();
        });
        thread.Start();
        thread.Join();
        Assert.NotEqual(before, inside);
        Assert.Equal(before, after);
    }

    [Fact]
    public void The_thread_returns_even_when_the_action_throws()
    {
        using var ns = new TestNamespace();
        string before = "", after = "";
        Exception? caught = null;
        var thread = new Thread(() =>
        {
            before = CurrentNamespace();
            try
            {
                NetworkNamespace.RunOnThisThread<int>(NetworkNamespace.ResolvePath(ns.Name), () => throw new InvalidTimeZoneException("boom"));
            }
            catch (Exception e)
            {
                caught = e;
            }
            after = CurrentNamespace();
        });
        thread.Start();
        thread.Join();
        Assert.IsType<InvalidTimeZoneException>(caught);
        Assert.Equal(before, after);
    }

    [Fact]
    public void Exceptions_from_the_action_reach_the_caller()
    {
        using var ns = new TestNamespace();
        var e = Assert.Throws<InvalidTimeZoneException>(() => NetworkNamespace.Run(ns.Name, () => throw new InvalidTimeZoneException("boom")));
        Assert.Equal("boom", e.Message);
    }

    [Fact]
    public void A_missing_namespace_is_a_clear_error()
    {
        string name = "ovlt-missing-" + TestNamespace.Suffix();
        var e = Assert.Throws<LinuxIoException>(() => NetworkNamespace.Run(name, () => { }));
        Assert.Equal("ENOENT", e.ErrnoName);
        Assert.Contains("/var/run/netns/" + name, e.Message);
    }
}
