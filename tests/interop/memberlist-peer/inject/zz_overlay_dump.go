// This file is copied by build.sh into a private copy of Debian's memberlist package (never into
// the system copy) so that the golden encodings come from memberlist's own unexported encode,
// makeCompoundMessage, compressPayload, rawSendMsgPacket, rawSendMsgStream, sendLocalState and
// sendUserMsg. It only calls memberlist code; it changes none.

package memberlist

import (
	"bytes"
	"fmt"
	"io/ioutil"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Fixed keys shared with the C# tests (Overlay.Gossip.Wire.Tests/Golden/GoldenValues.cs).
func overlayKey(n int, first byte) []byte {
	k := make([]byte, n)
	for i := range k {
		k[i] = first + byte(i)
	}
	return k
}

// overlayCaptureConn is a net.Conn that records what memberlist writes and reads nothing.
type overlayCaptureConn struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (c *overlayCaptureConn) Read(b []byte) (int, error) {
	return 0, fmt.Errorf("capture conn: no input")
}
func (c *overlayCaptureConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Write(b)
}
func (c *overlayCaptureConn) Close() error { return nil }
func (c *overlayCaptureConn) LocalAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 7946}
}
func (c *overlayCaptureConn) RemoteAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 7947}
}
func (c *overlayCaptureConn) SetDeadline(t time.Time) error      { return nil }
func (c *overlayCaptureConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *overlayCaptureConn) SetWriteDeadline(t time.Time) error { return nil }
func (c *overlayCaptureConn) bytes() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]byte(nil), c.buf.Bytes()...)
}

// overlayCaptureTransport records packets and dialled streams; it never touches a socket.
type overlayCaptureTransport struct {
	mu       sync.Mutex
	packets  [][]byte
	dialed   []*overlayCaptureConn
	packetCh chan *Packet
	streamCh chan net.Conn
}

func newOverlayCaptureTransport() *overlayCaptureTransport {
	return &overlayCaptureTransport{packetCh: make(chan *Packet), streamCh: make(chan net.Conn)}
}

func (t *overlayCaptureTransport) FinalAdvertiseAddr(string, int) (net.IP, int, error) {
	return net.IPv4(127, 0, 0, 1).To4(), 7946, nil
}
func (t *overlayCaptureTransport) WriteTo(b []byte, addr string) (time.Time, error) {
	return t.WriteToAddress(b, Address{Addr: addr})
}
func (t *overlayCaptureTransport) WriteToAddress(b []byte, a Address) (time.Time, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.packets = append(t.packets, append([]byte(nil), b...))
	return time.Now(), nil
}
func (t *overlayCaptureTransport) PacketCh() <-chan *Packet { return t.packetCh }
func (t *overlayCaptureTransport) IngestPacket(net.Conn, net.Addr, time.Time, bool) error {
	return nil
}
func (t *overlayCaptureTransport) DialTimeout(addr string, timeout time.Duration) (net.Conn, error) {
	return t.DialAddressTimeout(Address{Addr: addr}, timeout)
}
func (t *overlayCaptureTransport) DialAddressTimeout(Address, time.Duration) (net.Conn, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := &overlayCaptureConn{}
	t.dialed = append(t.dialed, c)
	return c, nil
}
func (t *overlayCaptureTransport) StreamCh() <-chan net.Conn   { return t.streamCh }
func (t *overlayCaptureTransport) IngestStream(net.Conn) error { return nil }
func (t *overlayCaptureTransport) Shutdown() error             { return nil }

func (t *overlayCaptureTransport) lastPacket() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.packets[len(t.packets)-1]
}
func (t *overlayCaptureTransport) lastDialed() *overlayCaptureConn {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.dialed[len(t.dialed)-1]
}

type overlayDumpDelegate struct{}

func (overlayDumpDelegate) NodeMeta(limit int) []byte                  { return []byte("meta-golden-a") }
func (overlayDumpDelegate) NotifyMsg([]byte)                           {}
func (overlayDumpDelegate) GetBroadcasts(overhead, limit int) [][]byte { return nil }
func (overlayDumpDelegate) LocalState(join bool) []byte                { return []byte("user-state:golden") }
func (overlayDumpDelegate) MergeRemoteState(buf []byte, join bool)     {}

// overlayInstance starts a memberlist on a capture transport with every timer effectively off.
func overlayInstance(name string, tweak func(*Config)) (*Memberlist, *overlayCaptureTransport, error) {
	t := newOverlayCaptureTransport()
	conf := DefaultLANConfig()
	conf.Name = name
	conf.Transport = t
	conf.LogOutput = ioutil.Discard
	conf.Delegate = overlayDumpDelegate{}
	conf.EnableCompression = false
	conf.ProbeInterval = time.Hour
	conf.GossipInterval = time.Hour
	conf.PushPullInterval = 0
	if tweak != nil {
		tweak(conf)
	}
	m, err := Create(conf)
	return m, t, err
}

