#!/usr/bin/env bash
# kernel-baseline.sh: throughput/latency of one VXLAN overlay row on a two-host netns rig.
#
#   perf/scripts/kernel-baseline.sh [ROW...] [-o FILE] [-t SECONDS]
#
# ROW is one of (default: kernel)
#   kernel    "kernel<->kernel"      kernel vxlan device on h1 and h2
#   overlayd  "overlayd<->overlayd"  overlayd on h1 and h2
#   mixed     "overlayd<->kernel"    overlayd on h1, kernel vxlan on h2
#   no-tunnel-gso, no-tso, no-tap-offloads, no-udp-gso, no-udp-gro, no-offloads
#             "overlayd<->overlayd" with that offload (or all of them) switched off
#   workers2  "overlayd<->overlayd" with two switch workers per daemon (multi-queue TAPs, SO_REUSEPORT)
#   pinned2   the same, the workers pinned to CPUs 0 and 1
#   all       kernel, overlayd, mixed and every offload-off row
# Rig: host namespaces h1 (198.18.0.1) and h2 (198.18.0.2) on one bridged underlay; endpoint a
# (198.19.0.1) behind h1 and b (198.19.0.2) behind h2 on VNI 42. iperf3 runs a -> b.
# Prints one JSON object per row on stdout (and appends it to FILE with -o). A row whose VTEP
# cannot be built (no overlayd build) prints {"row":..,"skipped":"why"} and the script goes on.
#
# Environment: OVERLAYD (daemon dll or executable), DURATION (s, default 10), PINGS (1000),
# RIG_UNDERLAY_MTU (1500), RIG_UNDERLAY_V6=1 for an IPv6 underlay, PROFILE_DIR: record a
# machine-wide `perf record -g` during each row's TCP 1-stream run into PROFILE_DIR/ROW.data
# (overlayd then writes /tmp/perf-PID.map so its JIT frames have names).
set -euo pipefail
# shellcheck disable=SC2317  # setup_host_* are called through "setup_host_$mode"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../scripts/netns-lib.sh
source "$ROOT/scripts/netns-lib.sh"

: "${OVERLAYD:=$ROOT/controlplane/src/Overlay.Daemon/bin/Release/net10.0/overlayd.dll}"
: "${DURATION:=10}"
: "${PINGS:=1000}"
: "${OVERLAYD_START_TIMEOUT:=30}"
VNI=42
FAMILY=4
if [[ $RIG_UNDERLAY_V6 == 1 ]]; then
    FAMILY=6
    # shellcheck disable=SC2034  # read by netns-lib.sh
    RIG_VXLAN_OVERHEAD=70   # the outer IPv6 header is 20 bytes longer
fi

declare -A EP_OF=([h1]=a [h2]=b)
declare -A EP_IP=([a]=198.19.0.1 [b]=198.19.0.2)
declare -A EP_MAC=([a]=02:00:00:00:00:01 [b]=02:00:00:00:00:02)
declare -A HOST_I=([h1]=1 [h2]=2)
declare -A PEER_OF=([h1]=h2 [h2]=h1)

log() { printf '[bench] %s\n' "$*" >&2; }

# ---- VTEP modes: one function per way of building a host --------------------------------------

# setup_host_kernel HOST: kernel vxlan + br0 in HOST, endpoint behind it on a veth.
setup_host_kernel() {
    local h="$1" ep="${EP_OF[$1]}"
    local local_ip remote_ip
    local_ip=$(rig_host_ip "${HOST_I[$h]}" "$FAMILY")
    remote_ip=$(rig_host_ip "${HOST_I[${PEER_OF[$h]}]}" "$FAMILY")
    rig_vxlan_add "$h" "$VNI" "$local_ip" nolearning "$remote_ip"
    rig_endpoint_add_kernel "$h" "$ep" "${EP_IP[$ep]}/24" "${EP_MAC[$ep]}"
}

