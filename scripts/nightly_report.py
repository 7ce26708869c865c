#!/usr/bin/env python3
"""Turns a nightly regression directory (scripts/nightly.sh) into a Markdown report: one row per
configuration and seed (tests, failures, functional coverage, time), then every failure with its
message, which names the first mismatch and the command that reproduces it."""
import csv
import json
import os
import sys
import xml.etree.ElementTree as ET

out = sys.argv[1]
rows, failures = [], []
with open(os.path.join(out, "runs.tsv")) as f:
    for run in csv.DictReader(f, delimiter="\t"):
        base = os.path.join(out, f"{run['config']}-seed{run['seed']}")
        tests = fails = skipped = 0
        try:
            root = ET.parse(base + ".results.xml").getroot()
            for case in root.iter("testcase"):
                tests += 1
                fail = case.find("failure")
                if case.find("skipped") is not None:
                    skipped += 1
                elif fail is not None:
                    fails += 1
                    failures.append((run["config"], run["seed"], case.get("name"), fail.get("message", "")))
        except (OSError, ET.ParseError):
            failures.append((run["config"], run["seed"], "(no results.xml)", f"see {run['log']}"))
        cov = "-"
        try:
            cov = f"{json.load(open(base + '.coverage.json'))['percent']:.1f}%"
        except (OSError, ValueError, KeyError):
            pass
        verdict = "PASS" if run["exit"] == "0" else "FAIL"
        rows.append(f"| {run['config']} | {run['seed']} | {verdict} | {tests} | {fails} | {skipped} | {cov} | {run['seconds']} |")

print(f"# Nightly regression: {os.path.basename(os.path.normpath(out))}\n")
print(f"{sum(1 for r in rows if '| PASS |' in r)} of {len(rows)} runs passed.\n")
print("| config | seed | verdict | tests | failed | skipped | functional coverage | seconds |")
print("|---|---|---|---|---|---|---|---|")
print("\n".join(rows))
if failures:
    print("\n## Failures\n")
    for cfg, seed, name, msg in failures:
        print(f"- **{cfg}, seed {seed}, {name}**: {msg}")

sweep = os.path.join(out, "synth", "sweep.rpt")
if os.path.exists(sweep):
    print("\n## Synthesis sweep (area and clock against array size)\n")
    print("Plot: `synth/area_scaling.svg`; per-size reports in `synth/<size>/`.\n")
    print("```")
    print(open(sweep).read().rstrip())
    print("```")
elif os.path.exists(os.path.join(out, "synth.log")):
    print("\n## Synthesis sweep FAILED\n")
    print(f"See `{os.path.join(out, 'synth.log')}`.")