// A long value: fixstr stops at 31 bytes, and go-msgpack (WriteExt off) then uses str16, never str8.
const overlayLongName = "a-node-name-that-is-longer-than-thirty-one-bytes.example"

func overlayPseudoRandom(n int) []byte {
	out := make([]byte, n)
	x := uint32(2463534242)
	for i := range out {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		out[i] = byte('a' + x%7) // a small alphabet: compressible, still grows the LZW table past 4095
	}
	return out
}

// OverlayDump writes one file per golden encoding into dir.
func OverlayDump(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(name string, b []byte) error {
		return ioutil.WriteFile(filepath.Join(dir, name+".bin"), b, 0o644)
	}
	enc := func(t messageType, v interface{}) []byte {
		buf, err := encode(t, v)
		if err != nil {
			panic(err)
		}
		return buf.Bytes()
	}
	meta300 := bytes.Repeat([]byte{0xAB}, 300)
	vsn := []uint8{1, 5, 2, 0, 0, 0}
	msgs := map[string][]byte{
		"ping":                 enc(pingMsg, &ping{SeqNo: 42, Node: "node-b", SourceAddr: []byte{127, 0, 0, 1}, SourcePort: 7946, SourceNode: "node-a"}),
		"ping_minimal":         enc(pingMsg, &ping{SeqNo: 0, Node: ""}),
		"ping_wide":            enc(pingMsg, &ping{SeqNo: 4294967295, Node: overlayLongName, SourceAddr: net.ParseIP("fd00::1"), SourcePort: 65535, SourceNode: overlayLongName}),
		"indirect_ping":        enc(indirectPingMsg, &indirectPingReq{SeqNo: 300, Target: []byte{127, 0, 0, 3}, Port: 7948, Node: "node-c", Nack: true, SourceAddr: []byte{127, 0, 0, 1}, SourcePort: 7946, SourceNode: "node-a"}),
		"indirect_ping_old":    enc(indirectPingMsg, &indirectPingReq{SeqNo: 70000, Target: []byte{127, 0, 0, 3}, Port: 256, Node: "node-c"}),
		"ack":                  enc(ackRespMsg, &ackResp{SeqNo: 128, Payload: []byte("ack-payload")}),
		"ack_nil_payload":      enc(ackRespMsg, &ackResp{SeqNo: 255, Payload: nil}),
		"ack_empty_payload":    enc(ackRespMsg, &ackResp{SeqNo: 256, Payload: []byte{}}),
		"nack":                 enc(nackRespMsg, &nackResp{SeqNo: 65536}),
		"suspect":              enc(suspectMsg, &suspect{Incarnation: 7, Node: "node-b", From: "node-a"}),
		"alive":                enc(aliveMsg, &alive{Incarnation: 3, Node: "node-a", Addr: []byte{127, 0, 0, 1}, Port: 7946, Meta: []byte("role=web"), Vsn: vsn}),
		"alive_nil_meta":       enc(aliveMsg, &alive{Incarnation: 1, Node: "node-a", Addr: []byte{127, 0, 0, 1}, Port: 7946, Meta: nil, Vsn: vsn}),
		"alive_ipv6_long":      enc(aliveMsg, &alive{Incarnation: 100000, Node: overlayLongName, Addr: net.ParseIP("fd00::2"), Port: 17946, Meta: meta300, Vsn: vsn}),
		"dead":                 enc(deadMsg, &dead{Incarnation: 9, Node: "node-b", From: "node-a"}),
		"dead_leave":           enc(deadMsg, &dead{Incarnation: 10, Node: "node-a", From: "node-a"}),
		"err":                  enc(errMsg, &errResp{Error: "Remote state is encrypted and encryption is not configured"}),
		"push_pull_header":     enc(pushPullMsg, &pushPullHeader{Nodes: 3, UserStateLen: 17, Join: true}),
		"push_node_state":      enc(pushPullMsg, &pushNodeState{Name: "node-b", Addr: []byte{127, 0, 0, 2}, Port: 7947, Meta: []byte("m"), Incarnation: 5, State: StateSuspect, Vsn: vsn}),
		"push_node_state_left": enc(pushPullMsg, &pushNodeState{Name: "node-d", Addr: []byte{127, 0, 0, 4}, Port: 7949, Meta: nil, Incarnation: 2, State: StateLeft, Vsn: vsn}),
		"user_packet":          append([]byte{byte(userMsg)}, []byte("hello user message")...),
	}
	for name, b := range msgs {
		if err := write(name, b); err != nil {
			return err
		}
	}

	// Compound: a ping followed by two broadcasts, as sendMsg builds it.
	compound := makeCompoundMessage([][]byte{msgs["ping"], msgs["suspect"], msgs["alive"]})
	if err := write("compound", compound.Bytes()); err != nil {
		return err
	}
	if err := write("compound_empty", makeCompoundMessage(nil).Bytes()); err != nil {
		return err
	}

	// Compression (LZW, LSB, litWidth 8) of a small message and of a long one that fills the table.
	for name, in := range map[string][]byte{
		"compress_alive": msgs["alive"],
		"compress_large": append([]byte{byte(userMsg)}, overlayPseudoRandom(40000)...),
		"compress_empty": {},
	} {
		c, err := compressPayload(in)
		if err != nil {
			return err
		}
		if err := write(name, c.Bytes()); err != nil {
			return err
		}
		if err := write(name+"_plain", in); err != nil {
			return err
		}
	}

	// Packets as rawSendMsgPacket builds them (CRC for PMax >= 5, then encryption).
	target := Address{Addr: "127.0.0.1:7947", Name: "node-b"}
	crcNode := &Node{Name: "node-b", PMax: 5}
	oldNode := &Node{Name: "node-b", PMax: 4}
	type packetCase struct {
		name  string
		tweak func(*Config)
		node  *Node
		msg   []byte
	}
	cases := []packetCase{
		{"packet_crc", nil, crcNode, compound.Bytes()},
		{"packet_nocrc", nil, oldNode, msgs["ping"]},
		{"packet_enc_v1_k16", func(c *Config) { c.SecretKey = overlayKey(16, 0x00) }, crcNode, msgs["ping"]},
		{"packet_enc_v1_k32", func(c *Config) { c.SecretKey = overlayKey(32, 0x20) }, oldNode, compound.Bytes()},
		{"packet_enc_v0_k24", func(c *Config) { c.SecretKey = overlayKey(24, 0x40); c.ProtocolVersion = 1 }, oldNode, msgs["alive"]},
		{"packet_enc_rotated", func(c *Config) {
			c.Keyring, _ = NewKeyring([][]byte{overlayKey(16, 0x00), overlayKey(16, 0x60)}, overlayKey(16, 0x60))
		}, crcNode, msgs["suspect"]},
		{"packet_compressed", func(c *Config) { c.EnableCompression = true }, crcNode, makeCompoundMessage([][]byte{msgs["alive"], msgs["alive"], msgs["alive"]}).Bytes()},
	}
	for _, pc := range cases {
		m, t, err := overlayInstance("golden-"+pc.name, pc.tweak)
		if err != nil {
			return err
		}
		if err := m.rawSendMsgPacket(target, pc.node, pc.msg); err != nil {
			return err
		}
		if err := write(pc.name, t.lastPacket()); err != nil {
			return err
		}
		if err := write(pc.name+"_plain", pc.msg); err != nil {
			return err
		}
		m.Shutdown()
	}

	// Streams: push/pull as sendLocalState writes it, a user message as sendUserMsg writes it,
	// and a stream ping as sendPingAndWaitForAck writes it.
	type streamCase struct {
		name  string
		tweak func(*Config)
	}
	streams := []streamCase{
		{"stream", nil},
		{"stream_enc_k16", func(c *Config) { c.SecretKey = overlayKey(16, 0x00) }},
		{"stream_enc_v0_k24", func(c *Config) { c.SecretKey = overlayKey(24, 0x40); c.ProtocolVersion = 1 }},
		{"stream_compressed", func(c *Config) { c.EnableCompression = true }},
		{"stream_enc_compressed", func(c *Config) { c.EnableCompression = true; c.SecretKey = overlayKey(32, 0x20) }},
	}
	for _, sc := range streams {
		m, t, err := overlayInstance("golden-a", sc.tweak)
		if err != nil {
			return err
		}
		// Two more members in known states; memberlist inserts them at random positions.
		m.aliveNode(&alive{Incarnation: 5, Node: "golden-b", Addr: []byte{127, 0, 0, 2}, Port: 7947, Meta: []byte("meta-b"), Vsn: []uint8{1, 5, 2, 0, 0, 0}}, nil, false)
		m.aliveNode(&alive{Incarnation: 2, Node: "golden-c", Addr: []byte{127, 0, 0, 3}, Port: 7948, Vsn: []uint8{1, 5, 2, 0, 0, 0}}, nil, false)
		m.deadNode(&dead{Incarnation: 2, Node: "golden-c", From: "golden-c"})

		pp := &overlayCaptureConn{}
		if err := m.sendLocalState(pp, true); err != nil {
			return err
		}
		if err := write(sc.name+"_pushpull", pp.bytes()); err != nil {
			return err
		}
		if err := m.sendUserMsg(Address{Addr: "127.0.0.1:7947", Name: "golden-b"}, []byte("reliable user message")); err != nil {
			return err
		}
		if err := write(sc.name+"_user", t.lastDialed().bytes()); err != nil {
			return err
		}
		pc := &overlayCaptureConn{}
		p := ping{SeqNo: 77, Node: "golden-b", SourceAddr: []byte{127, 0, 0, 1}, SourcePort: 7946, SourceNode: "golden-a"}
		out, err := encode(pingMsg, &p)
		if err != nil {
			return err
		}
		if err := m.rawSendMsgStream(pc, out.Bytes()); err != nil {
			return err
		}
		if err := write(sc.name+"_ping", pc.bytes()); err != nil {
			return err
		}
		m.Shutdown()
	}
	return nil
}
