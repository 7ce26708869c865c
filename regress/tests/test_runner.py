#!/usr/bin/env python3
"""Tests of the regression runner's logic on the fake bench (fake_bench.py): parallelism, time
limits, a job killed from outside, triage (deterministic vs flaky), signatures, history, reports,
Ctrl-C and bad input. Seconds, no model builds.
  python3 regress/tests/test_runner.py            (all)
  python3 regress/tests/test_runner.py Runner.test_parallel_workers   (one; CTest regress.unit.*)"""
import glob
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REGRESS = os.path.join(os.path.dirname(HERE), "regress.py")
PY = sys.executable


def read(path):
    with open(path) as f:
        return f.read()


def cmd(list_name, out, *extra, plan="fake_testplan.json", tests="fake_tests.txt", lists="fake_lists.json"):
    return [PY, REGRESS, list_name, "--tests-file", os.path.join(HERE, tests), "--testplan", os.path.join(HERE, plan),
            "--lists", os.path.join(HERE, lists), "--job-command", f"{PY} {os.path.join(HERE, 'fake_bench.py')}",
            "--out", out, "--db", os.path.join(os.path.dirname(out), "history.sqlite"), *extra]


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="qta-regress-test-")
        self.dir = self.tmp.name
        self.env = dict(os.environ, FAKE_STATE=self.dir)

    def tearDown(self):
        self.tmp.cleanup()

    def run_regress(self, list_name, *extra, out="out", env=None, timeout=120, **kw):
        self.out = os.path.join(self.dir, out)
        p = subprocess.run(cmd(list_name, self.out, *extra, **kw), capture_output=True, text=True, timeout=timeout,
                           env=env or self.env)
        self.log = p.stdout + p.stderr
        self.assertNotIn("Traceback", self.log, self.log)
        return p.returncode

    def db(self):
        return sqlite3.connect(os.path.join(self.dir, "history.sqlite"))


