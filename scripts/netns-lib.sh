# shellcheck shell=bash
# netns-lib.sh: build throw-away network-namespace rigs for Overlay tests and benches.
#
# Source it, then call rig_init once. Every namespace it makes is named "<prefix><name>" with a
# per-rig random prefix (ovlXXXX-), so rigs may run in parallel; rig_cleanup (installed on
# EXIT/INT/TERM by rig_init) kills what runs in them and deletes them all.
#
# Topology: one "switch" namespace holds a linux bridge (sw0) with one veth port per host, so
# 2..N hosts share a single L2 underlay. Host i has ul0 = 198.18.0.<i>/24 (and 2001:2::<i>/64 when
# RIG_UNDERLAY_V6=1). Endpoints are namespaces hanging off a host: for a kernel VTEP a veth
# eth0 <-> ep-<name> into the host's br0, which also holds the kernel vxlan device vx<vni>.
# Overlay addresses live in 198.19.0.0/16; nothing here ever routes outside the rig.
#
#   source scripts/netns-lib.sh
#   rig_init
#   rig_underlay_init
#   rig_host_add h1 1; rig_host_add h2 2
#   rig_vxlan_add h1 42 "$(rig_host_ip 1)" nolearning "$(rig_host_ip 2)"
#   rig_endpoint_add_kernel h1 a 42 198.19.0.1/24 02:00:00:00:00:01
#   ...
#   rig_wait_ping a 198.19.0.2

# Tunables (override before rig_init).
: "${RIG_UNDERLAY_MTU:=1500}"     # MTU of the underlay veths and the switch bridge
: "${RIG_UNDERLAY_V6:=0}"         # 1: also give hosts 2001:2::<i>/64 (nodad)
: "${RIG_VXLAN_OVERHEAD:=50}"     # outer Ethernet-less IPv4+UDP+VXLAN+inner Ethernet
: "${RIG_KEEP:=0}"                # 1: do not tear down (debugging); prints the prefix instead
: "${RIG_PREFIX_BASE:=ovl}"       # run-tests.sh looks for leftovers starting with "ovl"

RIG_PREFIX=""
RIG_DIR=""
RIG_SWITCH=""
RIG_CLEANED=0

rig_log() { printf '[rig %s] %s\n' "${RIG_PREFIX:-?}" "$*" >&2; }
rig_die() { rig_log "ERROR: $*"; exit 1; }

# rig_init [PREFIX]: choose a unique prefix, make the work dir, install the cleanup traps.
rig_init() {
    [[ $(id -u) -eq 0 ]] || rig_die "rigs need root (netns, veth)"
    local p="${1:-}"
    if [[ -z $p ]]; then
        local r
        while :; do
            r=$(od -An -N2 -tx2 /dev/urandom | tr -d ' \n')
            p="${RIG_PREFIX_BASE}${r}-"
            ip netns list | grep -q "^${p}" || break
        done
    fi
    RIG_PREFIX="$p"
    RIG_DIR=$(mktemp -d "/tmp/${RIG_PREFIX}XXXX")
    RIG_CLEANED=0
    trap 'rig_cleanup' EXIT
    trap 'rig_log "interrupted"; rig_cleanup; trap - INT; exit 130' INT
    trap 'rig_log "terminated"; rig_cleanup; trap - TERM; exit 143' TERM
    rig_log "work dir $RIG_DIR"
}

# rig_ns NAME: print the full namespace name for a short name.
rig_ns() { printf '%s%s' "$RIG_PREFIX" "$1"; }

# rig_exec NAME CMD...: run CMD inside the rig namespace NAME.
rig_exec() { local n="$1"; shift; ip netns exec "$(rig_ns "$n")" "$@"; }

# rig_ns_add NAME: create namespace NAME with loopback up.
rig_ns_add() {
    local ns; ns=$(rig_ns "$1")
    ip netns add "$ns"
    ip -n "$ns" link set lo up
}

# rig_host_ip I [4|6]: the underlay address of host index I.
rig_host_ip() {
    if [[ ${2:-4} == 6 ]]; then printf '2001:2::%s' "$1"; else printf '198.18.0.%s' "$1"; fi
}

# rig_endpoint_mtu: MTU an endpoint interface gets so encapsulated frames fit the underlay.
rig_endpoint_mtu() { echo $((RIG_UNDERLAY_MTU - RIG_VXLAN_OVERHEAD)); }

# rig_underlay_init: create the switch namespace and its bridge sw0.
rig_underlay_init() {
    RIG_SWITCH=sw
    rig_ns_add "$RIG_SWITCH"
    local ns; ns=$(rig_ns "$RIG_SWITCH")
    ip -n "$ns" link add sw0 type bridge
    ip -n "$ns" link set sw0 mtu "$RIG_UNDERLAY_MTU" up
}

