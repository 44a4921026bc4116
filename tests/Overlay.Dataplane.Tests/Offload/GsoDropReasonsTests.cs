using System.Text.RegularExpressions;
using Overlay.Dataplane.Counters;
using Overlay.Dataplane.Offload;

namespace Overlay.Dataplane.Tests.Offload;

public sealed class GsoDropReasonsTests
{
    [Theory]
    [InlineData(GsoStatus.Malformed, DropReason.GsoMalformed, "gso_malformed")]
    [InlineData(GsoStatus.Unsupported, DropReason.GsoUnsupported, "gso_unsupported")]
    [InlineData(GsoStatus.NoBuffer, DropReason.NoBuffer, "no_buffer")]
    [InlineData(GsoStatus.BatchFull, DropReason.GsoTooManySegments, "gso_too_many_segments")]
    public void EveryRefusalHasANamedReason(GsoStatus status, DropReason reason, string name)
    {
        Assert.Equal(reason, GsoDropReasons.For(status));
        Assert.Equal(name, DropReasons.Name(reason));
    }

    [Theory]
    [InlineData(GsoStatus.Ok)]
    [InlineData(GsoStatus.NotGso)]
    public void StatusesThatDropNothingAreACallerBug(GsoStatus status) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GsoDropReasons.For(status));

    [Fact]
    public void TheNamesTableCoversEveryReasonInSnakeCase()
    {
        var reasons = Enum.GetValues<DropReason>();
        Assert.Equal(DropReasons.Count, reasons.Length);
        foreach (var reason in reasons)
        {
            string expected = Regex.Replace(reason.ToString(), "(?<!^)([A-Z])", "_$1").ToLowerInvariant();
            Assert.Equal(expected, DropReasons.Name(reason));
        }
    }
}