# overlayd_config HOST: the daemon's JSON config for HOST on stdout.
overlayd_config() {
    local h="$1" ep="${EP_OF[$1]}"
    local local_ip remote_ip
    local_ip=$(rig_host_ip "${HOST_I[$h]}" "$FAMILY")
    remote_ip=$(rig_host_ip "${HOST_I[${PEER_OF[$h]}]}" "$FAMILY")
    cat <<JSON
{"node":{"name":"$h"},
 "dataplane":{${DATAPLANE_JSON:-}},
 "underlay":{"addresses":["$local_ip"],"port":4789},
 "control":{"socket":"/run/overlay/${RIG_PREFIX}$h.sock"},
 "networks":[{"name":"blue","vni":$VNI,"flood":["$remote_ip"],
   "endpoints":[{"name":"$ep","netns":"$(rig_ns "$ep")","ifname":"eth0","mac":"${EP_MAC[$ep]}",
                 "addresses":["${EP_IP[$ep]}/24"]}]}]}
JSON
}

# overlayd_cmd: the command that starts the daemon (a .dll runs under dotnet).
overlayd_cmd() {
    [[ -n ${PROFILE_DIR:-} ]] && echo env DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
    if [[ $OVERLAYD == *.dll ]]; then echo dotnet "$OVERLAYD"; else echo "$OVERLAYD"; fi
}

# setup_host_overlayd HOST: overlayd inside HOST; it creates the endpoint's TAP (eth0) inside the
# endpoint namespace itself, so only the empty endpoint namespace is made here.
# TODO(lead): confirm the daemon sets the address/MTU on the TAP and the readiness signal.
setup_host_overlayd() {
    local h="$1" ep="${EP_OF[$1]}" cfg
    cfg="$RIG_DIR/overlayd-$h.json"
    overlayd_config "$h" >"$cfg"
    mkdir -p /run/overlay
    rig_endpoint_ns "$ep"
    # shellcheck disable=SC2046
    rig_bg "$h" "overlayd-$h" $(overlayd_cmd) --config "$cfg"
    if ! rig_wait_addr "$ep" "${EP_IP[$ep]}" "$OVERLAYD_START_TIMEOUT"; then
        log "overlayd on $h did not bring up $ep/eth0; its log:"
        sed 's/^/    /' "$RIG_DIR/overlayd-$h.log" >&2 || true
        return 1
    fi
}

mode_available() {
    case "$1" in
        kernel) return 0 ;;
        overlayd)
            if [[ ! -e $OVERLAYD ]]; then
                SKIP_REASON="overlayd not built: ${OVERLAYD#"$ROOT"/} does not exist (make build, or set OVERLAYD)"
                return 1
            fi ;;
    esac
}

# ---- measurements ---------------------------------------------------------------------------

# cpu_busy_ticks: non-idle jiffies of all CPUs (user+nice+system+irq+softirq+steal) and
# system+irq+softirq alone, machine wide (/proc/stat is not per-namespace).
cpu_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $4+$7+$8}' /proc/stat; }

# idle_pct: how idle the machine is over one second; other load skews every figure here.
idle_pct() {
    local a b
    read -r -a a < <(head -n 1 /proc/stat); sleep 1; read -r -a b < <(head -n 1 /proc/stat)
    local total=$(((b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + b[7] + b[8]) - (a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7] + a[8])))
    echo $(((b[4] - a[4]) * 100 / (total > 0 ? total : 1)))
}