class Runner(Base):
    def test_verdicts_triage_and_signatures(self):
        rc = self.run_regress("mixed")
        self.assertEqual(rc, 1, self.log)
        jobs = {r[0]: r[1:] for r in self.db().execute("SELECT job_id, verdict, triage, signature, wall_s FROM jobs")}
        self.assertEqual(len(jobs), 2 * (7 * 2 + 3), self.log)
        self.assertEqual(jobs["default_8x8.pass_a.s1"][0], "pass")
        self.assertEqual(jobs["ws_only.flaky.s2"][:2], ("fail", "flaky"))
        self.assertEqual(jobs["ws_only.fail_other.s1"][:2], ("fail", "deterministic"))
        hang = jobs["default_8x8.hang.s1"]
        self.assertEqual(hang[0], "timeout")  # killed at the list's 2 s limit, reported as such
        self.assertLess(hang[3], 2 + 3 + 1)
        self.assertEqual(jobs["default_8x8.crash.s1"][0], "killed")
        self.assertEqual(jobs["default_8x8.noresult.s1"][0], "error")
        # one bug, 6 failures (2 configurations x 3 seeds, different indices and shapes): one bucket
        sigs = {v[2] for k, v in jobs.items() if ".fail_mismatch." in k}
        self.assertEqual(sigs, {"fail_mismatch | #x#x# WS int# | first mismatch"}, sigs)
        self.assertIn("6 x fail_mismatch | #x#x# WS int# | first mismatch  [deterministic 6]", self.log)
        # a one-line reproduce command per failure
        self.assertIn("default_8x8.fail_mismatch.s3 (fail, deterministic): cd ", self.log)

    def test_reports_junit_html_history(self):
        self.run_regress("mixed", "--no-triage")
        root = ET.parse(os.path.join(self.out, "junit.xml")).getroot()
        self.assertEqual(root.get("tests"), "34")
        self.assertEqual(int(root.get("failures")), 34 - 8)
        self.assertEqual(sorted(s.get("name") for s in root.iter("testsuite")), ["default_8x8", "ws_only"])
        html = read(os.path.join(self.out, "report.html"))
        for part in ("<svg", "Failure buckets (6)", "Testplan", "New failures since the previous run (26)", "Flakes"):
            self.assertIn(part, html)
        # second run: the same failures are not new; the trend has 2 points
        self.run_regress("mixed", "--no-triage", out="out2")
        html = read(os.path.join(self.out, "report.html"))
        self.assertIn("New failures since the previous run (0)", html)
        self.assertIn("Trends (last 2 runs of this list)", html)
        runs = self.db().execute("SELECT COUNT(*), SUM(jobs) FROM runs").fetchone()
        self.assertEqual(runs, (2, 68))
        self.assertEqual(self.db().execute("SELECT COUNT(*) FROM config_stats").fetchone()[0], 4)

    def test_passing_list_exits_0(self):
        self.assertEqual(self.run_regress("passing"), 0, self.log)
        self.assertIn("4 passed, 0 failed, 0 skipped", self.log)
        # clean work directory per job
        self.assertEqual(len(glob.glob(os.path.join(self.out, "jobs", "*.s?"))), 4)

    def test_skipped_jobs_are_counted_apart_and_do_not_fail_the_run(self):
        self.assertEqual(self.run_regress("skipping"), 0, self.log)
        self.assertIn("1 passed, 0 failed, 1 skipped", self.log)
        self.assertEqual(dict(self.db().execute("SELECT test, verdict FROM jobs")), {"pass_a": "pass", "skip_a": "skip"})

    def test_parallel_workers(self):
        env = dict(self.env, FAKE_SLEEP="1")
        t = time.time()
        self.assertEqual(self.run_regress("sleepy", "--workers", "2", env=env), 0, self.log)
        two = time.time() - t
        t = time.time()
        self.assertEqual(self.run_regress("sleepy", "--workers", "1", out="serial", env=env), 0, self.log)
        one = time.time() - t
        print(f"4 jobs of 1 s: 1 worker {one:.2f} s, 2 workers {two:.2f} s, ratio {two / one:.2f}")
        self.assertLess(two / one, 0.8)

    def test_ctrl_c_cancels(self):
        pids = os.path.join(self.dir, "pids")
        os.makedirs(pids)
        env = dict(self.env, FAKE_PIDS=pids)
        out = os.path.join(self.dir, "out")
        p = subprocess.Popen(cmd("hangs", out), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        t0 = time.time()
        while len(os.listdir(pids)) < 2 and time.time() - t0 < 20:
            time.sleep(0.1)
        p.send_signal(signal.SIGINT)
        log, _ = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 130, log)
        self.assertNotIn("Traceback", log)
        for pid in os.listdir(pids):
            self.assertFalse(os.path.exists(f"/proc/{pid}") and read(f"/proc/{pid}/stat").split()[2] != "Z",
                             f"job process {pid} survived the cancel")
        verdicts = [r[0] for r in sqlite3.connect(os.path.join(self.dir, "history.sqlite")).execute("SELECT verdict FROM jobs")]
        self.assertEqual(sorted(set(verdicts)), ["cancelled"], verdicts)
        self.assertTrue(os.path.exists(os.path.join(out, "report.html")))


    def test_worker_failure_is_a_reported_job(self):
        """A worker that raises (here: the job's work directory cannot be made) reports its job as an
        error with a 'lost' signature; the other jobs of the pool still run and pass."""
        sys.path.insert(0, os.path.dirname(REGRESS))
        import jobs
        blocker = os.path.join(self.dir, "a_file")
        open(blocker, "w").close()
        specs = [{"id": "ok", "argv": ["true"], "cwd": os.path.join(self.dir, "ok"), "log": os.path.join(self.dir, "ok.log"),
                  "timeout_s": 30},
                 {"id": "bad", "argv": ["true"], "cwd": os.path.join(blocker, "sub"), "log": os.path.join(self.dir, "bad.log"),
                  "timeout_s": 30}]
        done = []
        res = jobs.LocalBackend(2).run(specs, lambda s, r: done.append(s["id"]), "run")
        self.assertEqual(sorted(done), ["bad", "ok"])
        self.assertEqual(res["ok"]["rc"], 0, res["ok"])
        self.assertIn("worker failed", res["bad"].get("lost", ""), res["bad"])
        verdict = jobs.classify({"test": "t", "timeout_s": 30}, res["bad"])
        self.assertEqual((verdict["verdict"], verdict["signature"]), ("error", "t | - | lost"), verdict)

    def test_real_testplan_matches_the_bench(self):
        """regress/testplan.json against verif/tb's QTA_TEST declarations: every test planned, no unknown test."""
        p = subprocess.run([PY, REGRESS, "--show-lists"], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        for name in ("smoke", "all", "nightly", "random_1000_seeds"):
            self.assertIn(name, p.stdout)
        self.assertIn("paper_64x64", p.stdout)
        self.assertIn("max_128x128", p.stdout)

    def test_real_coverage_bins_include_the_column_and_row_group_bins(self):
        """scan_coverage_bins reads kEdgeBins, kWscBins and kWsrBins of verif/src/coverage.cpp, and the real
        testplan's WSC and WSR features name points the coverage model has (a bin list the scan missed would
        make the plan's 'wsr.*' unknown)."""
        sys.path.insert(0, os.path.dirname(HERE))
        import plan as planmod
        src = os.path.dirname(os.path.dirname(HERE))
        bins = planmod.scan_coverage_bins(os.path.join(src, "verif", "src", "coverage.cpp"))
        self.assertIsNotNone(bins)
        for b in ("rne.tie", "auto.chose_ws", "wsc.ran", "auto.chose_wsc", "wsr.ran", "auto.chose_wsr",
                  "wsr.multi_n_tiles", "wsr.empty_group"):
            self.assertIn(b, bins)
        tests = planmod.scan_tests(os.path.join(src, "verif", "tb"))
        plan = planmod.load_testplan(os.path.join(src, "regress", "testplan.json"), tests, bins)
        feats = {f["name"]: f for f in plan["features"]}
        self.assertIn("wsr_row_groups_match_golden_and_the_cost_model", feats["wsr_row_groups"]["tests"])
        self.assertIn("wsr.*", feats["wsr_row_groups"]["coverage"])
        self.assertIn("wsc_column_groups_match_golden_and_the_cost_model", feats["wsc_column_groups"]["tests"])


class BadInput(Base):
    def bad(self, expect, *args, **kw):
        rc = self.run_regress(*args, **kw)
        self.assertEqual(rc, 2, self.log)
        self.assertIn(expect, self.log)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_unknown_list(self):
        self.bad("regression list 'nightlyy' is not known; valid: mixed, passing", "nightlyy")

    def test_unknown_config(self):
        self.bad("configuration 'paper_65x65', which does not exist; valid: banked", "passing", "--configs", "paper_65x65")

    def test_plan_names_missing_test(self):
        p = self.write("plan.json", '{"features": [{"name": "f", "stage": "V1", "tests": ["pass_a", "pass_b", "fail_mismatch", '
                       '"fail_other", "flaky", "hang", "crash", "noresult", "no_such_test"]}]}')
        self.bad("names test 'no_such_test', which no bench declares", "passing", plan=p)

    def test_test_in_no_feature(self):
        p = self.write("plan.json", '{"features": [{"name": "f", "stage": "V1", "tests": ["pass_a"]}]}')
        self.bad("exists but no feature of the testplan names it", "passing", plan=p)
        self.assertIn("pass_b", self.log)

    def test_malformed_testplan(self):
        p = self.write("plan.json", '{"features": [ {"name": "f", ')
        self.bad("is malformed JSON at line 1", "passing", plan=p)
        p = self.write("plan2.json", '{"features": [{"name": "f", "stage": "V9", "tests": ["pass_a"]}]}')
        self.bad("stage \"V9\"; valid: V1, V2, V3", "passing", plan=p)

    def test_unknown_coverage_point(self):
        p = self.write("plan.json", read(os.path.join(HERE, "fake_testplan.json")).replace('"rne.tie"', '"rne.tye"'))
        self.bad("coverage point 'rne.tye'", "passing", plan=p)

    def test_workers(self):
        self.bad("--workers = '0' is not valid; valid: an integer 1..64", "passing", "--workers", "0")
        self.bad("--workers = 'two' is not valid", "passing", "--workers", "two")

    def test_unusable_out(self):
        f = self.write("file", "")
        self.bad(f"--out '{f}/x' cannot be created", "passing", out=os.path.join(f, "x"))

    def test_no_slurm(self):
        env = dict(self.env, SLURM_CONF=os.path.join(self.dir, "none.conf"), PATH=self.env["PATH"])
        rc = self.run_regress("passing", "--backend", "slurm", env=env)
        self.assertEqual(rc, 2, self.log)
        self.assertRegex(self.log, r"--backend slurm: ('sbatch' is not installed|no SLURM controller is reachable)")

    def test_unknown_backend(self):
        self.bad("--backend 'cloud' is not known; valid: local, slurm", "passing", "--backend", "cloud")

if __name__ == "__main__":
    unittest.main(verbosity=2)
