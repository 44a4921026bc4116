#!/usr/bin/env bash
# run-tests.sh: run every test project of Overlay.sln (already built, Release), sum the TRX
# results per project and overall, and end with the line "N passed, N failed[, N skipped]".
# Exit status is non-zero when a test failed, no test ran, the test run itself errored, or a
# test left a network namespace (ovl*) behind; such leftovers are listed, deleted and counted
# as one failure.
#
# Environment: CONFIG (Release), TEST_FILTER (dotnet test --filter), TEST_HANG_TIMEOUT (10m:
# a test host hung that long is killed and counted as failed), RESULTS_DIR.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
: "${CONFIG:=Release}"
: "${TEST_HANG_TIMEOUT:=10m}"
: "${RESULTS_DIR:=.out/test-results}"
NS_PATTERN='^ovl'                  # rig prefixes: ovlXXXX- (netns-lib.sh), ovlt- (C# tests)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

list_ns() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "$NS_PATTERN" | sort || true; }

# Namespaces that already exist are someone else's (a concurrent run); only new ones count.
ns_before=$(list_ns)

rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"

args=(test Overlay.sln -c "$CONFIG" --no-build
      --logger "trx;LogFilePrefix=r" --results-directory "$RESULTS_DIR"
      --blame-hang-timeout "$TEST_HANG_TIMEOUT" --blame-hang-dump-type none)
[[ -n ${TEST_FILTER:-} ]] && args+=(--filter "$TEST_FILTER")
echo "+ dotnet ${args[*]}"
dotnet "${args[@]}" </dev/null
test_rc=$?

leftover=$(comm -13 <(echo "$ns_before") <(list_ns) | grep . || true)
if [[ -n $leftover ]]; then
    echo "LEFTOVER network namespaces after the tests (deleting them):"
    while read -r ns; do
        echo "  $ns"
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
    done <<<"$leftover"
fi

python3 - "$RESULTS_DIR" "$test_rc" "$([[ -n $leftover ]] && echo 1 || echo 0)" <<'PY'
import glob, os, sys
import xml.etree.ElementTree as ET

results_dir, test_rc, leftover = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
projects = {}   # project -> [passed, failed, skipped, seconds]

def project_of(storage, fallback):
    name = os.path.basename(storage or "") or fallback
    return name[:-4] if name.lower().endswith((".dll", ".exe")) else name

files = sorted(glob.glob(os.path.join(results_dir, "**", "*.trx"), recursive=True))
for path in files:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        print(f"  {os.path.basename(path)}: unreadable TRX ({e})")
        projects.setdefault(os.path.basename(path), [0, 1, 0, 0.0])
        continue
    # TestMethod/@codeBase keeps the assembly path's case (UnitTest/@storage is lower-cased).
    storage = {}
    for t in root.iter(NS + "UnitTest"):
        m = t.find(NS + "TestMethod")
        storage[t.get("id")] = (m.get("codeBase") if m is not None else None) or t.get("storage")
    fallback = os.path.basename(path)
    for r in root.iter(NS + "UnitTestResult"):
        if r.find(NS + "InnerResults") is not None:   # data-driven parent row: children count
            continue
        p = projects.setdefault(project_of(storage.get(r.get("testId")), fallback), [0, 0, 0, 0.0])
        outcome = r.get("outcome", "")
        if outcome == "Passed":
            p[0] += 1
        elif outcome in ("NotExecuted", "Inconclusive", "Pending", "Disconnected", "Warning"):
            p[2] += 1
        else:                                           # Failed, Error, Timeout, Aborted, ...
            p[1] += 1
        d = r.get("duration")
        if d:
            h, m, s = d.split(":")
            p[3] += int(h) * 3600 + int(m) * 60 + float(s)

passed = failed = skipped = 0
for name in sorted(projects):
    p, f, s, secs = projects[name]
    passed, failed, skipped = passed + p, failed + f, skipped + s
    line = f"  {name}: {p} passed, {f} failed"
    print(line + (f", {s} skipped" if s else "") + f" ({secs:.1f} s)")

problems = []
if test_rc != 0 and failed == 0:
    problems.append(f"dotnet test exited {test_rc} without a failed test (crash, hang or build output missing)")
    failed += 1
if leftover:
    problems.append("tests left network namespaces behind")
    failed += 1
if passed + failed == 0:
    problems.append(f"no test ran ({len(files)} TRX files in {results_dir})")
for p in problems:
    print(f"ERROR: {p}")

print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed or passed == 0 else 0)
PY
