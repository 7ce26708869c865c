#!/usr/bin/env python3
"""The SLURM backend on a real single-node cluster this test starts (munged, slurmctld, slurmd from
Debian's packages, as root, no systemd, everything in a temporary directory, stopped by PID in the
order jobs, slurmd, slurmctld, munged). Checks, on the fake bench and on the real smoke list:
verdicts and triage through job arrays, a node taken DOWN during the run (the jobs end as results,
retried or requeued), Ctrl-C (scancel, nothing left queued), the real `qta regress smoke`, and that
no daemon is left behind. Prints the SLURM overhead per job.
  python3 regress/tests/test_slurm.py build/qta"""
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from slurm import SingleNodeCluster  # noqa: E402

PY = sys.executable
REGRESS = os.path.join(os.path.dirname(HERE), "regress.py")
qta = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
failures = []


def check(ok, what):
    print(("ok: " if ok else "FAILED: ") + what, flush=True)
    if not ok:
        failures.append(what)


def fake(list_name, out, *extra):
    return [PY, REGRESS, list_name, "--backend", "slurm", "--tests-file", os.path.join(HERE, "fake_tests.txt"),
            "--testplan", os.path.join(HERE, "fake_testplan.json"), "--lists", os.path.join(HERE, "fake_lists.json"),
            "--job-command", f"{PY} {os.path.join(HERE, 'fake_bench.py')}", "--out", out,
            "--db", os.path.join(os.path.dirname(out), "history.sqlite"), *extra]


def overhead_lines(log):
    return [l for l in log.splitlines() if l.startswith("slurm ")]


if not SingleNodeCluster.available():
    print("SKIPPED... no: munged/slurmctld/slurmd are not installed; run scripts/bootstrap.sh")
    sys.exit(1)

with tempfile.TemporaryDirectory(prefix="qta-slurm-test-") as d:
    cluster = SingleNodeCluster(os.path.join(d, "cluster"))
    env = dict(os.environ, SLURM_CONF=cluster.conf, FAKE_STATE=d)
    try:
        cluster.start()
        print(f"cluster up in {cluster.start_s:.1f} s: {cluster.host}, {cluster.conf}", flush=True)

        # 1. verdicts, triage and reports through job arrays
        out = os.path.join(d, "mix")
        p = subprocess.run(fake("slurm_mix", out), env=env, capture_output=True, text=True, timeout=240)
        print(p.stdout[-3000:] + p.stderr[-2000:])
        rows = dict(sqlite3.connect(os.path.join(d, "history.sqlite")).execute(
            "SELECT job_id, verdict || '/' || triage FROM jobs"))
        check(p.returncode == 1, f"slurm_mix exits 1 (got {p.returncode})")
        check(rows.get("default_8x8.pass_a.s1") == "pass/", f"pass_a passes on SLURM ({rows.get('default_8x8.pass_a.s1')})")
        check(rows.get("default_8x8.fail_mismatch.s1") == "fail/deterministic", "fail_mismatch deterministic")
        check(rows.get("default_8x8.flaky.s1") == "fail/flaky", f"flaky classified flaky ({rows.get('default_8x8.flaky.s1')})")
        check(rows.get("default_8x8.hang.s1") == "timeout/deterministic", f"hang killed at its limit ({rows.get('default_8x8.hang.s1')})")
        check(all(os.path.exists(os.path.join(out, f)) for f in ("report.html", "junit.xml")), "report.html and junit.xml")
        check(bool(overhead_lines(p.stdout)), "overhead per job printed")

        # 2. the node taken DOWN while jobs run, then RESUMEd: every job still ends with a result
        out = os.path.join(d, "down")
        env_sleep = dict(env, FAKE_SLEEP="4")
        r = subprocess.Popen(fake("sleepy", out, "--retries", "3"), env=env_sleep, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        t0 = time.time()
        while time.time() - t0 < 60 and "RUNNING" not in cluster.ctl(["squeue", "-h", "-o", "%T"])[1]:
            time.sleep(0.2)
        time.sleep(1)
        rc1, o1 = cluster.ctl(["scontrol", "update", f"NodeName={cluster.host}", "State=DOWN", "Reason=qta-test"])
        print(f"node DOWN at {time.time() - t0:.1f} s: {o1.strip() or 'ok'}", flush=True)
        time.sleep(2)
        cluster.ctl(["scontrol", "update", f"NodeName={cluster.host}", "State=RESUME"])
        log, _ = r.communicate(timeout=300)
        print(log[-2500:])
        check(r.returncode == 0, f"every job of the DOWN run passed in the end (exit {r.returncode})")
        attempts = sqlite3.connect(os.path.join(d, "history.sqlite")).execute(
            "SELECT MAX(attempts) FROM jobs WHERE run_id = (SELECT MAX(id) FROM runs)").fetchone()[0]
        check(attempts >= 2, f"the jobs killed with the node were resubmitted (most attempts of a job: {attempts})")

        # 3. Ctrl-C: the runner scancels its arrays and reports the jobs cancelled
        out = os.path.join(d, "cancel")
        r = subprocess.Popen(fake("hangs", out), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        t0 = time.time()
        while time.time() - t0 < 60 and "RUNNING" not in cluster.ctl(["squeue", "-h", "-o", "%T"])[1]:
            time.sleep(0.2)
        r.send_signal(signal.SIGINT)
        log, _ = r.communicate(timeout=120)
        check(r.returncode == 130, f"Ctrl-C exits 130 (got {r.returncode})")
        t0 = time.time()
        while time.time() - t0 < 30 and cluster.ctl(["squeue", "-h"])[1].strip():
            time.sleep(0.5)
        check(not cluster.ctl(["squeue", "-h"])[1].strip(), "nothing left in the queue after Ctrl-C")

        # 4. the real smoke list (default 8x8 model, built as a SLURM job, shared by the test jobs)
        if qta:
            out = os.path.join(d, "smoke")
            p = subprocess.run([qta, "regress", "smoke", "--backend", "slurm", "--out", out,
                                "--db", os.path.join(d, "history.sqlite")], env=env, capture_output=True, text=True,
                               timeout=1200)
            print(p.stdout[-2500:] + p.stderr[-1500:])
            n = sqlite3.connect(os.path.join(d, "history.sqlite")).execute(
                "SELECT COUNT(*), SUM(verdict='pass') FROM jobs WHERE run_id = (SELECT MAX(id) FROM runs)").fetchone()
            check(p.returncode == 0 and n[0] and n[0] == n[1], f"qta regress smoke on SLURM: exit {p.returncode}, {n[1]}/{n[0]} jobs passed")
            check(all(os.path.exists(os.path.join(out, f)) for f in ("report.html", "junit.xml")), "smoke report.html and junit.xml")
            for line in overhead_lines(p.stdout):
                print("SLURM overhead (smoke): " + line)
    finally:
        left = cluster.stop()
        print(f"cluster stopped in {getattr(cluster, 'stop_s', 0):.1f} s")
        check(not left, f"no daemon left behind ({', '.join(left) or 'none'})")

if failures:
    print(f"{len(failures)} checks FAILED: {'; '.join(failures)}\nreproduce: python3 regress/tests/test_slurm.py build/qta")
    sys.exit(1)
print("all SLURM checks passed")