# measure_iperf LABEL ARGS...: one iperf3 run a -> b; prints
# "bits/s bytes seconds udp_packets_received busy_cpu_s sys_irq_softirq_s".
measure_iperf() {
    local label="$1"; shift
    local out="$RIG_DIR/iperf-$label.json" before after hz
    hz=$(getconf CLK_TCK)
    read -r -a before < <(cpu_ticks)
    if ! rig_iperf_client "$out" a "${EP_IP[b]}" "$DURATION" "$@"; then
        log "iperf3 $label failed:"; sed 's/^/    /' "$out" "$out.err" >&2 || true
        return 1
    fi
    read -r -a after < <(cpu_ticks)
    python3 - "$out" "$label" "$((after[0] - before[0]))" "$((after[1] - before[1]))" "$hz" <<'PY'
import json, sys
path, label, busy, sysirq, hz = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
j = json.load(open(path))
if "error" in j:
    sys.exit(f"iperf3 {label}: {j['error']}")
end = j["end"]
if j["start"]["test_start"]["protocol"] == "TCP":
    s = end["sum_received"]
    print(s["bits_per_second"], s["bytes"], s["seconds"], 0, busy / hz, sysirq / hz)
else:   # UDP: end.sum is the sender's count with the server's lost_packets folded in
    s = end["sum"]
    got = s["packets"] - s["lost_packets"]
    print(s["bits_per_second"], s["bytes"], s["seconds"], got, busy / hz, sysirq / hz)
PY
}

# measure_ping: "avg_ms p99_ms loss_pct" over $PINGS pings a -> b.
measure_ping() {
    local out="$RIG_DIR/ping.txt"
    rig_fg "$out" a ping -n -i 0.002 -c "$PINGS" -W 1 "${EP_IP[b]}" || true
    python3 - "$out" "$PINGS" <<'PY'
import re, sys
times = sorted(float(m) for m in re.findall(r"time=([0-9.]+) ms", open(sys.argv[1]).read()))
n = int(sys.argv[2])
if not times:
    sys.exit("ping: no replies")
p99 = times[min(len(times) - 1, int(round(0.99 * len(times))) - 1)]
print(sum(times) / len(times), p99, 100.0 * (n - len(times)) / n)
PY
}

# ---- rows -----------------------------------------------------------------------------------

OFFLOAD_ROWS=(no-tunnel-gso no-tso no-tap-offloads no-udp-gso no-udp-gro no-offloads)
WORKER_ROWS=(workers2 pinned2)
row_name() {
    case "$1" in
        kernel) echo "kernel<->kernel" ;;
        overlayd) echo "overlayd<->overlayd" ;;
        mixed) echo "overlayd<->kernel" ;;
        no-tunnel-gso) echo "overlayd, UDP-tunnel GSO off" ;;
        no-tso) echo "overlayd, TSO off" ;;
        no-tap-offloads) echo "overlayd, TAP offloads off" ;;
        no-udp-gso) echo "overlayd, UDP GSO off" ;;
        no-udp-gro) echo "overlayd, UDP GRO off" ;;
        no-offloads) echo "overlayd, all offloads off" ;;
        workers2) echo "overlayd, 2 workers" ;;
        pinned2) echo "overlayd, 2 workers pinned" ;;
        *) return 1 ;;
    esac
}
row_modes() {
    case "$1" in
        kernel) echo "kernel kernel" ;;
        mixed) echo "overlayd kernel" ;;
        *) echo "overlayd overlayd" ;;
    esac
}
# row_dataplane ROW: the overlayd config's "dataplane" members for ROW.
row_dataplane() {
    case "$1" in
        no-tunnel-gso) echo '"udpTunnelGso":false' ;;
        no-tso) echo '"tso":false' ;;
        no-tap-offloads) echo '"tapOffloads":false' ;;
        no-udp-gso) echo '"udpGso":false' ;;
        no-udp-gro) echo '"udpGro":false' ;;
        no-offloads) echo '"tapOffloads":false,"udpGso":false,"udpGro":false,"udpTunnelGso":false' ;;
        workers2) echo '"workers":2' ;;
        pinned2) echo '"workers":2,"cpus":[0,1]' ;;
        *) echo '' ;;
    esac
}

# daemon_ticks: CPU jiffies (user+system) used so far by this rig's overlayd processes (their pid files:
# other overlayd processes on the machine, e.g. of a test run, must not count).
daemon_ticks() {
    local pid total=0 t f
    for f in "$RIG_DIR"/overlayd-*.pid; do
        [[ -f $f ]] || continue
        pid=$(<"$f")
        t=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
        total=$((total + t))
    done
    echo "$total"
}

