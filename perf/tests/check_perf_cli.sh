#!/usr/bin/env bash
# `qta perf`: runs, writes JSON whose AUTO cycles are the per-step minimum of WS, OS, (where N
# fits a column group) WSC and (where K fits a row group) WSR, reports a speedup >= 1 over both
# single-dataflow baselines, over AUTO between WS and OS and over AUTO among WS, OS and WSC,
# honours col_groups and row_groups, and rejects bad arguments with exit 2.
set -uo pipefail
qta="$1"; work="$2"
rm -rf "$work"; mkdir -p "$work"
"$qta" perf --rows 16 --cols 8 --col-groups 2 --row-groups 4 --rank 4 --json "$work/perf.json" --plots "$work/plots" > "$work/perf.txt" || { echo "FAIL: qta perf exited $?"; exit 1; }
grep -q "speedup of flexible dataflow" "$work/perf.txt" || { echo "FAIL: no speedup line"; cat "$work/perf.txt"; exit 1; }
grep -q "scale mode dynamic" "$work/perf.txt" || { echo "FAIL: the step report does not say it assumes dynamic scales"; cat "$work/perf.txt"; exit 1; }
grep -q "^LoRA GEMM steps .* on a 16x8 array, col_groups 2, row_groups 4, rank 4$" "$work/perf.txt" || { echo "FAIL: the header does not name the column and row groups"; head -3 "$work/perf.txt"; exit 1; }
grep -q "^  step .* WSC  *WSR  *AUTO " "$work/perf.txt" || { echo "FAIL: the per-step table has no WSR column after WSC"; head -8 "$work/perf.txt"; exit 1; }
for ref in ws_only auto_ws_os auto_ws_os_wsc wave1_ws_only; do
  grep -q "^  auto_ws_os_wsc_wsr over $ref: " "$work/perf.txt" || { echo "FAIL: no speedup of auto_ws_os_wsc_wsr over $ref"; cat "$work/perf.txt"; exit 1; }
done
python3 - "$work/perf.json" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
# 2 column groups of 4 columns: WSC runs N <= 4; 4 row groups of 4 rows: WSR runs K <= 4; the rank-4 GEMMs.
assert r["array"] == {"rows": 16, "cols": 8, "col_groups": 2, "row_groups": 4}, r["array"]
Cg = r["array"]["cols"] // r["array"]["col_groups"]
Rg = r["array"]["rows"] // r["array"]["row_groups"]
n_wsc = n_wsr = 0
assert len(r["layers"]) == 16  # to_q, to_k, to_v, to_out at four UNet levels
assert sum(l["count"] for l in r["layers"]) == 64
for layer in r["layers"]:
    assert len(layer["steps"]) == 8
    for s in layer["steps"]:
        assert (s["wsc_cycles"] is None) == (s["n"] > Cg), s
        assert (s["wsr_cycles"] is None) == (s["k"] > Rg), s
        assert list(s).index("wsr_cycles") == list(s).index("wsc_cycles") + 1, list(s)
        two = min(s["ws_cycles"], s["os_cycles"])
        three = two if s["wsc_cycles"] is None else min(two, s["wsc_cycles"])
        four = three if s["wsr_cycles"] is None else min(three, s["wsr_cycles"])
        assert s["auto_ws_os_cycles"] == two and s["auto_ws_os_wsc_cycles"] == three and s["auto_cycles"] == four, s
        # WSR never costs more than WS where it fits
        assert s["wsr_cycles"] is None or s["wsr_cycles"] <= s["ws_cycles"], s
        # ties go to WS, then WSC, then WSR, then OS
        want = ("WS" if s["ws_cycles"] == four else "WSC" if s["wsc_cycles"] == four
                else "WSR" if s["wsr_cycles"] == four else "OS")
        assert s["auto_dataflow"] == want, s
        n_wsc += s["auto_dataflow"] == "WSC"
        n_wsr += s["auto_dataflow"] == "WSR"
    for key in ("auto_cycles", "auto_ws_os_cycles", "auto_ws_os_wsc_cycles"):
        assert layer[key] == sum(s[key] for s in layer["steps"]), (layer["name"], key)
assert n_wsc > 0, "AUTO never chose WSC at rank 4"
assert n_wsr > 0, "AUTO never chose WSR at rank 4"
t = r["total"]
for key in ("auto_cycles", "auto_ws_os_cycles", "auto_ws_os_wsc_cycles"):
    assert t[key] == sum(l["count"] * l[key] for l in r["layers"]), (key, t)
assert t["speedup_vs_ws"] >= 1.0 and t["speedup_vs_os"] >= 1.0 and t["speedup_vs_auto_ws_os"] > 1.0, t
assert t["speedup_vs_auto_ws_os_wsc"] > 1.0, t
assert abs(t["speedup_vs_auto_ws_os_wsc"] - t["auto_ws_os_wsc_cycles"] / t["auto_cycles"]) < 1e-9, t
print("PASS: perf JSON consistent; speedup vs WS-only %.3f, vs OS-only %.3f, vs AUTO over WS and OS %.3f, vs AUTO "
      "over WS, OS and WSC %.3f" % (t["speedup_vs_ws"], t["speedup_vs_os"], t["speedup_vs_auto_ws_os"],
                                   t["speedup_vs_auto_ws_os_wsc"]))
