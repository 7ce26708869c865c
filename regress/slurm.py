"""The SLURM backend: a phase's jobs submitted as one job array (sbatch), polled with squeue and
scontrol (not sbatch --wait, which polls at 2, 8, then 32 s), collected from the result file
each task writes, cancelled with scancel on Ctrl-C, and resubmitted when a task ends without a
result (a node that failed or was taken down), up to --retries times.

Also the single-node cluster the tests start (SingleNodeCluster): munged, slurmctld and slurmd
from Debian's packages, as root, without systemd, everything in one temporary directory, the
daemons started and stopped by their PIDs (../shared/design/slurm.md has the measured facts).
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

from jobs import write_json_atomic
from plan import BadInput

TOOLS = ("sbatch", "squeue", "scontrol", "scancel")


def _cmd(argv, timeout=20):
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return 124, "", f"{argv[0]} timed out after {timeout} s"
    except OSError as e:
        return 127, "", f"{argv[0]}: {e.strerror}"


def check_reachable():
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        raise BadInput(f"--backend slurm: '{missing[0]}' is not installed (Debian package slurm-client); "
                       "valid backends here: local")
    conf = os.environ.get("SLURM_CONF", "/etc/slurm/slurm.conf")
    if not os.path.isfile(conf):
        raise BadInput(f"--backend slurm: no SLURM controller is reachable: there is no configuration {conf} "
                       "(set SLURM_CONF, use --local-cluster to start a single-node cluster, or --backend local)")
    rc, out, err = _cmd(["scontrol", "ping"], timeout=15)
    if rc != 0 or "UP" not in out:
        conf = os.environ.get("SLURM_CONF", "/etc/slurm/slurm.conf")
        raise BadInput(f"--backend slurm: no SLURM controller is reachable (scontrol ping with SLURM_CONF={conf}: "
                       f"{(out + err).strip().splitlines()[-1] if (out + err).strip() else 'no answer'}); "
                       "start one, set SLURM_CONF, or use --backend local")


def job_field(text, key):
    for word in text.split():
        if word.startswith(key + "="):
            return word[len(key) + 1:]
    return ""


class SlurmBackend:
    name = "slurm"

    def __init__(self, workers, out_dir, python, script, retries=2, partition=None, poll_s=0.25, log=print):
        self.workers, self.out_dir, self.python, self.script = workers, out_dir, python, script
        self.retries, self.partition, self.poll_s, self.log = retries, partition, poll_s, log
        self.stopping = False
        self.jobids = []
        self.stats = {}

    def cancel(self):
        self.stopping = True

    def _scancel_all(self):
        if self.jobids:
            _cmd(["scancel"] + [str(j) for j in self.jobids], timeout=30)

    def _submit(self, d, specs_file, indices, time_limit_s):
        script = os.path.join(d, "task.sh")
        if not os.path.exists(script):
            with open(script, "w") as f:
                f.write("#!/bin/sh\n# one array task of a qta regress phase\n"
                        f"exec {self.python} {self.script} --run-task {specs_file} --index $SLURM_ARRAY_TASK_ID\n")
            os.chmod(script, 0o755)
        array = ",".join(str(i) for i in indices) + f"%{self.workers}"
        argv = ["sbatch", "--parsable", f"--array={array}", f"--job-name=qta-{os.path.basename(d)}",
                f"--output={d}/task_%A_%a.out", f"--chdir={d}", "--ntasks=1", "--cpus-per-task=1",
                # a task killed with its node is resubmitted by this runner (counted, bounded by --retries),
                # not requeued by SLURM (a requeued job waits about 2 minutes before it is eligible again)
                "--no-requeue",
                f"--time={max(1, (time_limit_s + 119) // 60)}"]
        if self.partition:
            argv.append(f"--partition={self.partition}")
        rc, out, err = _cmd(argv + [script], timeout=60)
        if rc != 0:
            raise RuntimeError(f"sbatch failed: {(out + err).strip()}")
        jobid = int(out.strip().split(";")[0])
        self.jobids.append(jobid)
        return jobid

    def _live(self, jobids):
        """{(jobid, index): (state, node)} of the tasks squeue still shows; None if squeue failed."""
        rc, out, _ = _cmd(["squeue", "-h", "-r", "-j", ",".join(map(str, jobids)), "-o", "%i|%T|%N"], timeout=30)
        if rc != 0:
            return None
        live = {}
        for line in out.splitlines():
            parts = line.strip().split("|")
            if len(parts) == 3 and "_" in parts[0]:
                j, i = parts[0].split("_", 1)
                if i.isdigit():
                    live[(int(j), int(i))] = (parts[1], parts[2])
        return live

    def run(self, specs, on_done, phase):
        d = os.path.join(self.out_dir, "slurm", phase)
        os.makedirs(d, exist_ok=True)
        specs_file = os.path.join(d, "specs.json")
        for i, s in enumerate(specs):
            s["result"] = os.path.join(d, f"result_{i}.json")
            if os.path.exists(s["result"]):
                os.remove(s["result"])
        write_json_atomic(specs_file, specs)
        limit = max(s["timeout_s"] for s in specs) if specs else 60
        t0 = time.time()
        where, attempts, submitted = {}, {i: 1 for i in range(len(specs))}, {}
        jobid = self._submit(d, specs_file, list(range(len(specs))), limit)
        for i in range(len(specs)):
            where[i], submitted[i] = jobid, time.time()
        results, pending, squeue_fail_since = {}, set(range(len(specs))), None
        nodes = {}
        # A phase that makes no progress for this long (every node down, say) ends as lost jobs.
        stall_limit = limit + 600
        last_progress = time.time()
        while pending:
            if self.stopping:
                self.log(f"slurm: cancelling jobs {', '.join(map(str, self.jobids))} (scancel)")
                self._scancel_all()
                for i in sorted(pending):
                    r = {"rc": None, "cancelled": True, "start": time.time(), "end": time.time(), "wall_s": 0,
                         "node": nodes.get(i, ""), "attempts": attempts[i]}
                    results[specs[i]["id"]] = r
                    on_done(specs[i], r)
                break
            live = self._live(sorted(set(where[i] for i in pending)))
            if live is None:
                squeue_fail_since = squeue_fail_since or time.time()
                if time.time() - squeue_fail_since > 120:
                    raise RuntimeError("squeue has failed for 120 s: the SLURM controller is gone")
                time.sleep(1)
                continue
            squeue_fail_since = None
            retry = []
            for i in sorted(pending):
                key = (where[i], i)
                if key in live:
                    if live[key][1]:
                        nodes[i] = live[key][1]
                    continue
                r = None
                if os.path.exists(specs[i]["result"]):
                    try:
                        with open(specs[i]["result"]) as f:
                            r = json.load(f)
                    except (OSError, json.JSONDecodeError):
                        r = None
                if r is None:
                    _, info, _ = _cmd(["scontrol", "-o", "show", "job", f"{where[i]}_{i}"], timeout=30)
                    state = job_field(info, "JobState") or "unknown (no longer known to slurmctld)"
                    node = job_field(info, "NodeList") or nodes.get(i, "")
                    if attempts[i] <= self.retries:
                        self.log(f"slurm: {specs[i]['id']} ended without a result (JobState={state}, node {node or '?'}); "
                                 f"retry {attempts[i]} of {self.retries}")
                        attempts[i] += 1
                        retry.append(i)
                        continue
                    r = {"rc": None, "lost": f"no result after {attempts[i]} attempts (last JobState={state}, node {node})",
                         "start": time.time(), "end": time.time(), "wall_s": 0}
                r.setdefault("node", nodes.get(i, ""))
                r["attempts"] = attempts[i]
                r["submitted"] = submitted[i]
                r["collected"] = time.time()
                results[specs[i]["id"]] = r
                pending.discard(i)
                last_progress = time.time()
                on_done(specs[i], r)
            if retry:
                jobid = self._submit(d, specs_file, retry, limit)
                for i in retry:
                    where[i], submitted[i] = jobid, time.time()
                last_progress = time.time()
            if pending and time.time() - last_progress > stall_limit:
                self.log(f"slurm: no job of phase {phase} finished for {stall_limit} s; cancelling the rest")
                self._scancel_all()
                for i in sorted(pending):
                    r = {"rc": None, "lost": f"no progress for {stall_limit} s (nodes down?)", "start": time.time(),
                         "end": time.time(), "wall_s": 0, "attempts": attempts[i]}
                    results[specs[i]["id"]] = r
                    on_done(specs[i], r)
                break
            if pending:
                time.sleep(self.poll_s)
        wall = time.time() - t0
        done = [r for r in results.values() if "task_start" in r]
        payload = sum(r.get("wall_s", 0) for r in done)
        slots = max(1, min(self.workers, len(specs)))
        self.stats[phase] = {
            "wall_s": wall, "jobs": len(specs), "payload_s": payload, "slots": slots,
            # slot-seconds not spent in a job's own command, per job: submit, schedule, start, collect
            "overhead_per_job_s": (wall * slots - payload) / max(1, len(specs)),
            "dispatch_s": min((r["task_start"] - r["submitted"] for r in done), default=0.0),
            "collect_s": sum(r["collected"] - r["end"] for r in done) / max(1, len(done)),
            "retries": sum(a - 1 for a in attempts.values()),
        }
        return results


def run_task(specs_file, index):
    """Inside a SLURM array task: run spec[index] like a local worker, write its result file."""
    from jobs import execute
    import threading
    task_start = time.time()
    with open(specs_file) as f:
        spec = json.load(f)[index]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # scancel: kill the job's process group, then exit
    res = execute(spec, stop)
    res["task_start"] = task_start
    res["node"] = os.environ.get("SLURMD_NODENAME", socket.gethostname())
    if res.get("cancelled"):
        return 143  # no result: a cancelled or killed task is retried or reported by the runner
    write_json_atomic(spec["result"], res)
    return 0


class SingleNodeCluster:
    """munged + slurmctld + slurmd on this machine, in `root` (a temporary directory)."""

    def __init__(self, root, log=print):
        self.root = os.path.abspath(root)
        self.log = log
        self.pids = {}
        self.host = socket.gethostname().split(".")[0]
        self.conf = os.path.join(self.root, "slurm.conf")
        self.env = dict(os.environ, SLURM_CONF=self.conf)

    @staticmethod
    def available():
        return all(shutil.which(t) for t in ("munged", "mungekey", "slurmctld", "slurmd") + TOOLS)

    def _free_port(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def _spawn(self, name, argv):
        log = open(os.path.join(self.root, "log", f"{name}.out"), "wb")
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                             start_new_session=True, env=self.env)
        self.pids[name] = p
        return p

    def _wait(self, what, check, timeout=30):
        t0 = time.time()
        while time.time() - t0 < timeout:
            if check():
                return time.time() - t0
            for n, p in self.pids.items():
                if p.poll() is not None:
                    raise RuntimeError(f"{n} exited with {p.returncode} while waiting for {what}; log: "
                                       f"{self.root}/log/{n}.out, {self.root}/log/{n}.log")
            time.sleep(0.1)
        raise RuntimeError(f"timed out after {timeout} s waiting for {what}; logs in {self.root}/log")

    def start(self):
        t0 = time.time()
        r = self.root
        for sub in ("munge", "state", f"spool/{self.host}", "log"):
            os.makedirs(os.path.join(r, sub), exist_ok=True)
        os.chmod(os.path.join(r, "munge"), 0o700)
        key = os.path.join(r, "munge", "munge.key")
        if not os.path.exists(key):
            subprocess.run(["mungekey", "--create", f"--keyfile={key}"], check=True, capture_output=True)
        os.chmod(key, 0o400)
        sock = os.path.join(r, "munge", "munge.socket.2")
        rc, out, _ = _cmd(["slurmd", "-C"])
        node_line = out.splitlines()[0] if rc == 0 and out else f"NodeName={self.host} CPUs={os.cpu_count()}"
        node_words = [w for w in node_line.split() if not w.startswith(("NodeName=", "UpTime="))]
        with open(os.path.join(r, "plugstack.conf"), "w"):
            pass
        conf = {
            "ClusterName": "qta", "SlurmctldHost": f"{self.host}(127.0.0.1)",
            "SlurmctldPort": self._free_port(), "SlurmdPort": self._free_port(),
            "AuthType": "auth/munge", "CredType": "cred/munge", "AuthInfo": f"socket={sock}",
            "SlurmUser": "root", "SlurmdUser": "root",
            "StateSaveLocation": f"{r}/state", "SlurmdSpoolDir": f"{r}/spool/%n",
            "SlurmctldPidFile": f"{r}/slurmctld.pid", "SlurmdPidFile": f"{r}/slurmd.pid",
            "SlurmctldLogFile": f"{r}/log/slurmctld.log", "SlurmdLogFile": f"{r}/log/slurmd.log",
            "ProctrackType": "proctrack/linuxproc", "TaskPlugin": "task/none",
            "JobAcctGatherType": "jobacct_gather/none", "JobContainerType": "job_container/none",
            "AccountingStorageType": "accounting_storage/none",
            "JobCompType": "jobcomp/filetxt", "JobCompLoc": f"{r}/jobcomp.txt",
            "SelectType": "select/cons_tres", "SelectTypeParameters": "CR_Core",
            "MpiDefault": "none", "MailProg": "/bin/true", "PlugStackConfig": f"{r}/plugstack.conf",
            "ReturnToService": 2, "MinJobAge": 300, "SchedulerType": "sched/builtin",
            "SlurmctldTimeout": 30, "SlurmdTimeout": 30, "InactiveLimit": 0, "KillWait": 5,
        }
        with open(self.conf, "w") as f:
            for k, v in conf.items():
                f.write(f"{k}={v}\n")
            f.write(f"NodeName={self.host} NodeAddr=127.0.0.1 {' '.join(node_words)} State=UNKNOWN\n")
            f.write(f"PartitionName=qta Nodes={self.host} Default=YES MaxTime=INFINITE State=UP\n")
        self._spawn("munged", ["munged", f"--key-file={key}", f"--socket={sock}", f"--pid-file={r}/munge/munged.pid",
                               f"--log-file={r}/log/munged.log", f"--seed-file={r}/munge/munged.seed", "--force",
                               "--foreground"])
        self._wait("munged's socket", lambda: os.path.exists(sock))
        self._spawn("slurmctld", ["slurmctld", "-D", "-f", self.conf, "-c", "-i"])
        self._wait("slurmctld (scontrol ping)", lambda: "UP" in self.ctl(["scontrol", "ping"])[1])
        self._spawn("slurmd", ["slurmd", "-D", "-f", self.conf])
        self._wait("the node to be idle (sinfo)", lambda: self.ctl(["sinfo", "-h", "-N", "-o", "%T"])[1].strip() == "idle")
        self.start_s = time.time() - t0
        return self

    def ctl(self, argv, timeout=20):
        try:
            p = subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=timeout,
                               stdin=subprocess.DEVNULL)
            return p.returncode, p.stdout + p.stderr
        except subprocess.TimeoutExpired:
            return 124, ""

    @staticmethod
    def _alive(pid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
            return state not in ("Z", "X")
        except (OSError, IndexError):
            return False

    def stop(self):
        """Jobs first (scancel), then slurmd, slurmctld, munged, each by its PID."""
        t0 = time.time()
        if "slurmctld" in self.pids and self.pids["slurmctld"].poll() is None:
            self.ctl(["scancel", "--user=root"], timeout=15)
        for name in ("slurmd", "slurmctld", "munged"):
            p = self.pids.get(name)
            if p is None:
                continue
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        self.stop_s = time.time() - t0
        return [n for n, p in self.pids.items() if self._alive(p.pid)]
