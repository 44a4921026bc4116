namespace Overlay.Dataplane.Linux.Tests.Support;

/// <summary>Tests that create network namespaces run one at a time (a 2-core machine, real kernel state).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NetnsCollection
{
    public const string Name = "netns";
}
