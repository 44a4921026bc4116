namespace Overlay.Daemon.Config;

// The config file's shape (JSON, camelCase keys). Bound strictly: an unknown key is an error.
// Validation (ConfigValidator) turns it into a DaemonConfig with parsed addresses, or names the bad key.

public sealed class OverlayOptions
{
    public NodeOptions Node { get; set; } = new();
    public UnderlayOptions Underlay { get; set; } = new();
    public ControlOptions Control { get; set; } = new();
    public DataplaneOptions Dataplane { get; set; } = new();
    public GossipSection Gossip { get; set; } = new();
    public List<NetworkOptions> Networks { get; set; } = [];
}

public sealed class NodeOptions
{
    /// <summary>This host's name (logs, gossip later). Defaults to the machine name.</summary>
    public string? Name { get; set; }
}

public sealed class UnderlayOptions
{
    /// <summary>This host's VTEP addresses: at most one IPv4 and one IPv6. Required.</summary>
    public List<string> Addresses { get; set; } = [];
    /// <summary>VXLAN UDP port (the kernel's dstport). IANA 4789; the kernel's own default is 8472.</summary>
    public int Port { get; set; } = 4789;
    /// <summary>Underlay MTU; by default read from the interface that holds the first address.</summary>
    public int? Mtu { get; set; }
    /// <summary>Outer source port range (the kernel's srcport MIN MAX).</summary>
    public int SrcPortMin { get; set; } = 49152;
    public int SrcPortMax { get; set; } = 65535;
    /// <summary>"auto" (64), "inherit" or 1..255.</summary>
    public string Ttl { get; set; } = "auto";
    /// <summary>"inherit" or 0..255 (ECN bits always follow the inner packet, RFC 6040).</summary>
    public string Tos { get; set; } = "0";
    /// <summary>"unset", "set" or "inherit".</summary>
    public string Df { get; set; } = "unset";
    /// <summary>IPv6 outer flow label, 0..1048575.</summary>
    public int FlowLabel { get; set; }
    /// <summary>Outer UDP checksum over IPv4 (the kernel's udpcsum).</summary>
    public bool UdpChecksum { get; set; } = true;
    /// <summary>Send zero UDP checksums over IPv6 (udp6zerocsumtx). Zero checksums are always accepted.</summary>
    public bool Udp6ZeroChecksumTx { get; set; }
    /// <summary>VXLAN header bits tolerated on receive besides the I flag and VNI, as a hex mask (the kernel's reserved_bits).</summary>
    public string ReservedBits { get; set; } = "0x0";
}

public sealed class ControlOptions
{
    /// <summary>The unix socket overlayctl talks to (mode 0600).</summary>
    public string Socket { get; set; } = "/run/overlay/overlayd.sock";
}

public sealed class DataplaneOptions
{
    /// <summary>Packets per batch (recvmmsg/sendmmsg and TAP reads).</summary>
    public int BatchSize { get; set; } = 128;
    /// <summary>Packet buffers in the pool.</summary>
    public int Buffers { get; set; } = 4096;
    /// <summary>Send runs of datagrams of one flow as one UDP GSO super-packet (UDP sockets, one per source port of
    /// a set) instead of one raw-socket packet each.</summary>
    public bool UdpGso { get; set; } = true;
    /// <summary>Size of the source-port set that UDP GSO uses (flows hash onto it).</summary>
    public int GsoSourcePorts { get; set; } = 16;
    /// <summary>Receive with UDP_GRO: the kernel hands over a flow's datagrams coalesced.</summary>
    public bool UdpGro { get; set; } = true;
    /// <summary>Virtio-net headers on the TAPs with checksum offload: partial checksums are completed here, and
    /// frames of a TCP flow written to a TAP are coalesced into super-frames (GRO).</summary>
    public bool TapOffloads { get; set; } = true;
    /// <summary>TCP segmentation offload on the TAPs: endpoints send 64 KB super-frames, segmented here.</summary>
    public bool Tso { get; set; } = true;
    /// <summary>UDP segmentation offload on the TAPs (Linux 6.2+).</summary>
    public bool Uso { get; set; } = true;
    /// <summary>Carry TSO/USO super-frames to remote VTEPs whole, as UDP-tunnel GSO packets through a TAP on the underlay
    /// (Linux 6.18, TUN_F_UDP_TUNNEL_GSO; tc redirects between that TAP and the underlay device), and take received
    /// super-packets the same way, as the kernel's own VXLAN does. Falls back to the UDP path by itself.</summary>
    public bool UdpTunnelGso { get; set; } = true;
    /// <summary>Switch workers: each reads its own queue of every TAP (multi-queue TAPs) and its own underlay
    /// socket (SO_REUSEPORT), with its own replica of the forwarding tables; the kernel keeps a flow on one.</summary>
    public int Workers { get; set; } = 1;
    /// <summary>CPUs to pin the workers to, worker i on Cpus[i % count]; empty leaves them to the scheduler.</summary>
    public List<int> Cpus { get; set; } = [];
}

