#!/usr/bin/env bash
# profile.sh: where the CPU goes during one iperf3 TCP stream, machine wide, for each ROW (default: kernel
# overlayd). Runs kernel-baseline.sh with PROFILE_DIR (perf record -a -g during the TCP 1-stream run; overlayd
# with DOTNET_PerfMapEnabled so its JIT frames have names) and writes perf/results/<date>-profile.md: the share
# of samples per thread, the top symbols of the VTEP threads, and the syscalls they spend in.
#
#   perf/scripts/profile.sh [ROW...] [-t SECONDS]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
command -v perf >/dev/null || { echo "perf is missing (apt-get install linux-perf)" >&2; exit 1; }
ROWS=()
ARGS=()
while (($#)); do
    case "$1" in
        -t) ARGS+=(-t "$2"); shift 2 ;;
        *) ROWS+=("$1"); shift ;;
    esac
done
((${#ROWS[@]})) || ROWS=(kernel overlayd)
DATA=$(mktemp -d /tmp/ovl-profile.XXXXXX)
trap 'rm -rf "$DATA"' EXIT
OUT="$ROOT/perf/results/$(date +%Y-%m-%d)-profile.md"
PROFILE_DIR="$DATA" bash "$ROOT/perf/scripts/kernel-baseline.sh" "${ROWS[@]}" "${ARGS[@]}" -o "$DATA/rows.jsonl" >/dev/null

report() { perf report -i "$1" --no-children --stdio -g none --percent-limit "$3" "${@:4}" --sort "$2" 2>/dev/null | grep -v '^#' | grep -v '^$' || true; }
{
    echo "# Where the time goes: one iperf3 TCP stream, $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "Machine-wide \`perf record -a -g -F 499\` during each row's TCP 1-stream run of \`kernel-baseline.sh\`"
    echo "(same rig as the netns table). Percentages are of all samples on both CPUs; \`swapper\` is idle time."
    echo "Reproduce: \`perf/scripts/profile.sh ${ROWS[*]}\`."
    echo
    mapfile -t LINES <"$DATA/rows.jsonl"
    for i in "${!ROWS[@]}"; do
        key=${ROWS[$i]}
        line=${LINES[$i]:-'{}'}
        row=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get("row", sys.argv[2]))' "$line" "$key")
        gbps=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get("tcp1_gbps", "-"))' "$line")
        f="$DATA/$key.data"
        [[ -f $f ]] || continue
        echo "## $row: $gbps Gbit/s"
        echo
        echo "Samples by thread (comm):"
        echo '```'
        report "$f" comm 1
        echo '```'
        echo
        echo "Top symbols, all threads (kernel [k] and user [.]):"
        echo '```'
        report "$f" comm,sym 0.8 | head -40
        echo '```'
        echo
        if [[ $key != kernel ]]; then
            echo "overlayd switch threads: time inside each system call and kernel path (children included):"
            echo '```'
            perf report -i "$f" --children --comms "$(perf report -i "$f" --stdio --sort comm -g none 2>/dev/null | grep -o 'overlay-switch[0-9]*' | sort -u | paste -sd,)" \
                --stdio -g none --sort sym 2>/dev/null | grep -E '__x64_sys_|tun_get_user|tun_do_read|udp_sendmsg|udp_recvmsg|_copy_(to|from)_iter|tcp_v4_rcv|net_rx_action|schedule$' | head -20 || true
            echo '```'
            echo
        fi
    done
} >"$OUT"
echo "wrote ${OUT#"$ROOT"/}"
