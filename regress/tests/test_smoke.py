#!/usr/bin/env python3
"""`qta regress smoke` for real (default 8x8 model, smoke suite) on a backend, checked through its
outputs: exit 0, report.html, junit.xml with one testcase per job, one database row per job.
  python3 regress/tests/test_smoke.py build/qta local
  python3 regress/tests/test_smoke.py build/qta slurm    (starts a single-node cluster: --local-cluster)"""
import os
import sqlite3
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

qta, backend = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory(prefix=f"qta-regress-{backend}-") as d:
    out, db = os.path.join(d, "out"), os.path.join(d, "history.sqlite")
    argv = [qta, "regress", "smoke", "--out", out, "--db", db, "--backend", backend]
    if backend == "slurm":
        argv.append("--local-cluster")
    p = subprocess.run(argv, capture_output=True, text=True, timeout=1100)
    print(p.stdout + p.stderr)
    ok = p.returncode == 0
    problems = [] if ok else [f"exit {p.returncode}"]
    if os.path.exists(db):
        rows = sqlite3.connect(db).execute("SELECT COUNT(*), SUM(verdict = 'pass') FROM jobs").fetchone()
    else:
        rows = (0, 0)
    junit = os.path.join(out, "junit.xml")
    cases = len(list(ET.parse(junit).getroot().iter("testcase"))) if os.path.exists(junit) else 0
    if not rows[0] or rows[0] != rows[1]:
        problems.append(f"database: {rows[0]} job rows, {rows[1]} passed")
    if cases != rows[0]:
        problems.append(f"junit.xml has {cases} testcases for {rows[0]} jobs")
    if not os.path.exists(os.path.join(out, "report.html")):
        problems.append("no report.html")
    if problems:
        print("FAILED: " + "; ".join(problems) + f"\nreproduce: {' '.join(argv[:3])} --backend {backend}"
              + (" --local-cluster" if backend == "slurm" else ""))
        sys.exit(1)
    print(f"ok: {rows[0]} jobs passed on the {backend} backend, report, junit.xml and database rows present")
