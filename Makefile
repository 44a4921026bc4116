# Overlay: build, test, demo and bench entry points. Everything runs as root on Linux (netns).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.NOTPARALLEL:
.DEFAULT_GOAL := build

SLN    := Overlay.sln
CONFIG ?= Release

export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

.PHONY: build deps test interop demo bench clean

build:
	dotnet build -c $(CONFIG) $(SLN) -v:minimal -nologo

deps:
	scripts/install-deps.sh

test: deps build interop
	CONFIG=$(CONFIG) scripts/run-tests.sh

# The Go memberlist peer the gossip interop tests talk to (Debian's golang-go and memberlist, built offline).
interop:
	tests/interop/memberlist-peer/build.sh

demo: deps build
	scripts/demo.sh

bench: deps build
	perf/scripts/bench.sh
	perf/scripts/micro.sh
	perf/scripts/update-readme.py

clean:
	find dataplane controlplane tests perf -type d \( -name bin -o -name obj -o -name BenchmarkDotNet.Artifacts \) -prune -exec rm -rf {} + 2>/dev/null || true
	rm -rf .out BenchmarkDotNet.Artifacts TestResults
