namespace Overlay.Integration.Tests.Rig;

/// <summary>One row of `overlayctl members -o json`: State is alive, suspect, dead or left.</summary>
public sealed record MemberRow(string Name, string Address, int Port, string State, uint Incarnation)
{
    public override string ToString() => $"{Name} {Address}:{Port} {State} inc {Incarnation}";
}