# rig_host_add NAME I: host namespace NAME plugged into the switch as 198.18.0.<I>.
rig_host_add() {
    local name="$1" i="$2"
    [[ -n $RIG_SWITCH ]] || rig_die "rig_underlay_init first"
    rig_ns_add "$name"
    local hns sns; hns=$(rig_ns "$name"); sns=$(rig_ns "$RIG_SWITCH")
    ip -n "$hns" link add ul0 mtu "$RIG_UNDERLAY_MTU" type veth peer name "p$i" netns "$sns" mtu "$RIG_UNDERLAY_MTU"
    ip -n "$sns" link set "p$i" master sw0 up
    ip -n "$hns" addr add "$(rig_host_ip "$i")/24" dev ul0
    if [[ $RIG_UNDERLAY_V6 == 1 ]]; then
        ip -n "$hns" addr add "$(rig_host_ip "$i" 6)/64" dev ul0 nodad
    fi
    ip -n "$hns" link set ul0 up
}

# rig_host_tx_csum HOST on|off: checksum offload of HOST's underlay veth. Needed "off" on a
# kernel-VXLAN host that talks to a userspace VTEP reading a UDP socket (overlayd with
# dataplane.udpTunnelGso off): over veth the kernel leaves the INNER TCP/UDP checksum partial (a real
# NIC would fill it in), and a UDP socket hands that unfinished checksum to userspace, so the far
# endpoint drops every TCP segment while ping still works. overlayd's UDP-tunnel TAP sees the
# checksum state in the virtio header and needs nothing.
rig_host_tx_csum() {
    ip netns exec "$(rig_ns "$1")" ethtool -K ul0 tx "$2" >/dev/null
}

# rig_host_bridge HOST: ensure br0 exists and is up in HOST (MTU of the endpoints).
rig_host_bridge() {
    local hns; hns=$(rig_ns "$1")
    if ! ip -n "$hns" link show br0 >/dev/null 2>&1; then
        ip -n "$hns" link add br0 type bridge
        ip -n "$hns" link set br0 mtu "$(rig_endpoint_mtu)" up
    fi
}

# rig_vxlan_add HOST VNI LOCAL learning|nolearning [REMOTE...]: kernel VTEP vx<VNI> in br0,
# flooding BUM traffic (and unknown unicast) to every REMOTE by head-end replication.
rig_vxlan_add() {
    local host="$1" vni="$2" local_ip="$3" learn="$4"; shift 4
    local hns; hns=$(rig_ns "$host")
    rig_host_bridge "$host"
    ip -n "$hns" link add "vx$vni" type vxlan id "$vni" local "$local_ip" dstport 4789 "$learn"
    ip -n "$hns" link set "vx$vni" mtu "$(rig_endpoint_mtu)" master br0 up
    rig_fdb_flood "$host" "$vni" "$@"
}

# rig_fdb_flood HOST VNI REMOTE...: add head-end replication entries to vx<VNI>.
rig_fdb_flood() {
    local host="$1" vni="$2"; shift 2
    local hns r; hns=$(rig_ns "$host")
    for r in "$@"; do
        bridge -n "$hns" fdb append 00:00:00:00:00:00 dev "vx$vni" dst "$r"
    done
}

# rig_endpoint_ns EP: create an empty endpoint namespace (overlayd puts its TAP there itself).
rig_endpoint_ns() { rig_ns_add "$1"; }

# rig_endpoint_add_kernel HOST EP ADDR/LEN [MAC]: endpoint namespace EP with eth0, a veth into
# HOST's br0 (which must hold the VTEP, see rig_vxlan_add).
rig_endpoint_add_kernel() {
    local host="$1" ep="$2" addr="$3" mac="${4:-}"
    local hns ens mtu; hns=$(rig_ns "$host"); ens=$(rig_ns "$ep"); mtu=$(rig_endpoint_mtu)
    rig_ns_add "$ep"
    rig_host_bridge "$host"
    ip -n "$ens" link add eth0 mtu "$mtu" type veth peer name "ep-$ep" netns "$hns" mtu "$mtu"
    [[ -n $mac ]] && ip -n "$ens" link set eth0 address "$mac"
    ip -n "$ens" addr add "$addr" dev eth0
    ip -n "$ens" link set eth0 up
    ip -n "$hns" link set "ep-$ep" master br0 up
}

# rig_wait_addr NS ADDR [TIMEOUT_S]: wait until ADDR (no /len) is configured and not tentative.
rig_wait_addr() {
    local n="$1" a="$2" t="${3:-10}" deadline
    deadline=$((SECONDS + t))
    while ((SECONDS < deadline)); do
        if rig_exec "$n" ip -o addr show 2>/dev/null | grep -v tentative | grep -qE "inet6? ${a}/"; then
            return 0
        fi
        sleep 0.1
    done
    rig_log "timeout: $a not configured in $n after ${t}s"
    return 1
}

