#!/usr/bin/env python3
"""Dataflow benchmark (issue 12): one LoRA training step of one cross-attention projection per
UNet level of SD v1.5 on the RTL of a configuration, every GEMM bit-exact with the golden model,
the RTL's cycles beside the performance model's per GEMM; then the model's whole-step table
(every policy, the ideal) from `qta perf`.

    scripts/bench_dataflow.py --config paper_64x64 --rank 4        # the benchmark (nightly)
    scripts/bench_dataflow.py --config default_8x8 --layers 40x24x20 --policies auto,ws,os --exact

Each run is `qta train --backend rtl --steps 1 --check-golden --dataflow POLICY` on the layer's
shape (tokens x d_in -> d_out): the runtime splits GEMMs that do not fit the buffers, so the
RTL runs every descriptor of the real step. The performance model's prediction of a GEMM is the
sum of its descriptors' rtl_total_cycles (one at a time, as the runtime issues them).
--exact: exit 1 unless every GEMM's RTL cycles equal the prediction. Exit 2 on bad arguments.
Writes OUT/bench_dataflow.json (every GEMM of every run, the step totals) and keeps each run's
`qta train --json` log in OUT.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time


def die(msg, code=2):
    print(f"bench_dataflow: {msg}", file=sys.stderr)
    sys.exit(code)


def parse_layers(text):
    out = []
    for item in text.split(","):
        m = re.fullmatch(r"(\d+)x(\d+)x(\d+)", item.strip())
        if not m:
            die(f"--layers item '{item}' is not TOKENSxDINxDOUT (for example 77x768x1280)")
        t, i, o = (int(g) for g in m.groups())
        if min(t, i, o) < 1:
            die(f"--layers item '{item}': every dimension must be >= 1")
        out.append({"name": f"{t}x{i}x{o}", "tokens": t, "d_in": i, "d_out": o})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--qta", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "qta"))
    ap.add_argument("--config", default="paper_64x64", help="a named configuration or a JSON file")
    ap.add_argument("--rank", type=int, default=4)
    ap.add_argument("--policies", default="auto", help="comma list of auto, ws, os (qta train --dataflow; auto is the "
                    "hardware's per-descriptor choice: WS, OS or, with column groups, WSC)")
    ap.add_argument("--layers", default="", help="TOKENSxDINxDOUT list instead of one projection per UNet level")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="out/bench_dataflow")
    ap.add_argument("--exact", action="store_true", help="fail unless RTL cycles = model for every GEMM")
    a = ap.parse_args()
    if a.rank < 1:
        die(f"--rank {a.rank}: valid is >= 1")
    policies = [p.strip() for p in a.policies.split(",") if p.strip()]
    for p in policies:
        if p not in ("auto", "ws", "os"):
            die(f"--policies: '{p}' is not a policy; valid: auto, ws, os")
    if not os.access(a.qta, os.X_OK):
        die(f"--qta {a.qta} is not an executable (build it with `make build`)")
    os.makedirs(a.out, exist_ok=True)

    perf_json = os.path.join(a.out, f"perf_rank{a.rank}.json")
    r = subprocess.run([a.qta, "perf", "--config", a.config, "--rank", str(a.rank), "--json", perf_json],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        die(f"qta perf --config {a.config} failed (exit {r.returncode})", 2 if r.returncode == 2 else 1)
    perf = json.load(open(perf_json))

    if a.layers:
        layers = parse_layers(a.layers)
    else:  # the first projection the workload table lists for each UNet level
        layers, seen = [], set()
        for L in perf["layers"]:
            level = L["name"].split(".")[0]
            if level not in seen:
                seen.add(level)
                layers.append({"name": L["name"], "tokens": L["tokens"], "d_in": L["d_in"], "d_out": L["d_out"]})

    runs, worst = [], 0.0
    print(f"configuration {a.config}, rank {a.rank}, {perf['array']['rows']}x{perf['array']['cols']} array; "
          f"one LoRA training step per layer on the RTL, --check-golden")
    hdr = f"  {'layer':<22} {'policy':<6} {'step':<10} {'M x N x K':>18} {'desc':>5} {'RTL cycles':>12} {'model':>12} {'diff':>8}"
    print(hdr)
    for L in layers:
        for pol in policies:
            log = os.path.join(a.out, f"{L['name']}.{pol}.train.json")
            cmd = [a.qta, "train", "--backend", "rtl", "--config", a.config, "--block", "lora", "--tokens",
                   str(L["tokens"]), "--d-in", str(L["d_in"]), "--d-out", str(L["d_out"]), "--rank",
                   str(min(a.rank, L["d_in"], L["d_out"])), "--steps", "1", "--seed", str(a.seed), "--check-golden",
                   "--dataflow", pol, "--json", log]
            t0 = time.time()
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            wall = time.time() - t0
            if r.returncode != 0 or "bit-exact with the golden model" not in r.stdout:
                sys.stderr.write(r.stdout[-2000:] + r.stderr[-4000:])
                die(f"{L['name']} policy {pol}: qta train exited {r.returncode} or was not bit-exact; reproduce: "
                    + " ".join(cmd), 2 if r.returncode == 2 else 1)
            j = json.load(open(log))
            step = j["steps"][0]
            for g in step["gemms"]:
                diff = (g["cycles"] - g["predicted_cycles"]) / g["predicted_cycles"]
                worst = max(worst, abs(diff))
                print(f"  {L['name']:<22} {pol:<6} {g['name']:<10} {g['m']:>6}x{g['n']:>5}x{g['k']:>5} "
                      f"{g['descriptors']:>5} {g['cycles']:>12} {g['predicted_cycles']:>12} {100 * diff:>7.2f}%")
            print(f"  {L['name']:<22} {pol:<6} {'step':<10} {'':>18} {step['descriptors']:>5} {step['cycles']:>12} "
                  f"{step['predicted_cycles']:>12}   (wall {wall:.1f} s)")
            runs.append({"layer": L, "policy": pol, "cycles": step["cycles"], "predicted_cycles": step["predicted_cycles"],
                         "gemms": step["gemms"], "digest": step["digest"], "wall_s": wall, "command": " ".join(cmd)})

    print(f"\nworst |RTL - model| / model over {sum(len(x['gemms']) for x in runs)} GEMMs: {100 * worst:.3f}%")
    print(f"\nwhole step, every projection of the UNet (the model, validated above; qta perf --config {a.config} "
          f"--rank {a.rank}):")
    print(f"  {'policy':<18} {'RTL cycles':>12} {'/ideal':>8} {'serial':>12} {'compute':>12}")
    print(f"  {'ideal':<18} {perf['ideal_cycles']:>12} {1.0:>8.3f}")
    for t in perf["step_totals"]:
        print(f"  {t['policy']:<18} {t['rtl_total_cycles']:>12} {t['rtl_over_ideal']:>8.3f} {t['serial_cycles']:>12} "
              f"{t['compute_cycles']:>12}")
    st = {t["policy"]: t for t in perf["step_totals"]}
    # The generated RTL's AUTO (WS, OS and, with column / row groups, WSC / WSR) against the fixed
    # dataflows on the same pipelined array, the AUTO without row groups, the two-way AUTO, and the
    # wave-1 array.
    for pol in ("auto_ws_os_wsc_wsr", "auto_ws_os"):
        if pol in st:
            for ref in ("ws_only", "os_only", "auto_ws_os", "auto_ws_os_wsc", "wave1_ws_only", "wave1_auto_ws_os"):
                if ref in st and ref != pol:
                    print(f"  {pol} over {ref}: {st[ref]['rtl_total_cycles'] / st[pol]['rtl_total_cycles']:.3f}x")
    summary = {"config": a.config, "rank": a.rank, "runs": runs, "worst_relative_difference": worst,
               "step_totals": perf["step_totals"], "ideal_cycles": perf["ideal_cycles"]}
    tmp = os.path.join(a.out, "bench_dataflow.json.tmp")
    with open(tmp, "w") as f:
        json.dump(summary, f, indent=1)
    os.replace(tmp, os.path.join(a.out, "bench_dataflow.json"))
    if a.exact and worst != 0.0:
        die(f"RTL cycles differ from the model by up to {100 * worst:.3f}% (--exact)", 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