emit() { echo "$1"; [[ -n ${OUT_FILE:-} ]] && echo "$1" >>"$OUT_FILE"; return 0; }

# run_row ROW: build the rig for ROW, measure, tear it down; prints the row's JSON.
# Runs in an `if` (errexit is off there), so every step that matters is checked by hand.
run_row() {
    local row="$1" name m1 m2 m
    name=$(row_name "$row")
    DATAPLANE_JSON=$(row_dataplane "$row")
    read -r m1 m2 < <(row_modes "$row")
    SKIP_REASON=""
    for m in $m1 $m2; do
        if ! mode_available "$m"; then
            log "skipping $name: $SKIP_REASON"
            emit "$(python3 -c 'import json,sys; print(json.dumps({"row":sys.argv[1],"skipped":sys.argv[2]}))' "$name" "$SKIP_REASON")"
            return 0
        fi
    done

    local idle; idle=$(idle_pct)
    ((idle >= 90)) || log "WARNING: machine only ${idle}% idle before $name; figures will be low and noisy"
    rig_init
    log "$name: building rig $RIG_PREFIX"
    rig_underlay_init && rig_host_add h1 1 && rig_host_add h2 2 ||
        { FAIL_REASON="underlay setup failed"; return 1; }
    "setup_host_$m1" h1 || { FAIL_REASON="setup_host_$m1 h1 failed"; return 1; }
    "setup_host_$m2" h2 || { FAIL_REASON="setup_host_$m2 h2 failed"; return 1; }
    local csum_note=""
    if [[ $m1 != "$m2" && $DATAPLANE_JSON == *'"udpTunnelGso":false'* ]]; then
        # Without the UDP-tunnel TAP, a kernel VTEP facing a userspace one must finish inner checksums
        # (see rig_host_tx_csum). With it (the default) the kernel host keeps its offloads.
        [[ $m1 == kernel ]] && rig_host_tx_csum h1 off
        [[ $m2 == kernel ]] && rig_host_tx_csum h2 off
        csum_note="kernel host underlay tx checksum offload off"
    fi
    rig_wait_ping a "${EP_IP[b]}" 20 || { FAIL_REASON="a cannot ping b"; return 1; }
    rig_iperf_server b 5201 || { FAIL_REASON="iperf3 server did not start"; return 1; }

    # Not $(...): a command substitution would hold a Ctrl-C back until the run ends.
    local tcp1 tcp4 udp rtt
    log "$name: TCP 1 stream, ${DURATION}s"
    local d0 d1 perf_pid=""; d0=$(daemon_ticks)
    if [[ -n ${PROFILE_DIR:-} ]]; then
        mkdir -p "$PROFILE_DIR"
        perf record -a -g -F 499 -o "$PROFILE_DIR/$row.data" -- sleep "$DURATION" >/dev/null 2>&1 &
        perf_pid=$!
    fi
    measure_iperf tcp1 >"$RIG_DIR/r-tcp1" || { FAIL_REASON="iperf3 tcp1 failed"; return 1; }
    d1=$(daemon_ticks)
    [[ -n $perf_pid ]] && wait "$perf_pid"
    local daemon_cpu; daemon_cpu=$(python3 -c "import sys; print(($d1 - $d0) / $(getconf CLK_TCK))")
    log "$name: TCP 4 streams, ${DURATION}s"
    measure_iperf tcp4 -P 4 >"$RIG_DIR/r-tcp4" || { FAIL_REASON="iperf3 tcp4 failed"; return 1; }
    log "$name: UDP 64 B, ${DURATION}s"
    measure_iperf udp64 -u -l 64 -b 0 >"$RIG_DIR/r-udp64" || { FAIL_REASON="iperf3 udp64 failed"; return 1; }
    log "$name: ping x$PINGS"
    measure_ping >"$RIG_DIR/r-ping" || { FAIL_REASON="ping failed"; return 1; }
    tcp1=$(<"$RIG_DIR/r-tcp1"); tcp4=$(<"$RIG_DIR/r-tcp4")
    udp=$(<"$RIG_DIR/r-udp64"); rtt=$(<"$RIG_DIR/r-ping")

    emit "$(python3 - "$name" "$RIG_UNDERLAY_MTU" "$tcp1" "$tcp4" "$udp" "$rtt" "$FAMILY" "$idle" "$csum_note" "$daemon_cpu" <<'PY'
import json, sys
name, mtu = sys.argv[1], int(sys.argv[2])
t1, t4, u, r = (list(map(float, a.split())) for a in sys.argv[3:7])
def per_gb(cpu, nbytes): return round(cpu / (nbytes / 1e9), 3) if nbytes else None
print(json.dumps({
    "row": name,
    "tcp1_gbps": round(t1[0] / 1e9, 2),
    "tcp4_gbps": round(t4[0] / 1e9, 2),
    "udp64_pps": round(u[3] / u[2]),
    "udp64_sent_mbps": round(u[0] / 1e6, 1),
    "rtt_avg_ms": round(r[0], 4),
    "rtt_p99_ms": round(r[1], 4),
    "ping_loss_pct": round(r[2], 2),
    "cpu_s_per_gb_tcp1": per_gb(t1[4], t1[1]),
    "sys_softirq_s_per_gb_tcp1": per_gb(t1[5], t1[1]),
    "cpu_s_per_gb_tcp4": per_gb(t4[4], t4[1]),
    "daemon_cpu_s_per_gb_tcp1": per_gb(float(sys.argv[10]), t1[1]) if float(sys.argv[10]) > 0 else None,
    "underlay_mtu": mtu,
    "underlay_family": "ipv" + sys.argv[7],
    "idle_pct_before": int(sys.argv[8]),
    **({"note": sys.argv[9]} if sys.argv[9] else {}),
}))
PY
)"
    rig_cleanup
}

