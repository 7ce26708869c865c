"""Jobs: running one (clean work directory, time limit, process group), classifying its result,
failure signatures, and the local backend (a pool of worker threads)."""
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor, as_completed

KILL_GRACE_S = 3


def execute(spec, stop_event=None, procs=None, lock=None):
    """Runs spec (argv, env, cwd, log, timeout_s) in a fresh work directory; returns a dict with
    rc, timed_out, start, end, wall_s. The job runs in its own process group, so a time limit or a
    cancel kills everything it started."""
    cwd = spec["cwd"]
    shutil.rmtree(cwd, ignore_errors=True)
    os.makedirs(cwd, exist_ok=True)
    env = dict(os.environ)
    env.update(spec.get("env", {}))
    t0 = time.time()
    res = {"rc": None, "timed_out": False, "cancelled": False, "start": t0}
    if stop_event is not None and stop_event.is_set():
        res.update(cancelled=True, end=t0, wall_s=0.0, rc=-signal.SIGINT)
        return res
    with open(spec["log"], "wb") as log:
        try:
            p = subprocess.Popen(spec["argv"], cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                 stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as e:
            log.write(f"cannot start {spec['argv'][0]}: {e.strerror}\n".encode())
            res.update(rc=127, end=time.time(), wall_s=time.time() - t0, start_error=str(e))
            return res
        if procs is not None:
            with lock:
                procs.add(p)
        deadline = t0 + spec["timeout_s"]
        while True:
            try:
                res["rc"] = p.wait(timeout=0.05)
                # a cancel may have signalled the group directly (LocalBackend.cancel)
                res["cancelled"] = stop_event is not None and stop_event.is_set() and res["rc"] < 0
                break
            except subprocess.TimeoutExpired:
                pass
            if time.time() > deadline or (stop_event is not None and stop_event.is_set()):
                res["timed_out"] = time.time() > deadline
                res["cancelled"] = not res["timed_out"]
                kill_group(p)
                res["rc"] = p.wait()
                break
        if procs is not None:
            with lock:
                procs.discard(p)
    res["end"] = time.time()
    res["wall_s"] = res["end"] - t0
    if res["timed_out"]:
        with open(spec["log"], "ab") as log:
            log.write(f"\n[regress] killed at the job time limit of {spec['timeout_s']} s\n".encode())
    return res


def kill_group(p):
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            return
        try:
            p.wait(timeout=KILL_GRACE_S)
            return
        except subprocess.TimeoutExpired:
            continue


def _norm(text):
    """A message part with its numbers replaced, so one bug's failures share a signature."""
    text = re.sub(r"0x[0-9a-fA-F]+", "#", text)
    text = re.sub(r"-?\d+(\.\d+)?", "#", text)
    return re.sub(r"\s+", " ", text).strip()


def signature_of(test, message):
    """(test, step, first mismatch kind) from a bench failure message such as
    'TestFailure: accel.cpp:302: check failed: 8x8x8 WS int32: first mismatch at index 2 (...): ...'."""
    msg = re.sub(r"\((test seed|seed|reproduce)[^)]*\)", "", message or "")
    msg = re.sub(r"reproduce: .*", "", msg)
    m = re.search(r"check failed: (.*)", msg)
    if m:
        parts = [p for p in m.group(1).split(": ") if p.strip()]
        step = _norm(parts[0]) if parts else "?"
        kind = parts[1] if len(parts) > 1 else "check failed"
        kind = re.split(r"\s(at|of|=)\s|\d|\(", kind)[0].strip() or "check failed"
        return f"{test} | {step} | {kind}"
    words = _norm(msg.replace("TestFailure:", "")).split()
    return f"{test} | - | {' '.join(words[:6]) or 'failure'}"


def read_results(path):
    """The bench's results.xml: [(name, status, message, time, sim_time_ns)], status pass/fail/skip."""
    rows = []
    root = ET.parse(path).getroot()
    for tc in root.iter("testcase"):
        status, message = "pass", ""
        for tag in ("failure", "error"):
            el = tc.find(tag)
            if el is not None:
                status, message = "fail", el.get("message") or (el.text or "")
        if tc.find("skipped") is not None:
            status = "skip"
        rows.append((tc.get("name", "?"), status, message, float(tc.get("time") or 0),
                     float(tc.get("sim_time_ns") or 0)))
    return rows


def classify(job, res):
    """Verdict, signature and message of one executed test job."""
    test = job["test"]
    out = {"verdict": "pass", "signature": "", "message": ""}
    if res.get("cancelled"):
        out.update(verdict="cancelled", signature=f"{test} | - | cancelled", message="cancelled before it finished")
        return out
    if res.get("lost"):
        out.update(verdict="error", signature=f"{test} | - | lost", message=res.get("lost"))
        return out
    if res.get("timed_out"):
        out.update(verdict="timeout", signature=f"{test} | - | time limit",
                   message=f"killed at the job time limit of {job['timeout_s']} s")
        return out
    rc = res.get("rc")
    rows = []
    results = job.get("results")
    if results and os.path.exists(results):
        try:
            rows = read_results(results)
        except (ET.ParseError, OSError) as e:
            out.update(verdict="error", signature=f"{test} | - | unreadable results.xml", message=str(e))
            return out
    fails = [r for r in rows if r[1] == "fail"]
    if fails:
        out.update(verdict="fail", signature=signature_of(fails[0][0], fails[0][2]), message=fails[0][2])
    elif rc is not None and rc < 0:
        out.update(verdict="killed", signature=f"{test} | - | killed by signal {-rc}",
                   message=f"the job was killed by signal {-rc} ({signal.Signals(-rc).name if -rc in signal.Signals._value2member_map_ else '?'})")
    elif rc != 0:
        out.update(verdict="error", signature=f"{test} | - | exit {rc}" + (" without results" if not rows else ""),
                   message=f"exit code {rc}" + ("; no results.xml" if not rows else "") + tail(job.get("log")))
    elif not rows:
        out.update(verdict="error", signature=f"{test} | - | no results", message="exit 0 but no results.xml")
    elif all(r[1] == "skip" for r in rows):
        out["verdict"] = "skip"
    return out


def tail(path, n=5):
    try:
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()[-n:]
        return ("; log: " + " / ".join(lines)) if lines else ""
    except (OSError, TypeError):
        return ""


class LocalBackend:
    """Jobs as child processes of this runner, at most `workers` at a time."""
    name = "local"

    def __init__(self, workers):
        self.workers = workers
        self.stop = threading.Event()
        self.procs = set()
        self.lock = threading.Lock()
        self.stats = {}

    def cancel(self):
        self.stop.set()
        with self.lock:
            for p in list(self.procs):
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass

    def run(self, specs, on_done, phase):
        """Runs every spec; on_done(spec, result) as each finishes; returns {id: result}."""
        results = {}
        t0 = time.time()
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            futs = {pool.submit(execute, s, self.stop, self.procs, self.lock): s for s in specs}
            for f in as_completed(futs):
                s = futs[f]
                try:
                    r = f.result()
                except Exception as e:  # a worker that failed is a reported failure, not a lost job
                    r = {"rc": None, "lost": f"worker failed: {e}", "start": t0, "end": time.time(), "wall_s": 0}
                r["node"] = "localhost"
                results[s["id"]] = r
                on_done(s, r)
        self.stats[phase] = {"wall_s": time.time() - t0, "jobs": len(specs)}
        return results


def write_json_atomic(path, data):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(data, f)
    os.replace(tmp, path)
