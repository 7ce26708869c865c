#!/usr/bin/env python3
"""Simulation benchmark (issue 10): the model build and the simulation speed of one configuration,
from a new work directory, the suite run several times so that the figure is a median.

    scripts/bench_sim.py --config paper_64x64                 # the benchmark (make bench-sim, nightly)
    scripts/bench_sim.py --config default_8x8 --suite smoke --runs 2 --out /tmp/b

Run 1 is `qta verify --config CONFIG --suite SUITE --seed SEED --work OUT/work` in a new work
directory, with CCACHE_DISABLE=1 so that the build time is a clean build's (--keep-ccache lets
ccache serve it, for tests): it prints the build's wall time, CPU time and peak memory. OUT/work
is the script's own (marked with a .qta_bench_sim file): a previous run's is replaced, any other
existing directory there is refused. Runs 2..N run the same suite on the same model. Each run's per-test wall time and
simulated time come from its results.xml; cycles = simulated time / the bench's clock period.

Prints, per test, the cycles and the median, min and max cycles per second over the runs, then
the whole suite's, with the host's load average at the start of each run: the model's evaluation
streams its code from the shared L3 cache (docs/measurements.md), so another tenant on the host slows it,
and the median of several runs is the figure to quote.
Writes OUT/bench_sim.json. Exit 0; 1 if a run failed or (with --require N) the suite's median is
below N cycles/s; 2 on bad arguments.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

# The one reader of the bench's results.xml (regress/jobs.py, also used by qta regress).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "regress"))
import jobs  # noqa: E402


def die(msg, code=2):
    print(f"bench_sim: {msg}", file=sys.stderr)
    sys.exit(code)


def read_results(path):
    """Per-test (name, wall seconds, simulated ns) of a run's results.xml, skipped tests left out."""
    try:
        rows = jobs.read_results(path)
    except (OSError, ET.ParseError) as e:
        die(f"cannot read {path}: {e}", 1)
    return [(name, wall, sim_ns) for name, status, _, wall, sim_ns in rows if status != "skip"]