# Whole-step RTL totals per policy: compute cycles are the section-4 sums above, RTL totals add the
# requantization pass, control and the dynamic scale's derivation (scale_cycles_per_gemm, the
# RTL's kScaleCycles) of every step, the breakdown adds up to RTL - ideal.
assert r["scale_mode"] == "dynamic" and r["scale_cycles_per_gemm"] == 34, (r["scale_mode"], r["scale_cycles_per_gemm"])
st = {p["policy"]: p for p in r["step_totals"]}
assert len(st) == len(r["step_totals"]), "one object per policy"
assert set(st) == {"ws_only", "os_only", "auto_ws_os", "auto_ws_os_wsc", "auto_ws_os_wsc_wsr", "wave1_ws_only",
                   "wave1_auto_ws_os"}, st.keys()
assert all(set(p) == set(st["ws_only"]) for p in st.values()), [sorted(p) for p in st.values()]
assert st["ws_only"]["compute_cycles"] == t["ws_cycles"], st
assert st["auto_ws_os"]["compute_cycles"] == t["auto_ws_os_cycles"], st
assert st["auto_ws_os_wsc"]["compute_cycles"] == t["auto_ws_os_wsc_cycles"], st
assert st["auto_ws_os_wsc_wsr"]["compute_cycles"] == t["auto_cycles"], st
# Row and column groups never cost cycles: the RTL's AUTO is at most AUTO without row groups, at
# most AUTO between WS and OS, at most WS only (here each group gains).
assert (st["auto_ws_os_wsc_wsr"]["rtl_total_cycles"] < st["auto_ws_os_wsc"]["rtl_total_cycles"]
        < st["auto_ws_os"]["rtl_total_cycles"] <= st["ws_only"]["rtl_total_cycles"]), st
# Pipelining never costs cycles: the wave-1 array's totals are at least the generated RTL's.
assert st["wave1_ws_only"]["rtl_total_cycles"] >= st["ws_only"]["rtl_total_cycles"], st
assert st["wave1_auto_ws_os"]["rtl_total_cycles"] >= st["auto_ws_os"]["rtl_total_cycles"], st
C = r["array"]["cols"]
for name, df in (("ws_only", "ws_cycles"), ("os_only", "os_cycles"), ("auto_ws_os", "auto_ws_os_cycles"),
                 ("auto_ws_os_wsc", "auto_ws_os_wsc_cycles"), ("auto_ws_os_wsc_wsr", "auto_cycles")):
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
    assert {"auto_ws_os_wsc_wsr", "auto_ws_os_wsc", "auto_ws_os"} <= names, (f, names)
print("PASS: SVG plots parse, with a bar per policy (auto_ws_os_wsc_wsr and auto_ws_os_wsc too) and step/layer")
PY
# The same array without column groups (no WSC: auto_ws_os_wsc is auto_ws_os), without row groups
# (no WSR: the RTL's AUTO is auto_ws_os_wsc) and without either (all three AUTOs alike).
for groups in "1 4" "2 1" "1 1"; do
  set -- $groups
  "$qta" perf --rows 16 --cols 8 --col-groups "$1" --row-groups "$2" --rank 4 --json "$work/g$1r$2.json" > /dev/null \
    || { echo "FAIL: qta perf --col-groups $1 --row-groups $2"; exit 1; }
  python3 - "$work/g$1r$2.json" "$1" "$2" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
cg, rg = int(sys.argv[2]), int(sys.argv[3])
assert r["array"] == {"rows": 16, "cols": 8, "col_groups": cg, "row_groups": rg}, r["array"]
steps = [s for l in r["layers"] for s in l["steps"]]
assert all(s["wsc_cycles"] is None for s in steps) == (cg == 1)
assert all(s["wsr_cycles"] is None for s in steps) == (rg == 1)
st = {p["policy"]: p["rtl_total_cycles"] for p in r["step_totals"]}
four, three, two = st["auto_ws_os_wsc_wsr"], st["auto_ws_os_wsc"], st["auto_ws_os"]
assert (three == two) == (cg == 1) and three <= two, st
assert (four == three) == (rg == 1) and four <= three, st
print("PASS: --col-groups %d --row-groups %d: auto_ws_os_wsc_wsr %d, auto_ws_os_wsc %d, auto_ws_os %d" % (cg, rg, four, three, two))
PY
done
# A configuration without OS (and without column or row groups) has no os_only policy and its AUTO is WS.
"$qta" perf --config ws_only --json "$work/ws_only.json" > /dev/null || { echo "FAIL: qta perf --config ws_only"; exit 1; }
python3 - "$work/ws_only.json" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
st = {p["policy"]: p for p in r["step_totals"]}
assert r["array"]["col_groups"] == 1 and r["array"]["row_groups"] == 1, r["array"]
assert set(st) == {"ws_only", "auto_ws_os", "auto_ws_os_wsc", "auto_ws_os_wsc_wsr", "wave1_ws_only",
                   "wave1_auto_ws_os"}, st.keys()
assert (st["ws_only"]["rtl_total_cycles"] == st["auto_ws_os"]["rtl_total_cycles"] == st["auto_ws_os_wsc"]["rtl_total_cycles"]
        == st["auto_ws_os_wsc_wsr"]["rtl_total_cycles"]), st
assert st["wave1_ws_only"]["rtl_total_cycles"] == st["wave1_auto_ws_os"]["rtl_total_cycles"], st
print("PASS: --config ws_only: no os_only policy, AUTO = WS")
PY
for bad in "--rows 0" "--cols 129" "--rank 0"; do
  # shellcheck disable=SC2086
  "$qta" perf $bad > "$work/bad.log" 2>&1; rc=$?
  if [ $rc -ne 2 ]; then echo "FAIL: qta perf $bad exited $rc, want 2"; cat "$work/bad.log"; exit 1; fi
  echo "ok   qta perf $bad: $(cat "$work/bad.log")"
done
