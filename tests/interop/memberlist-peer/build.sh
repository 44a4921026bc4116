#!/usr/bin/env bash
# Builds bin/memberlist-peer from Debian's hashicorp/memberlist (0.2.x) without any network but
# Debian's package registry: GOPATH mode, GO111MODULE=off, GOPROXY=off. Installs the Debian
# packages when they are missing. The peer is built against a private copy of the memberlist
# package with inject/zz_overlay_dump.go added, so -dump can call memberlist's unexported encoders.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=/usr/share/gocode/src/github.com/hashicorp/memberlist

missing=()
command -v go >/dev/null 2>&1 || missing+=(golang-go)
[[ -f $src/memberlist.go ]] || missing+=(golang-github-hashicorp-memberlist-dev)
if ((${#missing[@]})); then
    echo "memberlist-peer: installing ${missing[*]}"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    fi
fi

work=$here/build
rm -rf "$work/src"
mkdir -p "$work/src/github.com/hashicorp" "$work/src/overlay-memberlist-peer" "$here/bin"
cp -r "$src" "$work/src/github.com/hashicorp/memberlist"
chmod -R u+w "$work/src"
rm -f "$work/src/github.com/hashicorp/memberlist/"*_test.go
cp "$here/inject/"*.go "$work/src/github.com/hashicorp/memberlist/"
cp "$here/main.go" "$here/labeltransport.go" "$work/src/overlay-memberlist-peer/"

export GO111MODULE=off GOFLAGS= GOPROXY=off GOSUMDB=off GOTOOLCHAIN=local
export GOPATH="$work:/usr/share/gocode" GOCACHE="$work/cache"
go build -o "$here/bin/memberlist-peer" overlay-memberlist-peer
echo "memberlist-peer: built $here/bin/memberlist-peer ($(go version | awk '{print $3}'))"
