namespace Overlay.Dataplane.Tests.Offload;

/// <summary>
/// The shell and Python pieces of <see cref="KernelRig"/>, written to a temporary directory at run time.
/// Topology (three network namespaces, 198.18.10.0/24 and 198.18.11.0/24):
/// <code>
///   A (sender) va ==veth== vb  R (router)  vc ==veth== vd  B (receiver)
///   TSO on                 GRO off          tx csum off,   GRO on
///                                           so software GSO
/// </code>
/// R captures on vb, with PACKET_VNET_HDR, the TSO super-frames exactly as A's stack built them (virtio header
/// included), and on vc the MTU-sized segments the kernel's tcp_gso_segment cut from them after forwarding. B captures
/// on vd, with PACKET_VNET_HDR, what the kernel's GRO made of those segments.
/// </summary>
internal static class KernelRigScripts
{
    public const string Setup = """
        set -euo pipefail
        S=$1; W=$2
        A=ovgt-$S-a; R=ovgt-$S-r; B=ovgt-$S-b
        cleanup() { ip netns del $A 2>/dev/null || true; ip netns del $R 2>/dev/null || true; ip netns del $B 2>/dev/null || true; }
        trap cleanup EXIT
        ip netns add $A; ip netns add $R; ip netns add $B
        ip link add va netns $A type veth peer name vb netns $R
        ip link add vc netns $R type veth peer name vd netns $B
        ip -n $A addr add 198.18.10.1/24 dev va
        ip -n $R addr add 198.18.10.2/24 dev vb
        ip -n $R addr add 198.18.11.2/24 dev vc
        ip -n $B addr add 198.18.11.1/24 dev vd
        for n in $A $R $B; do ip -n $n link set lo up; done
        ip -n $A link set va up; ip -n $R link set vb up; ip -n $R link set vc up; ip -n $B link set vd up
        ip -n $A route add default via 198.18.10.2
        ip -n $B route add default via 198.18.11.2
        ip netns exec $R sysctl -qw net.ipv4.ip_forward=1
        ip netns exec $R ethtool -K vb gro off >/dev/null
        ip netns exec $R ethtool -K vc tx off >/dev/null
        ip netns exec $B ethtool -K vd gro on >/dev/null
        PY=$(command -v python3 || echo /usr/bin/python3)
        ip netns exec $R $PY $W/cap.py $W/stop $W/ready.r vb vnet $W/b.bin vc out $W/c.bin &
        ip netns exec $B $PY $W/cap.py $W/stop $W/ready.b vd vnet $W/d.bin &
        ip netns exec $B $PY $W/tcp.py recv 198.18.11.1 5201 5202 > $W/recv.out &
        for i in $(seq 200); do [ -e $W/ready.r ] && [ -e $W/ready.b ] && [ -s $W/recv.out ] && break; sleep 0.05; done
        ip netns exec $A $PY $W/tcp.py send 198.18.11.1 5201 0 400000 100000
        ip netns exec $A $PY $W/tcp.py send 198.18.11.1 5202 1337 300000 65536
        sleep 0.3
        touch $W/stop
        wait
        """;

    /// <summary>cap.py STOPFILE READYFILE (IFACE vnet|out FILE)...: records incoming (vnet) or outgoing (out) IPv4 TCP
    /// frames from 198.18.10.1 as [u32 length][frame], with the 10-byte virtio header in front for vnet.</summary>
    public const string Capture = """
        import os, socket, struct, sys, select
        SOL_PACKET, PACKET_VNET_HDR, PACKET_STATISTICS = 263, 15, 6
        stop, ready, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
        socks = []
        for i in range(0, len(rest), 3):
            name, mode, path = rest[i:i + 3]
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
            s.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)  # SO_RCVBUFFORCE
            if mode == 'vnet':
                s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
            s.bind((name, 3))
            s.setblocking(False)
            socks.append((s, mode, open(path, 'wb')))
        open(ready, 'w').close()
        src = bytes([198, 18, 10, 1])
        def drain():
            for s, mode, f in socks:
                skip = 10 if mode == 'vnet' else 0
                want = socket.PACKET_HOST if mode == 'vnet' else socket.PACKET_OUTGOING
                while True:
                    try:
                        data, addr = s.recvfrom(70000)
                    except BlockingIOError:
                        break
                    e = data[skip:]
                    if addr[2] != want or len(e) < 54 or e[12:14] != b'\x08\x00' or e[23] != 6 or e[26:30] != src:
                        continue
                    f.write(struct.pack('<I', len(data)) + data)
        while not os.path.exists(stop):
            select.select([s for s, _, _ in socks], [], [], 0.05)
            drain()
        drain()
        for s, mode, f in socks:
            f.close()
            drops = struct.unpack('II', s.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))[1]
            open(f.name + '.drops', 'w').write(str(drops))
        """;

    /// <summary>tcp.py recv ADDR PORT...: receives one connection per port. tcp.py send ADDR PORT MAXSEG TOTAL CHUNK.</summary>
    public const string Tcp = """
        import socket, sys
        if sys.argv[1] == 'recv':
            addr, ports = sys.argv[2], [int(p) for p in sys.argv[3:]]
            listeners = []
            for p in ports:
                l = socket.socket()
                l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                l.bind((addr, p))
                l.listen(1)
                listeners.append(l)
            print('listening', flush=True)
            for l in listeners:
                c, _ = l.accept()
                n = 0
                while True:
                    d = c.recv(1 << 20)
                    if not d:
                        break
                    n += len(d)
                c.close()
                print(n, flush=True)
        else:
            addr, port, maxseg, total, chunk = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
            data = bytes(((i * 31 + 11) ^ (i >> 8)) & 0xFF for i in range(total))
            s = socket.socket()
            if maxseg:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, maxseg)
            s.connect((addr, port))
            for i in range(0, total, chunk):
                s.sendall(data[i:i + chunk])
            s.shutdown(socket.SHUT_WR)
            s.recv(1)
            s.close()
        """;
}
