package main

// labelTransport adds memberlist's label header (type 244, length byte, label) to every packet
// and stream that a memberlist 0.2.x node sends, and requires it on everything it receives, as
// memberlist >= 0.3 does. With a key it also does memberlist >= 0.3's label-bound encryption
// (version 1): a packet's additional data is the label; a stream message's is the 5-byte
// encrypt header followed by the label. memberlist itself then runs without a keyring.

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

const (
	hasLabelMsg    = 244
	encryptMsg     = 10
	nonceSize      = 12
	tagSize        = 16
	maxStreamBytes = 20 * 1024 * 1024
)

type labelTransport struct {
	inner    *memberlist.NetTransport
	label    string
	aead     cipher.AEAD
	packetCh chan *memberlist.Packet
	streamCh chan net.Conn
	done     chan struct{}
	logger   *log.Logger
}

func newLabelTransport(inner *memberlist.NetTransport, label string, key []byte) (*labelTransport, error) {
	if len(label) == 0 || len(label) > 255 {
		return nil, errors.New("label must be 1..255 bytes")
	}
	t := &labelTransport{
		inner:    inner,
		label:    label,
		packetCh: make(chan *memberlist.Packet),
		streamCh: make(chan net.Conn),
		done:     make(chan struct{}),
		logger:   log.New(os.Stderr, "[label] ", log.LstdFlags),
	}
	if key != nil {
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		if t.aead, err = cipher.NewGCM(block); err != nil {
			return nil, err
		}
	}
	go t.packetLoop()
	go t.streamLoop()
	return t, nil
}

func (t *labelTransport) header() []byte {
	return append([]byte{hasLabelMsg, byte(len(t.label))}, t.label...)
}

func (t *labelTransport) seal(plain, aad []byte) []byte {
	out := make([]byte, 1+nonceSize, 1+nonceSize+len(plain)+tagSize)
	out[0] = 1
	if _, err := io.ReadFull(rand.Reader, out[1:]); err != nil {
		panic(err)
	}
	return t.aead.Seal(out, out[1:1+nonceSize], plain, aad)
}

func (t *labelTransport) open(msg, aad []byte) ([]byte, error) {
	if len(msg) < 1+nonceSize+tagSize {
		return nil, errors.New("payload too small to decrypt")
	}
	if msg[0] > 1 {
		return nil, fmt.Errorf("unsupported encryption version %d", msg[0])
	}
	plain, err := t.aead.Open(nil, msg[1:1+nonceSize], msg[1+nonceSize:], aad)
	if err != nil {
		return nil, err
	}
	if msg[0] == 0 { // PKCS7 padding
		if len(plain) == 0 || int(plain[len(plain)-1]) > len(plain) {
			return nil, errors.New("bad padding")
		}
		plain = plain[:len(plain)-int(plain[len(plain)-1])]
	}
	return plain, nil
}

func (t *labelTransport) stripLabel(b []byte) ([]byte, error) {
	if len(b) < 3 || b[0] != hasLabelMsg {
		return nil, errors.New("packet has no label header")
	}
	n := int(b[1])
	if n < 1 || len(b) < 2+n {
		return nil, errors.New("truncated label header")
	}
	if string(b[2:2+n]) != t.label {
		return nil, fmt.Errorf("unacceptable label %q", b[2:2+n])
	}
	return b[2+n:], nil
}

func (t *labelTransport) FinalAdvertiseAddr(ip string, port int) (net.IP, int, error) {
	return t.inner.FinalAdvertiseAddr(ip, port)
}

func (t *labelTransport) WriteTo(b []byte, addr string) (time.Time, error) {
	if t.aead != nil {
		b = t.seal(b, []byte(t.label))
	}
	return t.inner.WriteTo(append(t.header(), b...), addr)
}

func (t *labelTransport) PacketCh() <-chan *memberlist.Packet { return t.packetCh }

func (t *labelTransport) packetLoop() {
	for {
		select {
		case p := <-t.inner.PacketCh():
			buf, err := t.stripLabel(p.Buf)
			if err == nil && t.aead != nil {
				buf, err = t.open(buf, []byte(t.label))
			}
			if err != nil {
				t.logger.Printf("dropping packet from %s: %v", p.From, err)
				continue
			}
			p.Buf = buf
			select {
			case t.packetCh <- p:
			case <-t.done:
				return
			}
		case <-t.done:
			return
		}
	}
}

func (t *labelTransport) DialTimeout(addr string, timeout time.Duration) (net.Conn, error) {
	c, err := t.inner.DialTimeout(addr, timeout)
	if err != nil {
		return nil, err
	}
	if _, err := c.Write(t.header()); err != nil {
		c.Close()
		return nil, err
	}
	return &labelConn{Conn: c, t: t}, nil
}

func (t *labelTransport) StreamCh() <-chan net.Conn { return t.streamCh }

func (t *labelTransport) streamLoop() {
	for {
		select {
		case c := <-t.inner.StreamCh():
			go t.acceptStream(c)
		case <-t.done:
			return
		}
	}
}

func (t *labelTransport) acceptStream(c net.Conn) {
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	head := make([]byte, 2)
	if _, err := io.ReadFull(c, head); err != nil || head[0] != hasLabelMsg || head[1] == 0 {
		t.logger.Printf("dropping stream from %s: no label header", c.RemoteAddr())
		c.Close()
		return
	}
	label := make([]byte, head[1])
	if _, err := io.ReadFull(c, label); err != nil || string(label) != t.label {
		t.logger.Printf("dropping stream from %s: unacceptable label %q", c.RemoteAddr(), label)
		c.Close()
		return
	}
	_ = c.SetReadDeadline(time.Time{})
	select {
	case t.streamCh <- &labelConn{Conn: c, t: t}:
	case <-t.done:
		c.Close()
	}
}

func (t *labelTransport) Shutdown() error {
	close(t.done)
	return t.inner.Shutdown()
}

// labelConn encrypts each Write as one memberlist encrypted stream message and decrypts the
// messages it reads (memberlist writes each stream message with a single Write).
type labelConn struct {
	net.Conn
	t       *labelTransport
	mu      sync.Mutex
	pending []byte
}

func (c *labelConn) Write(b []byte) (int, error) {
	if c.t.aead == nil {
		return c.Conn.Write(b)
	}
	head := make([]byte, 5)
	head[0] = encryptMsg
	binary.BigEndian.PutUint32(head[1:], uint32(1+nonceSize+len(b)+tagSize))
	sealed := c.t.seal(b, append(append([]byte(nil), head...), c.t.label...))
	if _, err := c.Conn.Write(append(head, sealed...)); err != nil {
		return 0, err
	}
	return len(b), nil
}

func (c *labelConn) Read(b []byte) (int, error) {
	if c.t.aead == nil {
		return c.Conn.Read(b)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.pending) == 0 {
		head := make([]byte, 5)
		if _, err := io.ReadFull(c.Conn, head); err != nil {
			return 0, err
		}
		if head[0] != encryptMsg {
			return 0, errors.New("encryption is configured but remote state is not encrypted")
		}
		n := binary.BigEndian.Uint32(head[1:])
		if n > maxStreamBytes {
			return 0, fmt.Errorf("remote node state is larger than limit (%d)", n)
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(c.Conn, body); err != nil {
			return 0, err
		}
		plain, err := c.t.open(body, append(head, c.t.label...))
		if err != nil {
			return 0, err
		}
		c.pending = plain
	}
	n := copy(b, c.pending)
	c.pending = c.pending[n:]
	return n, nil
}
