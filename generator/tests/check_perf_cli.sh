#!/usr/bin/env bash
# `qta perf`: runs, writes JSON whose AUTO cycles are the per-step minimum of WS, OS and (where N
# fits a column group) WSC, reports a speedup >= 1 over both single-dataflow baselines and over AUTO
# between WS and OS, honours col_groups, and rejects bad arguments with exit 2.
set -uo pipefail
qta="$1"; work="$2"
rm -rf "$work"; mkdir -p "$work"
"$qta" perf --rows 16 --cols 8 --col-groups 2 --rank 4 --json "$work/perf.json" --plots "$work/plots" > "$work/perf.txt" || { echo "FAIL: qta perf exited $?"; exit 1; }
grep -q "speedup of flexible dataflow" "$work/perf.txt" || { echo "FAIL: no speedup line"; cat "$work/perf.txt"; exit 1; }
grep -q "scale mode dynamic" "$work/perf.txt" || { echo "FAIL: the step report does not say it assumes dynamic scales"; cat "$work/perf.txt"; exit 1; }
for ref in ws_only auto_ws_os wave1_ws_only; do
  grep -q "^  auto_ws_os_wsc over $ref: " "$work/perf.txt" || { echo "FAIL: no speedup of auto_ws_os_wsc over $ref"; cat "$work/perf.txt"; exit 1; }
done
python3 - "$work/perf.json" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
# 2 column groups of 4 columns: WSC runs N <= 4, the rank-4 GEMMs.
assert r["array"] == {"rows": 16, "cols": 8, "col_groups": 2}, r["array"]
Cg = r["array"]["cols"] // r["array"]["col_groups"]
n_wsc = 0
assert len(r["layers"]) == 16  # to_q, to_k, to_v, to_out at four UNet levels
assert sum(l["count"] for l in r["layers"]) == 64
for layer in r["layers"]:
    assert len(layer["steps"]) == 8
    for s in layer["steps"]:
        assert (s["wsc_cycles"] is None) == (s["n"] > Cg), s
        two = min(s["ws_cycles"], s["os_cycles"])
        three = two if s["wsc_cycles"] is None else min(two, s["wsc_cycles"])
        assert s["auto_ws_os_cycles"] == two and s["auto_cycles"] == three, s
        # ties go to WS, then WSC, then OS
        want = "WS" if s["ws_cycles"] == three else "WSC" if s["wsc_cycles"] == three else "OS"
        assert s["auto_dataflow"] == want, s
        n_wsc += s["auto_dataflow"] == "WSC"
    assert layer["auto_cycles"] == sum(s["auto_cycles"] for s in layer["steps"])
    assert layer["auto_ws_os_cycles"] == sum(s["auto_ws_os_cycles"] for s in layer["steps"])
assert n_wsc > 0, "AUTO never chose WSC at rank 4"
t = r["total"]
assert t["auto_cycles"] == sum(l["count"] * l["auto_cycles"] for l in r["layers"]), t
assert t["auto_ws_os_cycles"] == sum(l["count"] * l["auto_ws_os_cycles"] for l in r["layers"]), t
assert t["speedup_vs_ws"] >= 1.0 and t["speedup_vs_os"] >= 1.0 and t["speedup_vs_auto_ws_os"] > 1.0, t
print("PASS: perf JSON consistent; speedup vs WS-only %.3f, vs OS-only %.3f, vs AUTO over WS and OS %.3f"
      % (t["speedup_vs_ws"], t["speedup_vs_os"], t["speedup_vs_auto_ws_os"]))
