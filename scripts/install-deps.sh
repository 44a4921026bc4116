#!/usr/bin/env bash
# Installs the Debian packages the rigs, tests and benches need. Idempotent: runs apt only when
# something is missing. Needs root (CI and the dev machines run as root).
set -euo pipefail

# Debian package -> a command that proves it is installed (checked with dpkg first).
PACKAGES=(iperf3 tshark tcpdump socat iproute2 nftables ethtool procps iputils-ping jq)
# Go is needed later for the wireguard-go / nebula comparison rigs; set GO_PACKAGES=golang-go then.
GO_PACKAGES="${GO_PACKAGES:-}"
# shellcheck disable=SC2206
PACKAGES+=($GO_PACKAGES)

log() { printf 'install-deps: %s\n' "$*" >&2; }

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'; }

missing=()
for p in "${PACKAGES[@]}"; do
    installed "$p" || missing+=("$p")
done

if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        log "missing packages: ${missing[*]}; run as root to install them"
        exit 1
    fi
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # tshark asks whether non-root users may capture; answer before apt asks.
    echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
    apt-get update -q </dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
else
    log "all packages present"
fi

if ! command -v dotnet >/dev/null 2>&1; then
    log "ERROR: 'dotnet' not found on PATH; the .NET 10 SDK must be installed (see global.json)"
    exit 1
fi
if ! ver=$(dotnet --version 2>&1); then
    log "ERROR: 'dotnet --version' failed: $ver"
    log "       (global.json asks for SDK $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$(dirname "$0")/../global.json" 2>/dev/null))"
    exit 1
fi
log "dotnet SDK $ver"
