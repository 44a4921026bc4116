using System.Globalization;
using Overlay.Packets.Tests.Support;

namespace Overlay.Packets.Tests.Oracle;

/// <summary>Differential tests against tshark: frames built with our Encode methods are decoded by both
/// tshark and our views, and every field must agree, checksum verdicts included.</summary>
public sealed class TsharkOracleTests
{
    private static readonly string[] Preferences = ["ip.check_checksum:TRUE", "udp.check_checksum:TRUE", "tcp.check_checksum:TRUE"];

    private static readonly string[] ComparedFields =
    [
        "eth.dst", "eth.src", "eth.type", "vlan.priority", "vlan.id", "vlan.etype",
        "arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.hw_mac", "arp.dst.proto_ipv4",
        "ip.hdr_len", "ip.dsfield", "ip.len", "ip.id", "ip.flags.df", "ip.flags.mf", "ip.frag_offset", "ip.ttl", "ip.proto",
        "ip.checksum", "ip.checksum.status", "ip.src", "ip.dst",
        "ipv6.tclass", "ipv6.flow", "ipv6.plen", "ipv6.nxt", "ipv6.hlim", "ipv6.src", "ipv6.dst",
        "udp.srcport", "udp.dstport", "udp.length", "udp.checksum", "udp.checksum.status",
        "vxlan.flags", "vxlan.vni",
        "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.hdr_len", "tcp.flags", "tcp.window_size_value",
        "tcp.checksum", "tcp.checksum.status", "tcp.urgent_pointer", "tcp.len",
        "icmp.type", "icmp.code", "icmp.checksum", "icmp.checksum.status", "icmp.ident", "icmp.seq",
        "icmpv6.type", "icmpv6.code", "icmpv6.checksum", "icmpv6.checksum.status", "icmpv6.echo.identifier", "icmpv6.echo.sequence_number",
    ];

    private const string Malformed = "_ws.malformed";
    private const string Severity = "_ws.expert.severity";

    [Fact]
    public void Tshark_is_installed() => Assert.NotEmpty(Tshark.Locate());

    [Fact]
    public void Every_sample_decodes_identically_and_cleanly()
    {
        byte[][] frames = SamplePackets.All();
        var decoded = Run(frames);

        for (int i = 0; i < frames.Length; i++)
        {
            AssertSameFields(i, frames[i], decoded[i]);
            Assert.True(decoded[i][Malformed].Length == 0, $"frame {i + 1}: tshark calls it malformed");
            foreach (string severity in decoded[i][Severity])
            {
                Assert.True(long.Parse(severity, CultureInfo.InvariantCulture) < Tshark.SeverityWarning,
                    $"frame {i + 1}: tshark raised an expert warning or error ({severity})");
            }
        }
    }

    [Fact]
    public void Every_checksum_the_samples_carry_is_good_for_tshark()
    {
        var decoded = Run(SamplePackets.All());
        int verified = 0;
        foreach (var frame in decoded)
        {
            foreach (string field in ComparedFields.Where(f => f.EndsWith(".checksum.status", StringComparison.Ordinal)))
            {
                Assert.All(frame[field], status => Assert.Equal(Tshark.ChecksumGood, status));
                verified += frame[field].Length;
            }
        }
        // VXLAN/IPv4: outer IPv4, UDP, inner IPv4, TCP; VXLAN/IPv6: UDP, TCP; ARP: none; ICMP: IPv4, ICMP;
        // ICMPv6: ICMPv6; IPv6 with extension headers: UDP; IPv4 fragment: IPv4.
        Assert.Equal(11, verified);
    }

    [Fact]
    public void Corrupted_checksums_are_bad_for_tshark_and_for_the_views()
    {
        byte[] vxlan4 = SamplePackets.VxlanOverIpv4();
        CorruptWord(vxlan4, 18 + 10);                         // outer IPv4 header checksum
        CorruptWord(vxlan4, vxlan4.Length - 1);               // last payload byte of the inner TCP segment
        byte[] vxlan6 = SamplePackets.VxlanOverIpv6();
        CorruptWord(vxlan6, 14 + 40 + 6);                     // outer UDP checksum
        byte[] icmp = SamplePackets.IcmpEcho();
        CorruptWord(icmp, 14 + 20 + 8);                       // first ICMP data byte
        byte[] icmp6 = SamplePackets.Icmpv6Echo();
        CorruptWord(icmp6, 14 + 40 + 2);                      // ICMPv6 checksum
        byte[][] frames = [vxlan4, vxlan6, icmp, icmp6];

        var decoded = Run(frames);

        string[][] expectedBad =
        [
            ["ip.checksum.status", "tcp.checksum.status"],
            ["udp.checksum.status"],
            ["icmp.checksum.status"],
            ["icmpv6.checksum.status"],
        ];
        for (int i = 0; i < frames.Length; i++)
        {
            AssertSameFields(i, frames[i], decoded[i]);
            foreach (string field in expectedBad[i])
            {
                Assert.Contains(Tshark.ChecksumBad, decoded[i][field]);
            }
        }
    }

    private static void CorruptWord(byte[] frame, int offset) => frame[offset] ^= 0x5A;

    private static IReadOnlyList<Dictionary<string, string[]>> Run(byte[][] frames)
    {
        string directory = Directory.CreateTempSubdirectory("overlay-oracle-").FullName;
        try
        {
            string pcap = Path.Combine(directory, "frames.pcap");
            PcapWriter.Write(pcap, frames);
            var decoded = Tshark.Decode(pcap, [.. ComparedFields, Malformed, Severity], Preferences);
            Assert.Equal(frames.Length, decoded.Count);
            return decoded;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void AssertSameFields(int index, byte[] frame, Dictionary<string, string[]> tshark)
    {
        var ours = ViewDecoder.Decode(frame);
        foreach (string field in ComparedFields)
        {
            string[] expected = ours.TryGetValue(field, out var values) ? [.. values] : [];
            string[] actual = [.. tshark[field].Select(Normalize)];
            Assert.True(expected.SequenceEqual(actual),
                $"frame {index + 1}, {field}: views read [{string.Join(", ", expected)}], tshark decoded [{string.Join(", ", actual)}]");
        }
        foreach (string field in ours.Keys)
        {
            Assert.Contains(field, ComparedFields); // the decoder must not fill a field that is never compared
        }
    }

    /// <summary>tshark prints some integers in hex ("0x0800"); compare everything numeric as decimal.</summary>
    private static string Normalize(string value) =>
        value.StartsWith("0x", StringComparison.Ordinal)
            ? ulong.Parse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)
            : value;
}
