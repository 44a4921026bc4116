using BenchmarkDotNet.Attributes;
using Overlay.Dataplane.Bridging;
using Overlay.Packets;

namespace Overlay.Benchmarks;

/// <summary>Forwarding-table lookup and learning (refresh of a known MAC) in a table of 10,000 entries.</summary>
[Config(typeof(BenchConfig))]
public class ForwardingTableBenchmarks
{
    private const int Entries = 10_000;
    private readonly ForwardingTable _table = new();
    private readonly MacAddress[] _macs = new MacAddress[Entries];
    private readonly IpAddr _remote = IpAddr.Parse("198.18.0.2");
    private int _i;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        for (int i = 0; i < Entries; i++)
        {
            _macs[i] = new MacAddress(((ulong)rng.NextInt64() & 0xFEFF_FFFF_FFFFUL) | 0x0200_0000_0000UL);
            _table.Learn(_macs[i], -1, _remote, 0);
        }
    }

    [Benchmark(Description = "fdb lookup (hit)")]
    public int Lookup()
    {
        _i = (_i + 1) % Entries;
        return _table.Lookup(_macs[_i], 1).Port;
    }

    [Benchmark(Description = "fdb learn (refresh)")]
    public LearnResult Learn()
    {
        _i = (_i + 1) % Entries;
        return _table.Learn(_macs[_i], -1, _remote, 2);
    }
}
