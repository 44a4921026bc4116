#!/usr/bin/env bash
# bench.sh: run every netns row (kernel<->kernel, overlayd<->overlayd, overlayd<->kernel) and
# render a markdown table into perf/results/<date>-netns.md (raw rows beside it as .jsonl).
# Rows that cannot run (no overlayd build yet) show as skipped. Extra arguments go to
# kernel-baseline.sh (e.g. -t 5).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RESULTS="$ROOT/perf/results"
STAMP=$(date +%Y-%m-%d)
MD="$RESULTS/$STAMP-netns.md"
JSONL="$RESULTS/$STAMP-netns.jsonl"
mkdir -p "$RESULTS"
: >"$JSONL"

status=0
bash "$ROOT/perf/scripts/kernel-baseline.sh" all -o "$JSONL" "$@" >/dev/null || status=$?

python3 - "$JSONL" "$MD" <<'PY'
import json, os, platform, subprocess, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
base = next((r for r in rows if r["row"] == "kernel<->kernel" and "skipped" not in r), None)

def ratio(r, key):
    if not base or not base.get(key) or r.get(key) is None:
        return ""
    return f" ({r[key] / base[key]:.2f}x)"

def cell(r, key, fmt):
    return fmt.format(r[key]) + ratio(r, key) if r.get(key) is not None else "-"

def sh(cmd):
    try: return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception: return "?"

cpu = sh("lscpu | sed -n 's/^Model name: *//p'")
out = []
out.append(f"# netns VXLAN throughput, {sh('date -u +%Y-%m-%dT%H:%MZ')}\n")
out.append(f"Machine: {os.cpu_count()} CPUs ({cpu}), Linux {platform.release()}, "
           f"{sh('iperf3 --version | head -1')}. Two host namespaces on one bridged underlay "
           f"(MTU {rows[0].get('underlay_mtu', 1500) if rows else '?'}), one endpoint each, VNI 42, "
           "iperf3 endpoint a -> endpoint b. Ratios are to the kernel<->kernel row.\n")
out.append("| row | TCP 1 stream Gbit/s | TCP 4 streams Gbit/s | UDP 64 B kpps rx | RTT avg ms | RTT p99 ms | machine CPU s/GB (TCP 1) | daemon CPU s/GB (TCP 1) |")
out.append("|---|---|---|---|---|---|---|---|")
for r in rows:
    if "skipped" in r or "failed" in r:
        why = "skipped: " + r["skipped"] if "skipped" in r else "FAILED: " + r["failed"]
        out.append(f"| {r['row']} | {why} | | | | | | |")
        continue
    kpps = dict(r, udp64_kpps=r["udp64_pps"] / 1000)
    if base: base.setdefault("udp64_kpps", base["udp64_pps"] / 1000)
    out.append("| " + " | ".join([
        r["row"],
        cell(r, "tcp1_gbps", "{:.2f}"),
        cell(r, "tcp4_gbps", "{:.2f}"),
        cell(kpps, "udp64_kpps", "{:.0f}"),
        cell(r, "rtt_avg_ms", "{:.3f}"),
        cell(r, "rtt_p99_ms", "{:.3f}"),
        cell(r, "cpu_s_per_gb_tcp1", "{:.2f}"),
        "{:.2f}".format(r["daemon_cpu_s_per_gb_tcp1"]) if r.get("daemon_cpu_s_per_gb_tcp1") else "-",
    ]) + " |")
for r in rows:
    if r.get("note"):
        out.append(f"\nNote on {r['row']}: {r['note']}.")
busy = [f"{r['row']} {r['idle_pct_before']}%" for r in rows if r.get("idle_pct_before", 100) < 90]
if busy:
    out.append("\n**Warning:** the machine was not idle before some rows (idle CPU: " + ", ".join(busy) +
               "); their figures are low and noisy.")
out.append("\nDaemon CPU s/GB is the user+system time of the overlayd processes during the TCP 1-stream run per GB received. "
           "Machine CPU s/GB counts all non-idle CPU time of the machine (user+system+irq+softirq) during "
           "the TCP 1-stream run, iperf3 included, divided by the bytes received.")
text = "\n".join(out) + "\n"
open(sys.argv[2], "w").write(text)
print(text)
PY
echo "written: ${MD#"$ROOT"/} (raw rows: ${JSONL#"$ROOT"/})"
exit $status
