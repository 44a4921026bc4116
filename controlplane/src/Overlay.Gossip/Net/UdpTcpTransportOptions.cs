using System.Net;
using System.Net.Sockets;
using System.Text;
using Overlay.Gossip.Security;

namespace Overlay.Gossip.Net;

/// <summary>Where and how <see cref="UdpTcpTransport"/> talks: memberlist's bind/advertise addresses, label,
/// keyring and CIDRsAllowed, plus the limits that keep hostile streams bounded. Validated when the transport is
/// created, naming every bad key.</summary>
public sealed record UdpTcpTransportOptions
{
    public const int DefaultPort = 7946;

    /// <summary>Address the UDP and TCP sockets bind to. <see cref="IPAddress.IPv6Any"/> binds dual-stack.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>Port for both UDP and TCP; 0 picks a free one (read it back from
    /// <see cref="UdpTcpTransport.LocalEndPoint"/>).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Address announced to other members; required when <see cref="BindAddress"/> is a wildcard.</summary>
    public IPAddress? AdvertiseAddress { get; init; }

    /// <summary>Port announced to other members; 0 means the bound port.</summary>
    public int AdvertisePort { get; init; }

    /// <summary>memberlist's label: every packet and dialled stream carries it, and anything without it (or with
    /// another) is dropped. Empty: no label. At most 255 UTF-8 bytes.</summary>
    public string Label { get; init; } = "";

    /// <summary>AES keys (16, 24 or 32 bytes), the primary first. Empty: no encryption. Rotate at run time with
    /// <see cref="UdpTcpTransport.InstallKey"/>, <see cref="UdpTcpTransport.UseKey"/> and
    /// <see cref="UdpTcpTransport.RemoveKey"/>.</summary>
    public IReadOnlyList<byte[]> Keys { get; init; } = [];

    /// <summary>memberlist GossipVerifyIncoming: refuse plaintext when keys are set (off only while rolling
    /// encryption out).</summary>
    public bool VerifyIncoming { get; init; } = true;

    /// <summary>memberlist GossipVerifyOutgoing: encrypt what we send when keys are set.</summary>
    public bool VerifyOutgoing { get; init; } = true;

    /// <summary>memberlist CIDRsAllowed: peers (packet and stream sources, member addresses) must be in one of
    /// these networks. Empty allows all.</summary>
    public IReadOnlyList<IPNetwork> AllowedPeers { get; init; } = [];

    /// <summary>Deadline for serving one inbound stream, from accept to the reply written (memberlist TCPTimeout).
    /// A peer that trickles bytes (slowloris) is cut off here.</summary>
    public TimeSpan StreamTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest stream message read (push/pull state, decompressed size included). memberlist allows
    /// 20 MiB; 4 MiB holds the state of tens of thousands of members.</summary>
    public int MaxStreamMessageBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Largest node count announced in one push/pull.</summary>
    public int MaxStreamNodes { get; init; } = 1 << 16;

    /// <summary>Inbound streams served at once; more are closed at accept. With
    /// <see cref="MaxStreamMessageBytes"/> this bounds what streams can make us hold.</summary>
    public int MaxInboundStreams { get; init; } = 32;

    /// <summary>Kernel buffer size requested for the UDP socket (memberlist asks for 2 MiB).</summary>
    public int UdpSocketBufferBytes { get; init; } = 2 * 1024 * 1024;

    /// <summary>Nonces of authenticated messages remembered to drop replays; 0 disables. Only with keys.</summary>
    public int ReplayWindow { get; init; } = 8192;

    public void Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok) errors.Add(message);
        }

        Check(BindAddress is not null, "UdpTcpTransportOptions.BindAddress must be set");
        Check(BindAddress is null || BindAddress.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6,
            $"UdpTcpTransportOptions.BindAddress must be an IPv4 or IPv6 address (is {BindAddress})");
        Check(Port is >= 0 and <= 65535, $"UdpTcpTransportOptions.Port must be 0..65535 (is {Port})");
        Check(AdvertisePort is >= 0 and <= 65535, $"UdpTcpTransportOptions.AdvertisePort must be 0..65535 (is {AdvertisePort})");
        bool wildcard = BindAddress is not null && (BindAddress.Equals(IPAddress.Any) || BindAddress.Equals(IPAddress.IPv6Any));
        Check(!wildcard || AdvertiseAddress is not null,
            $"UdpTcpTransportOptions.AdvertiseAddress must be set when BindAddress is a wildcard ({BindAddress}): other members need a routable address");
        Check(AdvertiseAddress is null || !(AdvertiseAddress.Equals(IPAddress.Any) || AdvertiseAddress.Equals(IPAddress.IPv6Any)),
            $"UdpTcpTransportOptions.AdvertiseAddress must not be a wildcard (is {AdvertiseAddress})");
        int labelBytes = Encoding.UTF8.GetByteCount(Label ?? "");
        Check(labelBytes <= Wire.LabelHeader.MaxLabelLength, $"UdpTcpTransportOptions.Label must be at most 255 UTF-8 bytes (is {labelBytes})");
        Check(Keys is not null, "UdpTcpTransportOptions.Keys must not be null (empty disables encryption)");
        if (Keys is not null)
        {
            for (int i = 0; i < Keys.Count; i++)
            {
                Check(Keys[i] is not null && Keyring.IsValidKeySize(Keys[i].Length),
                    $"UdpTcpTransportOptions.Keys[{i}] must be 16, 24 or 32 bytes (is {Keys[i]?.Length ?? 0})");
            }
        }
        Check(AllowedPeers is not null, "UdpTcpTransportOptions.AllowedPeers must not be null (empty allows all)");
        Check(StreamTimeout > TimeSpan.Zero, $"UdpTcpTransportOptions.StreamTimeout must be positive (is {StreamTimeout})");
        Check(MaxStreamMessageBytes is >= 1024 and <= Wire.StreamLimits.MemberlistMaxPushStateBytes,
            $"UdpTcpTransportOptions.MaxStreamMessageBytes must be 1 KiB..20 MiB (is {MaxStreamMessageBytes})");
        Check(MaxStreamNodes >= 1, $"UdpTcpTransportOptions.MaxStreamNodes must be 1 or more (is {MaxStreamNodes})");
        Check(MaxInboundStreams >= 1, $"UdpTcpTransportOptions.MaxInboundStreams must be 1 or more (is {MaxInboundStreams})");
        Check(UdpSocketBufferBytes >= 0, $"UdpTcpTransportOptions.UdpSocketBufferBytes must not be negative (is {UdpSocketBufferBytes})");
        Check(ReplayWindow >= 0, $"UdpTcpTransportOptions.ReplayWindow must not be negative (is {ReplayWindow})");
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid gossip transport options: " + string.Join("; ", errors));
        }
    }
}
