#!/usr/bin/env bash
# demo.sh: a two-host overlay in network namespaces, carrying real traffic.
#   h1 runs overlayd (endpoint a, 198.19.0.1) ; h2 runs the kernel's own VXLAN (endpoint b, 198.19.0.2)
#   underlay 198.18.0.0/24 on a bridge, VNI 42, UDP 4789, head-end replication via the flood list.
# Shows: ping both ways, a short iperf3 TCP run, what each side learned (overlayctl fdb show, the
# kernel's bridge fdb show), and overlayd's counters. Tears everything down at the end or on Ctrl-C.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=netns-lib.sh
source "$ROOT/scripts/netns-lib.sh"

BIN=${OVERLAY_BIN:-$ROOT/controlplane/src}
OVERLAYD=(dotnet "$BIN/Overlay.Daemon/bin/Release/net10.0/overlayd.dll")
OVERLAYCTL=(dotnet "$BIN/Overlay.Cli/bin/Release/net10.0/overlayctl.dll")
[[ -f ${OVERLAYD[1]} && -f ${OVERLAYCTL[1]} ]] || { echo "demo: build first (make build)" >&2; exit 1; }

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

rig_init
rig_underlay_init
rig_host_add h1 1
rig_host_add h2 2
SOCK=/run/overlay/${RIG_PREFIX}h1.sock
ctl() { "${OVERLAYCTL[@]}" -s "$SOCK" "$@"; }

say "h2: the kernel's VXLAN (vx42 on bridge br0), endpoint b = 198.19.0.2"
rig_vxlan_add h2 42 198.18.0.2 learning 198.18.0.1
rig_endpoint_add_kernel h2 b 198.19.0.2/24 02:00:00:00:00:02
# Over veth the kernel leaves inner checksums unfinished (a NIC would finish them); a userspace VTEP
# cannot, so the kernel host finishes them itself. See README, "Interop notes".
rig_host_tx_csum h2 off

say "h1: overlayd, endpoint a = 198.19.0.1 (a TAP that overlayd creates inside namespace a)"
rig_endpoint_ns a
mkdir -p /run/overlay
cat >"$RIG_DIR/h1.json" <<JSON
{
  "node": { "name": "h1" },
  "underlay": { "addresses": ["198.18.0.1"], "port": 4789 },
  "control": { "socket": "$SOCK" },
  "networks": [
    { "name": "blue", "vni": 42, "flood": ["198.18.0.2"],
      "endpoints": [ { "name": "a", "netns": "$(rig_ns a)", "ifname": "eth0",
                       "mac": "02:00:00:00:00:01", "addresses": ["198.19.0.1/24"] } ] }
  ]
}
JSON
sed 's/^/    /' "$RIG_DIR/h1.json"
rig_bg h1 overlayd "${OVERLAYD[@]}" --config "$RIG_DIR/h1.json"
rig_wait_addr a 198.19.0.1 30 || { sed 's/^/    /' "$RIG_DIR/overlayd.log"; exit 1; }
for _ in $(seq 50); do [[ -S $SOCK ]] && break; sleep 0.2; done
rig_exec a ip -br addr show eth0

say "ping a -> b and b -> a"
rig_wait_ping a 198.19.0.2 10
rig_exec a ping -n -c 3 -i 0.2 198.19.0.2
rig_exec b ping -n -c 3 -i 0.2 198.19.0.1

say "iperf3 TCP, a -> b, 3 s"
rig_iperf_server b
rig_fg "$RIG_DIR/iperf.txt" a timeout -k 5 25 iperf3 -c 198.19.0.2 -t 3 -f m || true
grep -E 'sender|receiver' "$RIG_DIR/iperf.txt" || sed 's/^/    /' "$RIG_DIR/iperf.txt.err"

say "overlayctl fdb show (h1): b's MAC learned behind the kernel VTEP 198.18.0.2"
ctl fdb show
say "bridge fdb show dev vx42 (h2, the kernel): a's MAC learned behind our VTEP 198.18.0.1"
rig_exec h2 bridge fdb show dev vx42
say "overlayctl stats (h1)"
ctl stats
say "overlayctl port show / network show (h1)"
ctl port show
ctl network show

say "done: tearing the rig down"
rig_stop overlayd