public sealed class NetworkOptions
{
    public string? Name { get; set; }
    public int? Vni { get; set; }
    public bool Learning { get; set; } = true;
    public int AgeingSeconds { get; set; } = 300;
    public int MaxAddresses { get; set; }
    /// <summary>Answer ARP requests from local endpoints out of the neighbour table and never flood them (the
    /// kernel VXLAN device's proxy option; the gossip control plane fills the table).</summary>
    public bool ArpProxy { get; set; }
    /// <summary>Remote VTEPs that receive broadcast, multicast and unknown unicast (head-end replication).</summary>
    public List<string> Flood { get; set; } = [];
    public List<EndpointOptions> Endpoints { get; set; } = [];
}

public sealed class EndpointOptions
{
    public string? Name { get; set; }
    /// <summary>Create the TAP inside this network namespace (a name under /var/run/netns or a path).</summary>
    public string? Netns { get; set; }
    /// <summary>The interface name the endpoint sees (default eth0 in a netns, else the endpoint name).</summary>
    public string? Ifname { get; set; }
    /// <summary>Attach to an existing persistent TAP with this name instead of creating one.</summary>
    public string? Tap { get; set; }
    public string? Mac { get; set; }
    /// <summary>Default: underlay MTU - 50 (IPv4 underlay) or - 70 (IPv6).</summary>
    public int? Mtu { get; set; }
    /// <summary>Addresses with prefix to put on the endpoint's interface, e.g. 198.19.0.1/24.</summary>
    public List<string> Addresses { get; set; } = [];
}

/// <summary>The gossip control plane (SWIM/Lifeguard, memberlist-compatible) that spreads endpoint locations.</summary>
public sealed class GossipSection
{
    public bool Enabled { get; set; }
    /// <summary>Address to bind (default: the first underlay address) and port (memberlist's 7946).</summary>
    public string? Bind { get; set; }
    public int Port { get; set; } = 7946;
    /// <summary>Address other members reach us at, when it differs from the bind address.</summary>
    public string? Advertise { get; set; }
    /// <summary>Members to join through, "ADDRESS[:PORT]"; re-joined periodically so a partition heals.</summary>
    public List<string> Seeds { get; set; } = [];
    /// <summary>memberlist's preset timings: lan, wan or local.</summary>
    public string Preset { get; set; } = "lan";
    /// <summary>AES-GCM keys, base64, 16/24/32 bytes; the first one encrypts, all decrypt. None: no encryption.</summary>
    public List<string> Keys { get; set; } = [];
    /// <summary>Where the keyring is kept across restarts (Serf's keyring file: a JSON array of base64 keys, the
    /// primary first). Read at start when it exists, and then it wins over <see cref="Keys"/>; created from
    /// <see cref="Keys"/> when it does not; rewritten atomically (mode 0600) after every key install, use or remove.</summary>
    public string? KeyringFile { get; set; }
    /// <summary>Cluster label: messages with another label are dropped.</summary>
    public string? Label { get; set; }
    /// <summary>Accept gossip only from these networks (CIDR). Empty: from anywhere.</summary>
    public List<string> AllowCidrs { get; set; } = [];
    /// <summary>How long a deleted endpoint's tombstone is kept.</summary>
    public int TombstoneSeconds { get; set; } = 1800;
}
