using Overlay.Gossip.Net;

namespace Overlay.Daemon.Gossip;

/// <summary>What a key install, use or remove did: <see cref="Operation"/> is the running keyring's answer;
/// <see cref="SaveProblem"/> says why the changed keyring could not be written to gossip.keyringFile (null when it
/// was, or when no file is configured). A change that is live but not saved would be lost by a restart.</summary>
public readonly record struct KeyChangeResult(KeyOperationResult Operation, string? SaveProblem)
{
    public bool Saved => SaveProblem is null;
}
