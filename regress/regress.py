#!/usr/bin/env python3
"""qta regress LIST: the testplan-driven regression runner (regress/README.md).

Modelled on OpenTitan's dvsim: a testplan (features -> tests -> coverage points, each with a
stage) checked against the tests the bench declares; regression lists over the named
configurations and seeds; one model build per configuration shared by its jobs; jobs in parallel
(local worker pool or SLURM job arrays) with a time limit and a clean work directory each; every
failure rerun with its seed (deterministic or flaky) and bucketed by signature; every run in a
SQLite history; a static HTML report with trends, merged JUnit XML and merged lcov coverage.

Exit: 0 every job passed, 1 some job failed, 2 bad input, 130 interrupted (jobs cancelled).
Python 3 standard library only.
"""
import argparse
import datetime
import os
import shlex
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import plan as planmod  # noqa: E402
import report  # noqa: E402
from jobs import LocalBackend, classify  # noqa: E402
from plan import BadInput  # noqa: E402

X_SEED_MOD = 0x7FFFFFFE  # as qta verify: +verilator+seed+ takes 1..2^31-1


def log(msg):
    print(msg, flush=True)


def warn(msg):
    """A diagnostic: on stderr, as every qta subcommand's (the progress and report lines are
    the runner's results, on stdout)."""
    print(f"[warning] {msg}", file=sys.stderr, flush=True)