def run_verify(a, work, run):
    cmd = [a.qta, "verify", "--config", a.config, "--suite", a.suite, "--seed", str(a.seed), "--work", work]
    env = dict(os.environ)
    if run == 1 and not a.keep_ccache:
        env["CCACHE_DISABLE"] = "1"
    load = os.getloadavg()[0]
    t0 = time.monotonic()
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.monotonic() - t0
    with open(os.path.join(a.out, f"verify_run{run}.log"), "w") as f:
        f.write(p.stdout)
    return p, load, wall


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--qta", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "qta"))
    ap.add_argument("--config", default="paper_64x64", help="a named configuration or a JSON file")
    ap.add_argument("--suite", default="all")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3, help="runs of the suite (the first one builds the model)")
    ap.add_argument("--require", type=float, default=0,
                    help="exit 1 if the suite's median cycles/s is below this (0: report only)")
    ap.add_argument("--out", default="out/bench_sim")
    ap.add_argument("--keep-ccache", action="store_true",
                    help="let ccache serve the model build (tests): the build figure is then not a clean build's")
    a = ap.parse_args()
    if not 1 <= a.runs <= 50:
        die(f"--runs {a.runs}: valid is 1..50")
    if a.require < 0:
        die(f"--require {a.require}: valid is a cycles/s figure >= 0")
    if not os.access(a.qta, os.X_OK):
        die(f"--qta {a.qta}: not an executable (build it with make)")
    work = os.path.join(a.out, "work")
    marker = os.path.join(work, ".qta_bench_sim")
    if os.path.lexists(work):
        if not os.path.isfile(marker):
            die(f"{work} exists and is not this benchmark's work directory (no {marker}): "
                f"remove it or give another --out")
        shutil.rmtree(work)
    try:
        os.makedirs(work)
        open(marker, "w").close()
    except OSError as e:
        die(f"--out {a.out}: cannot create {work}: {e}")

    build = None
    period = None
    runs = []  # per run: {"load": .., "tests": {name: (cycles, wall)}}
    failed = False
    for i in range(a.runs):
        p, load, wall = run_verify(a, work, i + 1)
        if p.returncode == 2:
            sys.stdout.write(p.stdout)
            die(f"qta verify rejected the arguments (log: {a.out}/verify_run{i + 1}.log)")
        ok = p.returncode == 0
        failed |= not ok
        if i == 0:
            m = re.search(r"^model build: (\d+) s wall, (\d+) CPU-s, peak memory (\d+) MB", p.stdout, re.M)
            if not m:
                sys.stdout.write(p.stdout[-4000:])
                die(f"run 1 printed no model build line (log: {a.out}/verify_run1.log)", 1)
            build = {"wall_s": int(m.group(1)), "cpu_s": int(m.group(2)), "peak_mb": int(m.group(3))}
        m = re.search(r"^simulation speed \((\d+)x(\d+), clock period (\d+) ns\)", p.stdout, re.M)
        if not m:
            sys.stdout.write(p.stdout[-4000:])
            die(f"run {i + 1} printed no simulation speed table (log: {a.out}/verify_run{i + 1}.log)", 1)
        shape, period = f"{m.group(1)}x{m.group(2)}", int(m.group(3))
        tests = {name: (sim_ns / period, t) for name, t, sim_ns in read_results(os.path.join(work, "results.xml"))}
        runs.append({"load": round(load, 2), "wall_s": round(wall, 1), "passed": ok, "tests": tests})
        print(f"run {i + 1}/{a.runs}: {'passed' if ok else 'FAILED'}, {wall:.0f} s, load average {load:.2f}",
              flush=True)

    names = list(runs[0]["tests"])
    table = []
    for name in names + ["all"]:
        speeds = []
        cycles = 0
        for r in runs:
            if name == "all":
                cycles = sum(c for c, _ in r["tests"].values())
                secs = sum(t for _, t in r["tests"].values())
            elif name in r["tests"]:
                cycles, secs = r["tests"][name]
            else:
                continue
            if secs > 0:
                speeds.append(cycles / secs)
        if speeds:
            table.append({"test": name, "cycles": round(cycles), "median": statistics.median(speeds),
                          "min": min(speeds), "max": max(speeds), "runs": len(speeds)})

    how = "ccache allowed" if a.keep_ccache else "ccache off"
    print(f"\nmodel build ({a.config}, {shape}, new work directory, {how}): {build['wall_s']} s wall, "
          f"{build['cpu_s']} CPU-s, peak memory {build['peak_mb']} MB")
    print(f"simulation speed over {a.runs} run(s), cycles of the {period} ns bench clock per wall second "
          f"(load average at each run's start: {', '.join(str(r['load']) for r in runs)}):")
    print(f"  {'test':<58} {'cycles':>10} {'median':>10} {'min':>10} {'max':>10}")
    for row in table:
        print(f"  {row['test']:<58} {row['cycles']:>10} {row['median']:>10.0f} {row['min']:>10.0f} {row['max']:>10.0f}")
    suite = table[-1]["median"] if table and table[-1]["test"] == "all" else 0.0
    summary = {"config": a.config, "shape": shape, "suite": a.suite, "seed": a.seed, "clock_period_ns": period,
               "build": build, "runs": [{k: v for k, v in r.items() if k != "tests"} for r in runs],
               "tests": table, "suite_median_cycles_per_s": suite}
    with open(os.path.join(a.out, "bench_sim.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(f"written: {a.out}/bench_sim.json")
    if failed:
        print("bench_sim: a run of the suite failed (logs in OUT/verify_run*.log)", file=sys.stderr)
        return 1
    if a.require and suite < a.require:
        print(f"bench_sim: the suite's median {suite:.0f} cycles/s is below --require {a.require:.0f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
