#!/usr/bin/env python3
"""Puts the newest netns table and micro-benchmark summary from perf/results/ into README.md,
between the <!-- bench:begin --> and <!-- bench:end --> markers."""
import glob, os, re, sys

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
results = os.path.join(root, "perf", "results")

def newest(pattern):
    files = sorted(glob.glob(os.path.join(results, pattern)))
    return files[-1] if files else None

parts = []
netns = newest("*-netns.md")
if netns:
    text = open(netns).read().strip()
    text = re.sub(r"^# ", "#### ", text, flags=re.M)
    parts.append(text + f"\n\n(from `perf/results/{os.path.basename(netns)}`)")
micro = newest("*-micro.md")
if micro:
    parts.append("#### Micro-benchmarks (BenchmarkDotNet)\n\n" + open(micro).read().strip() +
                 f"\n\n(from `perf/results/{os.path.basename(micro)}`)")
if not parts:
    sys.exit("update-readme: no results in perf/results")

readme = os.path.join(root, "README.md")
body = open(readme).read()
begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
if begin not in body or end not in body:
    sys.exit("update-readme: README.md lacks the bench markers")
head, rest = body.split(begin, 1)
_, tail = rest.split(end, 1)
open(readme, "w").write(head + begin + "\n" + "\n\n".join(parts) + "\n" + end + tail)
print("README.md performance section updated")
