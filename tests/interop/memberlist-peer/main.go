// memberlist-peer: a real hashicorp/memberlist (Debian's package) for Overlay's interop tests.
//
//	memberlist-peer -dump DIR
//	    writes memberlist's own encodings of every message, packet and stream form into DIR.
//	memberlist-peer -bind 127.0.0.1:PORT -name NAME [-join HOST:PORT[,HOST:PORT]] [-key BASE64] [-label L] [-meta S]
//	    runs a memberlist node and prints one JSON object per line on stdout:
//	    {"event":"ready"|"join"|"leave"|"update"|"user"|"joined"|"error", ...}; exits on SIGTERM/SIGINT.
package main

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/memberlist"
)

var stdoutMu sync.Mutex

func emit(v map[string]interface{}) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	stdoutMu.Lock()
	defer stdoutMu.Unlock()
	os.Stdout.Write(append(b, '\n'))
}

func stateName(s memberlist.NodeStateType) string {
	switch s {
	case memberlist.StateAlive:
		return "alive"
	case memberlist.StateSuspect:
		return "suspect"
	case memberlist.StateDead:
		return "dead"
	case memberlist.StateLeft:
		return "left"
	}
	return strconv.Itoa(int(s))
}

func nodeEvent(event string, n *memberlist.Node) map[string]interface{} {
	return map[string]interface{}{
		"event": event,
		"name":  n.Name,
		"addr":  n.Addr.String(),
		"port":  n.Port,
		"state": stateName(n.State),
		"meta":  string(n.Meta),
		"pmax":  n.PMax,
	}
}

type events struct{}

func (events) NotifyJoin(n *memberlist.Node)   { emit(nodeEvent("join", n)) }
func (events) NotifyLeave(n *memberlist.Node)  { emit(nodeEvent("leave", n)) }
func (events) NotifyUpdate(n *memberlist.Node) { emit(nodeEvent("update", n)) }

type delegate struct{ meta []byte }

func (d delegate) NodeMeta(limit int) []byte { return d.meta }
func (d delegate) NotifyMsg(b []byte) {
	emit(map[string]interface{}{"event": "user", "data": base64.StdEncoding.EncodeToString(b)})
}
func (d delegate) GetBroadcasts(overhead, limit int) [][]byte { return nil }
func (d delegate) LocalState(join bool) []byte                { return []byte("memberlist-peer-state") }
func (d delegate) MergeRemoteState(buf []byte, join bool) {
	emit(map[string]interface{}{"event": "remote_state", "data": base64.StdEncoding.EncodeToString(buf), "join": join})
}

func fail(format string, args ...interface{}) {
	emit(map[string]interface{}{"event": "error", "error": fmt.Sprintf(format, args...)})
	os.Exit(1)
}

func main() {
	dump := flag.String("dump", "", "write golden encodings into this directory and exit")
	bind := flag.String("bind", "", "ADDR:PORT to bind (UDP and TCP)")
	name := flag.String("name", "", "node name")
	join := flag.String("join", "", "comma-separated ADDR:PORT list to join")
	key := flag.String("key", "", "base64 AES key (16, 24 or 32 bytes)")
	label := flag.String("label", "", "memberlist label (packet and stream header)")
	meta := flag.String("meta", "", "node metadata")
	flag.Parse()

	if *dump != "" {
		if err := memberlist.OverlayDump(*dump); err != nil {
			fmt.Fprintln(os.Stderr, "dump:", err)
			os.Exit(1)
		}
		return
	}
	if *bind == "" || *name == "" {
		fmt.Fprintln(os.Stderr, "usage: memberlist-peer -dump DIR | -bind ADDR:PORT -name NAME [-join ADDR:PORT] [-key BASE64] [-label L]")
		os.Exit(2)
	}
	host, portStr, err := net.SplitHostPort(*bind)
	if err != nil {
		fail("bad -bind: %v", err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		fail("bad -bind port: %v", err)
	}

	conf := memberlist.DefaultLocalConfig()
	conf.Name = *name
	conf.BindAddr = host
	conf.BindPort = port
	conf.AdvertiseAddr = host
	conf.AdvertisePort = port
	conf.Events = events{}
	conf.Delegate = delegate{meta: []byte(*meta)}
	conf.LogOutput = os.Stderr

	var keyBytes []byte
	if *key != "" {
		keyBytes, err = base64.StdEncoding.DecodeString(*key)
		if err != nil {
			fail("bad -key: %v", err)
		}
		if err := memberlist.ValidateKey(keyBytes); err != nil {
			fail("bad -key: %v", err)
		}
	}

	nt, err := memberlist.NewNetTransport(&memberlist.NetTransportConfig{
		BindAddrs: []string{host},
		BindPort:  port,
		Logger:    log.New(os.Stderr, "", log.LstdFlags),
	})
	if err != nil {
		fail("transport: %v", err)
	}
	if *label == "" {
		// Encryption, if any, is memberlist's own keyring.
		conf.Transport = nt
		if keyBytes != nil {
			conf.SecretKey = keyBytes
		}
	} else {
		// memberlist 0.2.x predates labels: the label header (and, with a key, the label-bound
		// encryption of memberlist >= 0.3) is applied by this wrapper around memberlist's transport.
		lt, err := newLabelTransport(nt, *label, keyBytes)
		if err != nil {
			fail("label transport: %v", err)
		}
		conf.Transport = lt
	}

	m, err := memberlist.Create(conf)
	if err != nil {
		fail("create: %v", err)
	}
	local := m.LocalNode()
	emit(map[string]interface{}{"event": "ready", "name": local.Name, "addr": local.Addr.String(), "port": local.Port})

	if *join != "" {
		n, err := m.Join(strings.Split(*join, ","))
		if err != nil {
			emit(map[string]interface{}{"event": "error", "error": "join: " + err.Error()})
		} else {
			emit(map[string]interface{}{"event": "joined", "contacted": n})
		}
	}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	_ = m.Leave(time.Second)
	_ = m.Shutdown()
	emit(map[string]interface{}{"event": "stopped"})
}