# Whole-step RTL totals per policy: compute cycles are the section-4 sums above, RTL totals add the
# requantization pass, control and the dynamic scale's derivation (scale_cycles_per_gemm, the
# RTL's kScaleCycles) of every step, the breakdown adds up to RTL - ideal.
assert r["scale_mode"] == "dynamic" and r["scale_cycles_per_gemm"] == 34, (r["scale_mode"], r["scale_cycles_per_gemm"])
st = {p["policy"]: p for p in r["step_totals"]}
assert set(st) == {"ws_only", "os_only", "auto_ws_os", "auto_ws_os_wsc", "wave1_ws_only", "wave1_auto_ws_os"}, st.keys()
assert all(set(p) == set(st["ws_only"]) for p in st.values()), [sorted(p) for p in st.values()]
assert st["ws_only"]["compute_cycles"] == t["ws_cycles"], st
assert st["auto_ws_os"]["compute_cycles"] == t["auto_ws_os_cycles"], st
assert st["auto_ws_os_wsc"]["compute_cycles"] == t["auto_cycles"], st
# Column groups never cost cycles: the RTL's AUTO is at most AUTO between WS and OS, at most WS only.
assert st["auto_ws_os_wsc"]["rtl_total_cycles"] < st["auto_ws_os"]["rtl_total_cycles"] <= st["ws_only"]["rtl_total_cycles"], st
# Pipelining never costs cycles: the wave-1 array's totals are at least the generated RTL's.
assert st["wave1_ws_only"]["rtl_total_cycles"] >= st["ws_only"]["rtl_total_cycles"], st
assert st["wave1_auto_ws_os"]["rtl_total_cycles"] >= st["auto_ws_os"]["rtl_total_cycles"], st
C = r["array"]["cols"]
for name, df in (("ws_only", "ws_cycles"), ("os_only", "os_cycles"), ("auto_ws_os", "auto_ws_os_cycles"),
                 ("auto_ws_os_wsc", "auto_cycles")):
    p = st[name]
    extra = sum(l["count"] * sum(-(-s["m"] * s["n"] // C) + 5 + 34 for s in l["steps"]) for l in r["layers"])
    # one descriptor at a time: compute + requantization + control + SCALE of every GEMM; back
    # to back (rtl_total_cycles) the requantization overlaps the next compute: never more, and
    # never less than the compute cycles plus 4 cycles of control per descriptor.
    assert p["serial_cycles"] == t[df] + extra, (name, p["serial_cycles"], t[df], extra)
    n_gemms = sum(l["count"] * len(l["steps"]) for l in r["layers"])
    assert t[df] + 4 * n_gemms - 1 <= p["rtl_total_cycles"] <= p["serial_cycles"], (name, p["rtl_total_cycles"])
    b = p["breakdown_cycles"]
    loss = sum(b.values())
    assert abs(loss - (p["rtl_total_cycles"] - r["macs"] / (16 * 8))) < 1e-3 * p["rtl_total_cycles"], (name, loss)
    assert p["ideal_cycles"] == r["ideal_cycles"] and p["rtl_total_cycles"] >= p["ideal_cycles"]
# The port bounds: no policy beats today's ports; wider ports only lower the bound, never below the ideal.
pb, wider = r["port_bound_cycles"], r["port_bound_cycles_by_lanes"]
assert set(wider) == {"2", "4"}, wider
assert r["ideal_cycles"] <= wider["4"] <= wider["2"] <= pb, (r["ideal_cycles"], wider, pb)
assert all(v["rtl_total_cycles"] >= pb for v in st.values()), (pb, st)
print("PASS: step_totals: %s" % ", ".join("%s %d (%.3fx ideal)" % (k, v["rtl_total_cycles"], v["rtl_over_ideal"]) for k, v in st.items()))
PY
python3 - "$work/plots" <<'PY' || exit 1
import sys, xml.etree.ElementTree as ET
for f in ("cycles_per_step.svg", "utilization_per_layer.svg"):
    root = ET.parse(sys.argv[1] + "/" + f).getroot()
    bars = [e for e in root.iter() if e.tag.endswith("rect") and e.find("{http://www.w3.org/2000/svg}title") is not None]
    assert len(bars) >= 3 * 8, (f, len(bars))
    names = {b.find("{http://www.w3.org/2000/svg}title").text.split(" ")[0] for b in bars}
    assert "auto_ws_os_wsc" in names and "auto_ws_os" in names, (f, names)
print("PASS: SVG plots parse, with a bar per policy (auto_ws_os_wsc too) and step/layer")
PY
# The same array without column groups (--col-groups 1): no WSC, so the RTL's AUTO is AUTO between WS and OS.
"$qta" perf --rows 16 --cols 8 --col-groups 1 --json "$work/g1.json" > /dev/null || { echo "FAIL: qta perf --col-groups 1"; exit 1; }
python3 - "$work/g1.json" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
assert r["array"]["col_groups"] == 1, r["array"]
assert all(s["wsc_cycles"] is None for l in r["layers"] for s in l["steps"])
st = {p["policy"]: p for p in r["step_totals"]}
assert st["auto_ws_os_wsc"]["rtl_total_cycles"] == st["auto_ws_os"]["rtl_total_cycles"], st
print("PASS: --col-groups 1: no WSC, auto_ws_os_wsc = auto_ws_os")
PY
# A configuration without OS (and without column groups) has no os_only policy and its AUTO is WS.
"$qta" perf --config ws_only --json "$work/ws_only.json" > /dev/null || { echo "FAIL: qta perf --config ws_only"; exit 1; }
python3 - "$work/ws_only.json" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
st = {p["policy"]: p for p in r["step_totals"]}
assert r["array"]["col_groups"] == 1, r["array"]
assert set(st) == {"ws_only", "auto_ws_os", "auto_ws_os_wsc", "wave1_ws_only", "wave1_auto_ws_os"}, st.keys()
assert st["ws_only"]["rtl_total_cycles"] == st["auto_ws_os"]["rtl_total_cycles"] == st["auto_ws_os_wsc"]["rtl_total_cycles"], st
assert st["wave1_ws_only"]["rtl_total_cycles"] == st["wave1_auto_ws_os"]["rtl_total_cycles"], st
print("PASS: --config ws_only: no os_only policy, AUTO = WS")
PY
for bad in "--rows 0" "--cols 129" "--rank 0"; do
  # shellcheck disable=SC2086
  "$qta" perf $bad > "$work/bad.log" 2>&1; rc=$?
  if [ $rc -ne 2 ]; then echo "FAIL: qta perf $bad exited $rc, want 2"; cat "$work/bad.log"; exit 1; fi
  echo "ok   qta perf $bad: $(cat "$work/bad.log")"
done
