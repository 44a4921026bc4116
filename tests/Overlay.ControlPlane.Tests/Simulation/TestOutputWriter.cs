using Xunit.Abstractions;

namespace Overlay.ControlPlane.Tests.Simulation;

/// <summary>Adapts ITestOutputHelper to a TextWriter, line by line (for the simulator's scenario logs).</summary>
internal sealed class TestOutputWriter(ITestOutputHelper output) : TextWriter
{
    public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

    public override void WriteLine(string? value) => output.WriteLine(value ?? "");
}