def parse_args(argv):
    src_default = os.path.dirname(HERE)
    ap = argparse.ArgumentParser(prog="qta regress", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="Lists live in regress/lists.json, the testplan in regress/testplan.json.")
    ap.add_argument("list", nargs="?", help="regression list (smoke, all, nightly, ...; --show-lists prints them)")
    ap.add_argument("--show-lists", action="store_true", help="print the regression lists and exit")
    ap.add_argument("--qta", default=None, help="the qta binary (default: BUILD/qta)")
    ap.add_argument("--source", default=src_default, help="the qta source tree")
    ap.add_argument("--build", default=None, help="the qta build tree (default: SOURCE/build)")
    ap.add_argument("--testplan", default=None, help="testplan JSON (default: SOURCE/regress/testplan.json)")
    ap.add_argument("--lists", default=None, help="regression lists JSON (default: SOURCE/regress/lists.json)")
    ap.add_argument("--tests-file", default=None, help="the existing tests as 'name suite...' lines (default: scan verif/tb)")
    ap.add_argument("--configs", default=None, help="comma-separated configurations instead of the list's")
    ap.add_argument("--tests", default=None, help="comma-separated tests: only these of the list")
    ap.add_argument("--reseed", default=None, help="seeds per test instead of the list's reseed (per-test counts too)")
    ap.add_argument("--seed", default="1", help="first seed; a test's seeds are SEED, SEED+1, ... (default 1)")
    ap.add_argument("--random-cases", default=None, help="GEMMs per random_gemms job instead of the list's")
    ap.add_argument("--workers", default="2", help="parallel jobs (default 2)")
    ap.add_argument("--time-limit", default=None, help="seconds per job before it is killed (default: the list's, else 600)")
    ap.add_argument("--backend", default="local", help="local (default) or slurm")
    ap.add_argument("--retries", default="2", help="SLURM: resubmissions of a task that ended without a result (default 2)")
    ap.add_argument("--partition", default=None, help="SLURM partition (default: the cluster's default)")
    ap.add_argument("--local-cluster", action="store_true",
                    help="SLURM: start a single-node cluster (munged, slurmctld, slurmd) in OUT/cluster for this run, stop it after")
    ap.add_argument("--out", default=None, help="output directory (default: BUILD/regress/runs/LIST-<UTC time>)")
    ap.add_argument("--models", default=None, help="model builds, kept between runs (default: BUILD/regress/models)")
    ap.add_argument("--db", default=None, help="SQLite history (default: BUILD/regress/history.sqlite)")
    ap.add_argument("--code-coverage", action="store_true", help="line coverage models; merged lcov HTML in OUT/code_coverage")
    ap.add_argument("--no-triage", action="store_true", help="do not rerun failing jobs")
    ap.add_argument("--job-command", default=None,
                    help="run this command instead of the bench for every job (no model build); it gets the bench's "
                         "environment (COCOTB_TESTCASE, COCOTB_RANDOM_SEED, COCOTB_RESULTS_FILE, ...); for tests")
    ap.add_argument("--benchmark", action="store_true",
                    help="run the list's jobs with 1 worker, then with --workers, and print the wall-time ratio")
    ap.add_argument("--run-task", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--index", default=None, help=argparse.SUPPRESS)
    try:
        return ap.parse_args(argv)
    except SystemExit as e:
        if e.code not in (0, None):
            sys.exit(2)
        raise


def int_arg(name, text, lo, hi):
    try:
        v = int(text)
    except (TypeError, ValueError):
        v = None
    if v is None or not lo <= v <= hi:
        raise BadInput(f"{name} = '{text}' is not valid; valid: an integer {lo}..{hi}")
    return v


def git_commit(src):
    try:
        c = subprocess.run(["git", "-C", src, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True,
                           timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", src, "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                               text=True, timeout=20).stdout.strip()
        return (c or "unknown") + ("+dirty" if dirty else "")
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def usable_dir(path, what):
    """Creates path (and parents) or names why it cannot be used."""
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as e:
        raise BadInput(f"{what} '{path}' cannot be created ({e.strerror}); valid: a writable directory path")
    if not os.access(path, os.W_OK):
        raise BadInput(f"{what} '{path}' is not writable; valid: a writable directory path")
    return os.path.abspath(path)


class Run:
    def __init__(self, a):
        self.a = a
        self.src = os.path.abspath(a.source)
        self.build = os.path.abspath(a.build or os.path.join(self.src, "build"))
        self.qta = os.path.abspath(a.qta or os.path.join(self.build, "qta"))
        self.python = sys.executable or "python3"
        self.interrupted = False

    # ---- inputs ---------------------------------------------------------------------------
    def load(self):
        a = self.a
        self.tests = planmod.read_tests_file(a.tests_file) if a.tests_file else \
            planmod.scan_tests(os.path.join(self.src, "verif", "tb"))
        edge_bins = planmod.scan_coverage_bins(os.path.join(self.src, "verif", "src", "coverage.cpp"))
        self.plan = planmod.load_testplan(a.testplan or os.path.join(self.src, "regress", "testplan.json"), self.tests,
                                          edge_bins)
        self.configs = planmod.named_configs(os.path.join(self.src, "generator", "configs"))
        lists_path = a.lists or os.path.join(self.src, "regress", "lists.json")
        self.lists = planmod.load_lists(lists_path, self.tests, self.configs)
        if a.show_lists:
            for n, l in self.lists.items():
                log(f"{n:<20} {l.get('desc', '')}\n{'':<20} configs {', '.join(l['configs'])}; tests "
                    f"{', '.join(planmod.select_tests(l, self.tests))}; reseed {l.get('reseed', 1)} "
                    f"{l.get('reseed_per_test', {})}")
            sys.exit(0)
        if not a.list:
            raise BadInput(f"no regression list given; valid: {', '.join(self.lists)}")
        if a.list not in self.lists:
            raise BadInput(f"regression list '{a.list}' is not known; valid: {', '.join(self.lists)} (in {lists_path})")
        self.lst = self.lists[a.list]
        self.workers = int_arg("--workers", a.workers, 1, 64)
        self.retries = int_arg("--retries", a.retries, 0, 10)
        self.base_seed = int_arg("--seed", a.seed, 0, 2**63 - 100001)
        if a.backend not in ("local", "slurm"):
            raise BadInput(f"--backend '{a.backend}' is not known; valid: local, slurm")
        if a.local_cluster and a.backend != "slurm":
            raise BadInput("--local-cluster starts a SLURM cluster: it needs --backend slurm")
        cfgs = self.lst["configs"]
        if a.configs is not None:
            cfgs = [c.strip() for c in a.configs.split(",") if c.strip()]
            for c in cfgs or [""]:
                if c not in self.configs:
                    raise BadInput(f"--configs names configuration '{c}', which does not exist; valid: {', '.join(self.configs)}")
        self.cfgs = cfgs
        tests = planmod.select_tests(self.lst, self.tests)
        if a.tests is not None:
            want = [t.strip() for t in a.tests.split(",") if t.strip()]
            for t in want or [""]:
                if t not in tests:
                    raise BadInput(f"--tests names '{t}', which is not a test of list '{a.list}'; valid: {', '.join(tests)}")
            tests = [t for t in tests if t in want]
        self.list_tests = tests
        reseed = self.lst.get("reseed", 1) if a.reseed is None else int_arg("--reseed", a.reseed, 1, 100000)
        self.reseed = {t: (self.lst.get("reseed_per_test", {}).get(t, reseed) if a.reseed is None else reseed)
                       for t in tests}
        self.random_cases = self.lst.get("random_cases", 1000) if a.random_cases is None else \
            int_arg("--random-cases", a.random_cases, 0, 100000)
        self.time_limit = self.lst.get("time_limit_s", 600) if a.time_limit is None else \
            int_arg("--time-limit", a.time_limit, 1, 86400)
        if a.job_command is None and not os.access(self.qta, os.X_OK):
            raise BadInput(f"--qta '{self.qta}' is not an executable qta binary; valid: the build's qta (make build)")
        if a.job_command is not None and not shlex.split(a.job_command):
            raise BadInput("--job-command is empty; valid: a command line")
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        self.started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        # The source the run tests, read before any job: a commit made while a long run goes on is not its.
        self.commit = git_commit(self.src)
        self.out = usable_dir(a.out or os.path.join(self.build, "regress", "runs", f"{a.list}-{stamp}"), "--out")
        self.models = usable_dir(a.models or os.path.join(self.build, "regress", "models"), "--models")
        self.db_path = os.path.abspath(a.db or os.path.join(self.build, "regress", "history.sqlite"))
        usable_dir(os.path.dirname(self.db_path), "--db's directory")
        if os.path.isdir(self.db_path):
            raise BadInput(f"--db '{self.db_path}' is a directory; valid: an SQLite file path")

    # ---- jobs -----------------------------------------------------------------------------
    def model_dir(self, cfg):
        return os.path.join(self.models, cfg + ("_cov" if self.a.code_coverage else ""))

    def build_specs(self):
        specs = []
        for cfg in self.cfgs:
            argv = [self.qta, "verify", "--config", cfg, "--build-only", "--work", self.model_dir(cfg)]
            if self.a.code_coverage:
                argv.append("--code-coverage")
            d = os.path.join(self.out, "builds", cfg)
            specs.append({"id": f"{cfg}.build", "kind": "build", "config": cfg, "test": "build", "seed": 0, "argv": argv,
                          "env": {}, "cwd": d, "log": d + ".log", "timeout_s": max(self.time_limit, 3600)})
        return specs

    def test_spec(self, cfg, test, seed, tag=""):
        jid = f"{cfg}.{test}.s{seed}"
        d = os.path.join(self.out, "jobs", jid + tag)
        md = self.model_dir(cfg)
        env = {"COCOTB_TESTCASE": test, "COCOTB_RANDOM_SEED": str(seed),
               "COCOTB_RESULTS_FILE": os.path.join(d, "results.xml"),
               "QTA_COVERAGE_FILE": os.path.join(d, "functional_coverage.json"),
               "QTA_RANDOM_CASES": str(self.random_cases), "QTA_GEN_DIR": os.path.join(md, "gen"),
               "QTA_REGRESS_JOB": jid + tag}
        if self.a.code_coverage:
            env["QTA_CODE_COVERAGE_DIR"] = os.path.join(d, "code_coverage")
        if self.a.job_command:
            # relative paths that exist are taken from where the runner started (jobs run in their own directory)
            argv = [os.path.abspath(x) if not x.startswith("-") and os.path.exists(x) else x
                    for x in shlex.split(self.a.job_command)]
            repro = (f"cd {shlex.quote(self.src)} && " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()
                                                                  if k in ("COCOTB_TESTCASE", "COCOTB_RANDOM_SEED"))
                     + " COCOTB_RESULTS_FILE=/tmp/results.xml " + " ".join(shlex.quote(x) for x in argv))
        else:
            flavour = "model_cov" if self.a.code_coverage else "model"
            argv = [os.path.join(md, flavour, "build", "Vqta_top_tb"), "+verilator+rand+reset+2",
                    f"+verilator+seed+{seed % X_SEED_MOD + 1}"]
            repro = (f"{self.qta} verify --config {cfg} --test {test} --seed {seed} --random-cases {self.random_cases}"
                     + (" --code-coverage" if self.a.code_coverage else ""))
        env["QTA_REPRODUCE"] = repro
        return {"id": jid, "kind": "test", "config": cfg, "test": test, "seed": seed, "argv": argv, "env": env,
                "cwd": d, "log": d + ".log", "results": env["COCOTB_RESULTS_FILE"],
                "coverage": env["QTA_COVERAGE_FILE"], "timeout_s": self.time_limit, "reproduce": repro}

    def all_test_specs(self):
        return [self.test_spec(cfg, t, self.base_seed + i) for cfg in self.cfgs for t in self.list_tests
                for i in range(self.reseed[t])]

    # ---- backends ---------------------------------------------------------------------------
    def make_backend(self, workers):
        if self.a.backend == "local":
            return LocalBackend(workers)
        import slurm
        if self.a.local_cluster and not hasattr(self, "cluster"):
            if not slurm.SingleNodeCluster.available():
                raise BadInput("--local-cluster needs munged, slurmctld and slurmd (Debian packages munge, slurmctld, "
                               "slurmd, slurm-client: scripts/bootstrap.sh installs them)")
            self.cluster = slurm.SingleNodeCluster(os.path.join(self.out, "cluster"), log)
            try:
                self.cluster.start()
            except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
                self.cluster.stop()
                raise BadInput(f"--local-cluster: the single-node cluster did not start: {e}")
            os.environ["SLURM_CONF"] = self.cluster.conf
            log(f"slurm: single-node cluster up in {self.cluster.start_s:.1f} s ({self.cluster.root})")
        slurm.check_reachable()
        return slurm.SlurmBackend(workers, self.out, self.python, os.path.abspath(__file__), self.retries,
                                  self.a.partition, log=log)

    def run_phase(self, backend, specs, phase):
        done = [0]
        n = len(specs)

        def on_done(spec, res):
            done[0] += 1
            if spec["kind"] == "build":
                verdict = "pass" if res.get("rc") == 0 and not res.get("timed_out") else "FAILED"
            else:
                verdict = classify(spec, res)["verdict"]
            log(f"[{phase} {done[0]:>{len(str(n))}}/{n}] {verdict:<8} {spec['id']:<60} {res.get('wall_s', 0):7.2f} s"
                + (f"  {res['node']}" if res.get("node") and backend.name == "slurm" else ""))
        if not specs:
            return {}
        return backend.run(specs, on_done, phase)

    # ---- main -------------------------------------------------------------------------------
    def main(self):
        self.load()
        t0 = time.time()
        backend = self.make_backend(self.workers)
        self.backend = backend

        def on_sigint(signum, frame):
            if not self.interrupted:
                self.interrupted = True
                log("\ninterrupted: cancelling the running jobs (again to stop waiting)")
                backend.cancel()
            else:
                raise KeyboardInterrupt
        signal.signal(signal.SIGINT, on_sigint)
        signal.signal(signal.SIGTERM, on_sigint)
        try:
            return self._main(backend, t0)
        finally:
            if hasattr(self, "cluster"):
                left = self.cluster.stop()
                log(f"slurm: single-node cluster stopped in {self.cluster.stop_s:.1f} s"
                    + (f"; STILL RUNNING: {', '.join(left)}" if left else ""))

    def _main(self, backend, t0):
        n_jobs = sum(self.reseed.values()) * len(self.cfgs)
        log(f"regress {self.a.list}: {len(self.cfgs)} configurations ({', '.join(self.cfgs)}) x {len(self.list_tests)} tests, "
            f"{n_jobs} jobs, {self.workers} workers, {backend.name} backend, time limit {self.time_limit} s; out {self.out}")
        build_fail, build_s = {}, {}
        if not self.a.job_command:
            res = self.run_phase(backend, self.build_specs(), "build")
            for s in self.build_specs():
                r = res.get(s["id"], {})
                build_s[s["config"]] = r.get("wall_s")
                if r.get("rc") != 0 or r.get("timed_out"):
                    build_fail[s["config"]] = f"model build failed (exit {r.get('rc')}); log {s['log']}"
                    log(f"model build of {s['config']} failed; last lines of {s['log']}:")
                    os.system(f"tail -15 {shlex.quote(s['log'])}")
                else:
                    self.check_bench_tests(s["config"])
        specs = [s for s in self.all_test_specs() if s["config"] not in build_fail and not self.interrupted]
        if self.a.benchmark:
            return self.benchmark(specs)
        results = self.run_phase(backend, specs, "tests") if specs else {}
        jobs = []
        for s in self.all_test_specs():
            if s["config"] in build_fail:
                j = dict(s, verdict="error", signature=f"{s['config']} | build | model build failed",
                         message=build_fail[s["config"]], rc=None, wall_s=0, node="", attempts=1)
            else:
                r = results.get(s["id"], {"cancelled": True, "rc": None, "wall_s": 0})
                j = dict(s, **classify(s, r), rc=r.get("rc"), wall_s=r.get("wall_s", 0), node=r.get("node", ""),
                         attempts=r.get("attempts", 1))
            jobs.append(j)
        # Triage: rerun each failure with its seed in a fresh directory.
        failing = [j for j in jobs if j["verdict"] not in report.PASSING + ("cancelled",) and j["config"] not in build_fail]
        if failing and not self.a.no_triage and not self.interrupted:
            log(f"triage: rerunning {len(failing)} failing jobs with the same seeds")
            reruns = [self.test_spec(j["config"], j["test"], j["seed"], ".rerun") for j in failing]
            rr = self.run_phase(backend, reruns, "triage")
            for j, s in zip(failing, reruns):
                r = rr.get(s["id"], {"cancelled": True})
                v = classify(s, r)
                if v["verdict"] == "cancelled":
                    j["triage"] = "not rerun (cancelled)"
                elif v["verdict"] in report.PASSING:
                    j["triage"] = "flaky"
                else:
                    j["triage"] = "deterministic" if v["signature"] == j["signature"] else f"deterministic (rerun: {v['signature']})"
        for j in jobs:
            if j["verdict"] not in report.PASSING:
                j.setdefault("triage", "not rerun")
        wall = time.time() - t0
        return self.finish(jobs, wall, build_s, backend)

    def check_bench_tests(self, cfg):
        """The built bench's own list (tests.txt) against the one the testplan was checked with."""
        path = os.path.join(self.model_dir(cfg), "tests.txt")
        if os.path.exists(path):
            built = planmod.read_tests_file(path)
            diff = sorted(set(built) ^ set(self.tests))
            if diff:
                warn(f"the {cfg} bench's tests differ from verif/tb's declarations: {', '.join(diff)}")

    def benchmark(self, specs):
        log(f"benchmark: {len(specs)} jobs serially, then with {max(2, self.workers)} workers")
        times = {}
        for w in (1, max(2, self.workers)):
            b = LocalBackend(w)
            self.backend = b
            t = time.time()
            res = self.run_phase(b, [self.test_spec(s["config"], s["test"], s["seed"], f".w{w}") for s in specs], f"w{w}")
            times[w] = time.time() - t
            bad = [k for k, r in res.items() if r.get("rc") != 0]
            if bad or self.interrupted:
                log(f"benchmark: {len(bad)} jobs failed with {w} workers ({', '.join(bad[:3])}); the ratio is not meaningful")
                return 1
        w = max(2, self.workers)
        ratio = times[w] / times[1]
        log(f"benchmark: serial {times[1]:.1f} s, {w} workers {times[w]:.1f} s: wall-time ratio {ratio:.2f} "
            f"(target <= 0.60: {'met' if ratio <= 0.6 else 'NOT met'}), {os.cpu_count()} CPUs")
        return 0

    def finish(self, jobs, wall, build_s, backend):
        stats, func, dats = {}, {}, {}
        for cfg in self.cfgs:
            js = [j for j in jobs if j["config"] == cfg]
            func[cfg] = report.merge_functional([j["coverage"] for j in js])
            for j in js:
                j["func_cov"] = report.merge_functional([j["coverage"]])["percent"]
            import glob
            dats[cfg] = sorted(p for j in js for p in glob.glob(os.path.join(j["cwd"], "code_coverage", "*.dat")))
            passed = sum(j["verdict"] in report.PASSING for j in js)
            stats[cfg] = {"jobs": len(js), "passed": passed, "skipped": sum(j["verdict"] == "skip" for j in js),
                          "pass_rate": passed / len(js) if js else 0.0,
                          "func_cov": func[cfg]["percent"], "code_cov": None,
                          "wall_s": sum(j.get("wall_s", 0) for j in js), "build_s": build_s.get(cfg)}
        code_html = None
        if self.a.code_coverage:
            pct, code_html = report.merge_code_coverage(self.out, dats, os.path.join(self.out, "code_coverage.log"))
            for cfg, p in pct.items():
                stats[cfg]["code_cov"] = p
        status = "interrupted" if self.interrupted else "done"
        run = {"list": self.a.list, "backend": backend.name, "started": self.started, "wall_s": wall,
               "commit": self.commit, "host": socket.gethostname(), "workers": self.workers,
               "out_dir": self.out, "command": "qta regress " + " ".join(shlex.quote(x) for x in self.user_args),
               "status": status, "db": self.db_path}
        db = report.open_db(self.db_path)
        rid = report.record(db, run, jobs, stats)
        buckets = {}
        for j in jobs:
            if j["verdict"] not in report.PASSING:
                b = buckets.setdefault(j["signature"], {"signature": j["signature"], "jobs": [], "triage": {}})
                b["jobs"].append(j)
                b["triage"][j["triage"]] = b["triage"].get(j["triage"], 0) + 1
        buckets = sorted(buckets.values(), key=lambda b: -len(b["jobs"]))
        junit = os.path.join(self.out, "junit.xml")
        report.write_junit(junit, self.a.list, jobs)
        html_path = os.path.join(self.out, "report.html")
        slurm_stats = backend.stats if backend.name == "slurm" else None
        new_fail, flakes = report.write_html(html_path, db, rid, run, jobs, stats, self.plan, func, buckets, code_html,
                                             slurm_stats)
        db.close()
        # ---- the summary a terminal shows -------------------------------------------------------
        n_fail = sum(j["verdict"] not in report.PASSING for j in jobs)
        log(f"\n{'configuration':<16} {'jobs':>5} {'passed':>7} {'skipped':>8} {'func cov':>9} {'code cov':>9} {'job time':>9}")
        for cfg, s in stats.items():
            fc = "-" if s["func_cov"] is None else f"{s['func_cov']:.1f}%"
            cc = "-" if s["code_cov"] is None else f"{s['code_cov']:.1f}%"
            log(f"{cfg:<16} {s['jobs']:>5} {s['passed'] - s['skipped']:>7} {s['skipped']:>8} {fc:>9} {cc:>9} "
                f"{s['wall_s']:>8.1f}s")
        if buckets:
            log(f"\n{len(buckets)} failure buckets (signature: test | step | first mismatch kind):")
            for b in buckets:
                log(f"  {len(b['jobs']):>4} x {b['signature']}  [{', '.join(f'{k} {v}' for k, v in b['triage'].items())}]")
            log("reproduce:")
            for j in jobs:
                if j["verdict"] not in report.PASSING:
                    log(f"  {j['id']} ({j['verdict']}, {j['triage']}): {j['reproduce']}")
        if slurm_stats:
            for ph, s in slurm_stats.items():
                log(f"slurm {ph}: {s['jobs']} jobs in {s['wall_s']:.1f} s on {s['slots']} slots: overhead per job "
                    f"{s['overhead_per_job_s']:.2f} s (first dispatch {s['dispatch_s']:.2f} s, collect latency "
                    f"{s['collect_s']:.2f} s, {s['retries']} retries)")
        log(f"\nreport: {html_path}\njunit: {junit}\ndatabase: {self.db_path} (run {rid}, {len(jobs)} job rows)"
            + (f"\ncode coverage: {code_html}" if code_html else ""))
        n_skip = sum(s["skipped"] for s in stats.values())
        log(f"{len(jobs) - n_fail - n_skip} passed, {n_fail} failed, {n_skip} skipped ({len(flakes)} flaky, "
            f"{len(new_fail)} new) in {wall:.1f} s")
        if self.interrupted:
            return 130
        return 1 if n_fail else 0


def main(argv):
    a = parse_args(argv)
    if a.run_task is not None:
        import slurm
        return slurm.run_task(a.run_task, int(a.index))
    r = Run(a)
    # the arguments a user typed (qta regress adds --qta/--source/--build first)
    user, skip = [], False
    for i, x in enumerate(argv):
        if skip:
            skip = False
            continue
        if x in ("--qta", "--source", "--build") and i < 6:
            skip = True
            continue
        user.append(x)
    r.user_args = user
    try:
        return r.main()
    except BadInput as e:
        print(f"[error] {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("[error] interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
