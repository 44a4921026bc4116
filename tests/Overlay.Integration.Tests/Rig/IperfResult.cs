using System.Text.Json;

namespace Overlay.Integration.Tests.Rig;

/// <summary>The client's end-of-test summary.</summary>
public sealed record IperfResult(double SentBitsPerSecond, double ReceivedBitsPerSecond, long ReceivedBytes, int Retransmits)
{
    public static IperfResult Parse(CommandResult result)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(result.Stdout);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"iperf3 printed no JSON ({e.Message}):\n{result}");
        }
        using (json)
        {
            var root = json.RootElement;
            if (root.TryGetProperty("error", out var error) || !result.Ok)
                throw new InvalidOperationException($"iperf3 failed: {(error.ValueKind == JsonValueKind.String ? error.GetString() : "(no error text)")}\n{result}");
            var end = root.GetProperty("end");
            var sent = end.GetProperty("sum_sent");
            var received = end.GetProperty("sum_received");
            return new IperfResult(
                sent.GetProperty("bits_per_second").GetDouble(),
                received.GetProperty("bits_per_second").GetDouble(),
                (long)received.GetProperty("bytes").GetDouble(),
                sent.TryGetProperty("retransmits", out var r) ? r.GetInt32() : 0);
        }
    }

    public override string ToString() =>
        $"sent {SentBitsPerSecond / 1e6:F1} Mbit/s, received {ReceivedBitsPerSecond / 1e6:F1} Mbit/s ({ReceivedBytes} bytes), {Retransmits} retransmits";
}