# ---- main -----------------------------------------------------------------------------------

ROWS=()
OUT_FILE=""
while (($#)); do
    case "$1" in
        -o) OUT_FILE="$2"; shift 2 ;;
        -t) DURATION="$2"; shift 2 ;;
        all) ROWS+=(kernel overlayd mixed "${OFFLOAD_ROWS[@]}" "${WORKER_ROWS[@]}"); shift ;;
        kernel|overlayd|mixed|no-tunnel-gso|no-tso|no-tap-offloads|no-udp-gso|no-udp-gro|no-offloads|workers2|pinned2) ROWS+=("$1"); shift ;;
        "kernel<->kernel") ROWS+=(kernel); shift ;;
        "overlayd<->overlayd") ROWS+=(overlayd); shift ;;
        "overlayd<->kernel") ROWS+=(mixed); shift ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (rows: kernel overlayd mixed ${OFFLOAD_ROWS[*]} ${WORKER_ROWS[*]} all)" >&2; exit 2 ;;
    esac
done
((${#ROWS[@]})) || ROWS=(kernel)
command -v iperf3 >/dev/null && command -v ping >/dev/null ||
    { echo "iperf3/ping missing: run scripts/install-deps.sh" >&2; exit 1; }

status=0
for r in "${ROWS[@]}"; do
    FAIL_REASON="unknown error"
    if ! run_row "$r"; then
        log "$(row_name "$r") FAILED: $FAIL_REASON"
        for f in "$RIG_DIR"/overlayd-*.log; do
            [[ -s $f ]] && { log "last lines of $(basename "$f"):"; tail -n 30 "$f" | sed 's/^/    /' >&2; }
        done
        emit "$(python3 -c 'import json,sys; print(json.dumps({"row":sys.argv[1],"failed":sys.argv[2]}))' "$(row_name "$r")" "$FAIL_REASON")"
        rig_cleanup
        status=1
    fi
done
exit $status
