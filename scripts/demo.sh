#!/usr/bin/env bash
# demo.sh: show an overlay working end to end.
# TODO(lead): this is a stub. It only builds the kernel-VXLAN rig (h1/h2, endpoints a/b, VNI 42)
# and pings across it. The real demo should run overlayd on both hosts (see setup_host_overlayd
# in perf/scripts/kernel-baseline.sh), show `overlayctl` output, and a third host joining.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=netns-lib.sh
source "$ROOT/scripts/netns-lib.sh"

rig_init
rig_underlay_init
rig_host_add h1 1
rig_host_add h2 2
rig_vxlan_add h1 42 "$(rig_host_ip 1)" nolearning "$(rig_host_ip 2)"
rig_vxlan_add h2 42 "$(rig_host_ip 2)" nolearning "$(rig_host_ip 1)"
rig_endpoint_add_kernel h1 a 198.19.0.1/24 02:00:00:00:00:01
rig_endpoint_add_kernel h2 b 198.19.0.2/24 02:00:00:00:00:02

echo "demo (kernel VXLAN stub): a=198.19.0.1 behind h1=198.18.0.1, b=198.19.0.2 behind h2=198.18.0.2, VNI 42"
rig_wait_ping a 198.19.0.2 10
rig_exec a ping -n -c 5 -i 0.2 198.19.0.2
echo "h1 forwarding database for vx42:"
rig_exec h1 bridge fdb show dev vx42