# rig_wait_ping NS ADDR [TIMEOUT_S]: wait until ADDR answers a ping from NS.
rig_wait_ping() {
    local n="$1" a="$2" t="${3:-10}" deadline
    deadline=$((SECONDS + t))
    while ((SECONDS < deadline)); do
        rig_exec "$n" ping -c 1 -W 1 -q "$a" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    rig_log "timeout: $a does not answer from $n after ${t}s"
    return 1
}

# rig_wait_port NS PORT [TIMEOUT_S]: wait until something listens on TCP PORT in NS.
rig_wait_port() {
    local n="$1" p="$2" t="${3:-10}" deadline
    deadline=$((SECONDS + t))
    while ((SECONDS < deadline)); do
        rig_exec "$n" ss -Hltn "sport = :$p" 2>/dev/null | grep -q . && return 0
        sleep 0.05
    done
    rig_log "timeout: nothing listens on $p in $n after ${t}s"
    return 1
}

# rig_bg NS TAG CMD...: start CMD in NS in the background; pid in $RIG_DIR/TAG.pid, output in
# $RIG_DIR/TAG.log. rig_cleanup kills it.
rig_bg() {
    local n="$1" tag="$2"; shift 2
    ip netns exec "$(rig_ns "$n")" "$@" >"$RIG_DIR/$tag.log" 2>&1 </dev/null &
    echo $! >"$RIG_DIR/$tag.pid"
}

# rig_stop TAG: stop a process started by rig_bg (TERM, then KILL after 5 s).
rig_stop() {
    local f="$RIG_DIR/$1.pid" pid i
    [[ -f $f ]] || return 0
    pid=$(<"$f")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    rm -f "$f"
}

# rig_fg OUTFILE NS CMD...: run CMD in NS into OUTFILE in the background and wait for it, so a
# Ctrl-C reaches the traps at once instead of after CMD finishes. Returns CMD's status.
rig_fg() {
    local out="$1" n="$2"; shift 2
    ip netns exec "$(rig_ns "$n")" "$@" >"$out" 2>"$out.err" </dev/null &
    local pid=$!
    wait "$pid"
}

# rig_iperf_server NS [PORT]: start iperf3 -s in NS (tag iperf-NS-PORT) and wait for it.
rig_iperf_server() {
    local n="$1" p="${2:-5201}"
    rig_bg "$n" "iperf-$n-$p" iperf3 -s -p "$p"
    rig_wait_port "$n" "$p" 10
}

# rig_iperf_client OUTFILE NS SERVER SECONDS [IPERF_ARGS...]: iperf3 -J client with a hard
# timeout of SECONDS+20. The JSON lands in OUTFILE.
rig_iperf_client() {
    local out="$1" n="$2" srv="$3" secs="$4"; shift 4
    rig_fg "$out" "$n" timeout -k 5 $((secs + 20)) iperf3 -J -c "$srv" -t "$secs" "$@"
}

# rig_ns_pids_kill NS_FULLNAME: kill every process inside a namespace (full name).
rig_ns_pids_kill() {
    local ns="$1" pids
    pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
    [[ -n ${pids// } ]] || return 0
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    sleep 0.2
    pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
    # shellcheck disable=SC2086
    [[ -n ${pids// } ]] && kill -KILL $pids 2>/dev/null || true
}

# rig_delete_prefix PREFIX: kill the processes in and delete every namespace named PREFIX*.
# Prints the names it deleted. Used by rig_cleanup and by run-tests.sh for leftovers.
rig_delete_prefix() {
    local prefix="$1" ns
    for ns in $(ip netns list | awk '{print $1}' | grep "^${prefix}" || true); do
        rig_ns_pids_kill "$ns"
        ip netns del "$ns" 2>/dev/null || true
        echo "$ns"
    done
}

# rig_cleanup: stop rig_bg processes, delete every namespace of this rig, remove the work dir.
# Idempotent; installed on EXIT/INT/TERM by rig_init.
rig_cleanup() {
    ((RIG_CLEANED)) && return 0
    RIG_CLEANED=1
    [[ -n $RIG_PREFIX ]] || return 0
    if [[ $RIG_KEEP == 1 ]]; then
        rig_log "RIG_KEEP=1: leaving namespaces ${RIG_PREFIX}* and $RIG_DIR"
        return 0
    fi
    local f
    if [[ -d $RIG_DIR ]]; then
        for f in "$RIG_DIR"/*.pid; do
            [[ -e $f ]] || continue
            kill -TERM "$(<"$f")" 2>/dev/null || true
        done
    fi
    rig_delete_prefix "$RIG_PREFIX" >/dev/null
    rm -f /run/overlay/"${RIG_PREFIX}"*.sock 2>/dev/null || true
    [[ -d $RIG_DIR ]] && rm -rf "$RIG_DIR"
    return 0
}
