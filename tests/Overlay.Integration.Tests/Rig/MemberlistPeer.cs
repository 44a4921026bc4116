using System.Text.Json;

namespace Overlay.Integration.Tests.Rig;

/// <summary>
/// tests/interop/memberlist-peer running in a host namespace: a real hashicorp/memberlist node (Debian's 0.2.x,
/// DefaultLocalConfig) bound to the host's underlay address on <see cref="Port"/>. It prints one JSON event per line
/// on stdout (<see cref="MemberlistEvent"/>) and memberlist's own log on stderr.
/// </summary>
public sealed class MemberlistPeer
{
    public const int Port = 7946;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly string[] ComplaintMarks =
    [
        "Failed to decode", "Decrypt packet failed", "Failed to decompress", "Failed push/pull merge", "Failed to receive user message",
        "not supported", "Received invalid msgType", "UDP packet too short", "Got invalid checksum", "Compound request had",
        "ignoring alive message", "Ignoring an alive message", "Refuting an alive message", "Conflicting address",
    ];

    private readonly BackgroundProcess _process;

    internal MemberlistPeer(string name, BackgroundProcess process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    /// <summary>Its events and memberlist's log, for failure messages.</summary>
    public string Log => _process.Describe();

    /// <summary>Every event printed so far, in order.</summary>
    public IReadOnlyList<MemberlistEvent> Events
    {
        get
        {
            var events = new List<MemberlistEvent>();
            foreach (var line in _process.Output.Split('\n'))
            {
                if (!line.StartsWith('{')) continue;
                try
                {
                    if (JsonSerializer.Deserialize<MemberlistEvent>(line, Json) is { } e) events.Add(e);
                }
                catch (JsonException)
                {
                    // A log line that happens to start with a brace.
                }
            }
            return events;
        }
    }

    /// <summary>How many <paramref name="kind"/> events about member <paramref name="member"/> it printed so far.</summary>
    public int Count(string kind, string member) => Events.Count(e => e.Is(kind, member));

    /// <summary>memberlist's log lines saying it could not read or accept something it was sent (a message it failed
    /// to decrypt, decompress or decode, a bad checksum, a type it does not know, an alive message it ignored or had to
    /// refute). Lines a busy machine or a killed member bring about (failed probes, refused connections) are not
    /// among them.</summary>
    public IReadOnlyList<string> Complaints() =>
        [.. _process.Output.Split('\n').Where(l => ComplaintMarks.Any(m => l.Contains(m, StringComparison.Ordinal)))];

    /// <summary>SIGKILL: no leave message, the cluster has to find out. Returns once it is gone.</summary>
    public void Kill()
    {
        Libc.Signal(_process.Pid, Libc.SIGKILL);
        if (_process.WaitForExit(TimeSpan.FromSeconds(10)) is null)
            throw new InvalidOperationException($"memberlist-peer {Name} still runs 10 s after SIGKILL\n{Log}");
    }
}
