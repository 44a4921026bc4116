namespace Overlay.Dataplane.Tests.Offload;

/// <summary>
/// The shell and Python pieces of <see cref="UdpKernelRig"/>. One network namespace holding one TAP (IFF_VNET_HDR,
/// TUN_F_CSUM|TSO4|TSO6|USO4|USO6), 198.18.30.2/24 and 2001:2:0:30::2/64 on it, and one UDP socket per scenario port.
/// The frames <see cref="UdpKernelRig"/> prepared are written into the TAP, one write(2) each, as the switch would;
/// what the sockets receive and what the UDP MIB counted for each scenario is recorded.
/// </summary>
internal static class UdpKernelRigScripts
{
    public const string Setup = """
        set -euo pipefail
        S=$1; W=$2
        N=ovudp-$S
        trap 'ip netns del $N 2>/dev/null || true' EXIT
        ip netns add $N
        ip -n $N link set lo up
        PY=$(command -v python3 || echo /usr/bin/python3)
        ip netns exec $N $PY $W/tap.py $W
        """;

    /// <summary>tap.py DIR: reads DIR/ports.txt ("PORT 4|6" lines) and DIR/writes.bin ([u16 port][u32 length][virtio
    /// header + frame] records, grouped by port); writes DIR/offload.txt, DIR/writes.txt (the result of each write),
    /// DIR/counters.txt ("PORT" and the UDP and UDP6 MIB counters that moved while that port's frames were written
    /// and received) and DIR/recv.bin ([u16 port][u32 length][source address text, NUL, source port as u16][payload]
    /// records).</summary>
    public const string Tap = """
        import fcntl, os, socket, struct, subprocess, sys, time
        W = sys.argv[1]
        TUNSETIFF, TUNSETOFFLOAD = 0x400454CA, 0x400454D0
        IFF_TAP, IFF_NO_PI, IFF_VNET_HDR = 0x0002, 0x1000, 0x4000
        TUN_F_CSUM, TUN_F_TSO4, TUN_F_TSO6, TUN_F_USO4, TUN_F_USO6 = 0x01, 0x02, 0x04, 0x20, 0x40

        def sh(*args):
            subprocess.run(args, check=True)

        fd = os.open('/dev/net/tun', os.O_RDWR)
        fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH22x', b'ovudp0', IFF_TAP | IFF_NO_PI | IFF_VNET_HDR))
        try:
            fcntl.ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_USO4 | TUN_F_USO6)
            open(W + '/offload.txt', 'w').write('uso')
        except OSError as e:
            open(W + '/offload.txt', 'w').write('refused %d' % e.errno)
            sys.exit(0)
        sh('ip', 'link', 'set', 'dev', 'ovudp0', 'address', '02:00:00:00:00:0b')
        sh('ip', 'addr', 'add', '198.18.30.2/24', 'dev', 'ovudp0')
        sh('ip', 'addr', 'add', '2001:2:0:30::2/64', 'dev', 'ovudp0', 'nodad')
        sh('ip', 'link', 'set', 'dev', 'ovudp0', 'up')

        socks = {}
        for line in open(W + '/ports.txt'):
            port, family = line.split()
            v6 = family == '6'
            s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, 33, 32 << 20)  # SO_RCVBUFFORCE
            s.bind(('2001:2:0:30::2' if v6 else '198.18.30.2', int(port)))
            s.setblocking(False)
            socks[int(port)] = s

        def mib():
            values = {}
            rows = [l.split() for l in open('/proc/net/snmp') if l.startswith('Udp:')]
            for name, value in zip(rows[0][1:], rows[1][1:]):
                values['Udp' + name] = int(value)
            for l in open('/proc/net/snmp6'):
                name, value = l.split()
                if name.startswith('Udp6'):
                    values[name] = int(value)
            return values

        data = open(W + '/writes.bin', 'rb').read()
        groups, at = [], 0
        while at < len(data):
            port, length = struct.unpack_from('<HI', data, at)
            at += 6
            if not groups or groups[-1][0] != port:
                groups.append((port, []))
            groups[-1][1].append(data[at:at + length])
            at += length

        # Linux counts InDatagrams, and verifies a checksum left unchecked on delivery, in recvmsg: each group is
        # received before its counters are read.
        results, counters = [], []
        out = open(W + '/recv.bin', 'wb')
        for port, frames in groups:
            before = mib()
            for f in frames:
                try:
                    results.append('%d %d' % (port, os.write(fd, f)))
                except OSError as e:
                    results.append('%d -%d' % (port, e.errno))
            time.sleep(0.05)
            while True:
                try:
                    payload, addr = socks[port].recvfrom(70000)
                except BlockingIOError:
                    break
                meta = addr[0].encode() + b'\0' + struct.pack('<H', addr[1])
                out.write(struct.pack('<HI', port, len(meta) + len(payload)) + meta + payload)
            after = mib()
            moved = ' '.join('%s=%d' % (k, after[k] - before[k]) for k in sorted(after) if after[k] != before[k])
            counters.append('%d %s' % (port, moved))
        out.close()
        open(W + '/writes.txt', 'w').write('\n'.join(results) + '\n')
        open(W + '/counters.txt', 'w').write('\n'.join(counters) + '\n')
        os.close(fd)
        """;
}
