#!/usr/bin/env bash
# check_lora_dump.sh QTA DIR: the issue's evidence command writes a complete dump: manifest.json
# listing every tensor with shape, dtype and scale, each .npy file present with numpy's magic and
# the size its shape implies; the relative errors of Y, dX, dA, dB are printed; a second run into
# the same (non-empty) directory is refused with exit 2 and leaves the first dump intact.
set -eu
qta=$1 dir=$2
rm -rf "$dir"; mkdir -p "$(dirname "$dir")"
out=$("$qta" golden lora --tokens 64 --d-in 32 --d-out 48 --rank 4 --seed 1 --dump "$dir")
echo "$out"
for t in Y dX dA dB; do grep -qE "^  $t +[0-9.]+e" <<<"$out" || { echo "FAIL: no relative error for $t"; exit 1; }; done
python3 - "$dir" <<'PY'
import json, os, sys, struct
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
names = {t["name"] for t in m["tensors"]}
need = {"fp32.x", "fp32.w", "fp32.a", "fp32.b", "fp32.dy", "fp32.y", "fp32.dx", "fp32.da", "fp32.db",
        "int.q_x", "int.q_y", "int.q_h", "int.q_g", "int.q_dx", "int.q_da", "int.q_db", "fwd_xa.acc", "bwd_dytht.acc"}
missing = need - names
assert not missing, f"manifest lacks {sorted(missing)}"
size = {"float32": 4, "int8": 1, "int16": 2, "int32": 4}
for t in m["tensors"]:
    raw = open(os.path.join(d, t["file"]), "rb").read()
    assert raw[:6] == b"\x93NUMPY", t["file"]
    hlen = struct.unpack("<H", raw[8:10])[0]
    assert (10 + hlen) % 64 == 0, f"{t['file']}: header not 64-aligned"
    header = raw[10:10 + hlen].decode()
    r, c = t["shape"]
    assert f"'shape': ({r}, {c})" in header, (t["file"], header)
    assert len(raw) - 10 - hlen == r * c * size[t["dtype"]], t["file"]
    if t["dtype"] in ("int8", "int16"):
        assert t["scale"] > 0, t["name"]
assert [s["name"] for s in m["steps"]] == ["fwd_xw", "fwd_xa", "fwd_hbt", "bwd_dyb", "bwd_dywt", "bwd_gat", "bwd_xtg", "bwd_dytht"]
print(f"manifest ok: {len(m['tensors'])} tensors, {len(m['steps'])} GEMM steps")
PY
if "$qta" golden lora --seed 2 --dump "$dir" >/dev/null 2>&1; then echo "FAIL: overwrote a non-empty dump"; exit 1; fi
test -f "$dir/manifest.json"
echo "ok"
# numpy itself must load every file, with the dtype and shape the manifest names, and the INT8
# output times its scale must be close to the FP32 output (Debian's python3-numpy, from the bootstrap).
/usr/bin/python3 - "$dir" <<'PY'
import json, os, sys
import numpy as np
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
t = {e["name"]: e for e in m["tensors"]}
for e in m["tensors"]:
    a = np.load(os.path.join(d, e["file"]))
    assert a.dtype == np.dtype(e["dtype"]) and list(a.shape) == e["shape"], (e["name"], a.dtype, a.shape)
y = np.load(os.path.join(d, "fp32.y.npy"))
yq = np.load(os.path.join(d, "int.q_y.npy")).astype(np.float64) * t["int.q_y"]["scale"]
err = np.linalg.norm(yq - y) / np.linalg.norm(y)
assert err < 0.05, err
print(f"numpy {np.__version__} loads all {len(m['tensors'])} files; INT8 Y vs FP32 Y relative error {err:.4f}")
PY
echo "ok (numpy)"
