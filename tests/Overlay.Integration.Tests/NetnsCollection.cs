namespace Overlay.Integration.Tests;

/// <summary>Every test here builds network namespaces and runs daemons; they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NetnsCollection
{
    public const string Name = "netns";
}
