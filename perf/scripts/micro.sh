#!/usr/bin/env bash
# micro.sh: runs the BenchmarkDotNet suite (ns per packet, bytes allocated) and collects the GitHub-markdown
# reports into perf/results/<date>-micro.md. Extra arguments go to BenchmarkDotNet (default: --filter '*').
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ART="$ROOT/.out/bdn"
OUT="$ROOT/perf/results/$(date +%Y-%m-%d)-micro.md"
rm -rf "$ART"
args=("$@"); ((${#args[@]})) || args=(--filter '*')
dotnet run -c Release --project "$ROOT/perf/Overlay.Benchmarks" -- --artifacts "$ART" "${args[@]}"
{
    echo "Machine: $(nproc) CPUs ($(lscpu | sed -n 's/^Model name: *//p')), $(uname -r), .NET $(dotnet --version)."
    echo
    for f in "$ART"/results/*-report-github.md; do
        # the table only, as plain text (BenchmarkDotNet escapes quotes and bolds parameter rows)
        sed -n '/^|/,$p' "$f" | sed -e "s/&#39;//g" -e 's/[*][*]//g'
        echo
    done
} >"$OUT"
echo "written: ${OUT#"$ROOT"/}"
