#!/usr/bin/env python3
"""Mutation testing of the RTL templates: does the verification suite catch real bugs?

Makes single-point mutants of templates/*.v.mustache by pattern (operators, constants,
conditions, reset values, dropped resets, dropped top bits of latched inputs), renders each with
`qta gen` (QTA_TEMPLATE_DIR pointing at a mutated copy of templates/), and classifies it:

  not_generated  the rendered RTL is identical to the original (the line is in a template section
                 this configuration does not use): not counted
  stillborn      Verilator rejects the mutant (verilator --lint-only, errors only)
  equivalent     Verilator's C++ model of the mutant is identical to the original's: no test can
                 tell them apart (this includes generate branches the configuration does not
                 elaborate, e.g. the banked buffer at banks = 1: run a banked configuration too)
  killed         `qta verify` fails on it (exit 1), or it adds a `verilator --lint-only -Wall`
                 warning (the original is -Wall clean and the gen.lint.* tests keep it so)
  survived       `qta verify` passes: a hole in the bench (counted: kill it with a test)
  explained      survived, and scripts/mutate_survivors.json says why it is equivalent (not counted)
  error          the tool or qta failed for another reason (exit 3, timeout): counted as a failure

Mutants are named by pattern, not by line number: <file>:<operator>:<n>, the n-th site of that
operator in that file, and a survivor's explanation is keyed by file, operator and the text of the
original and mutated line, so explanations survive unrelated edits.

Usage:
  scripts/mutate.py --list [--config default_8x8]
  scripts/mutate.py --config default_8x8 --suite all --jobs 2 [--sample 40 --seed 1] [--out DIR]
  scripts/mutate.py --only 'qta_scheduler.v:drop_msb:*' --expect-killed   (make test)
Exit: 0 when the kill rate is at least --min-kill (and, with --expect-killed, every selected
mutant is killed), 1 otherwise, 2 for bad input.
"""
import argparse
import concurrent.futures
import fnmatch
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, asdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SURVIVORS_FILE = os.path.join(ROOT, "scripts", "mutate_survivors.json")


def die(msg):
    print(f"mutate: {msg}", file=sys.stderr)
    sys.exit(2)


# ------------------------------------------------------------------------------ operators
# Each operator: name -> list of (compiled pattern, replacement). The pattern is applied to the
# code part of a line (before any // comment); every match is one site.
def _subs(*pairs):
    return [(re.compile(p), r) for p, r in pairs]


OPERATORS = {
    # relational (only with spaces around: never a shift, an arrow or a non-blocking assignment)
    "rel": _subs((r"(?<=\s)>(?=\s)", ">="), (r"(?<=\s)>=(?=\s)", ">"), (r"(?<=\s)<(?=\s)", "<=")),
    "eq": _subs((r"(?<=\s)==(?=\s)", "!="), (r"(?<=\s)!=(?=\s)", "==")),
    "logic": _subs((r"(?<=\s)&&(?=\s)", "||"), (r"(?<=\s)\|\|(?=\s)", "&&")),
    "arith": _subs((r"(?<=\s)\+(?=\s)", "-"), (r"(?<=\s)-(?=\s)", "+")),
    "bit": _subs((r"(?<=\s)&(?=\s)", "|"), (r"(?<=\s)\|(?=\s)", "&"), (r"(?<=\s)\^(?=\s)", "|")),
    "not": _subs((r"!(?=[(\w])(?!=)", "")),
    "const_bit": _subs((r"1'b1", "1'b0"), (r"1'b0", "1'b1")),
    # a sized decimal constant plus one (4'd0 -> 4'd1, 6'd32 -> 6'd33)
    "const_dec": [(re.compile(r"\b(\d+)'d(\d+)\b"), lambda m: f"{m.group(1)}'d{int(m.group(2)) + 1}")],
}

IF_RE = re.compile(r"\bif \((.*)\)")
# one non-blocking assignment statement: target, optional index, right-hand side
NBA_RE = re.compile(r"\b(\w+)(\[[^\]]*\])?\s*<=\s*([^;]+);")
RESET_IF_RE = re.compile(r"if \(!rst_ni\)")


@dataclass
class Mutant:
    id: str
    file: str
    operator: str
    line_no: int
    original: str
    mutated: str
    status: str = ""
    detail: str = ""
    seconds: float = 0.0
    explanation: str = ""

    def describe(self):
        return f"{self.file}: {self.original.strip()} => {self.mutated.strip()}"

    def key(self):
        return f"{self.file}|{self.operator}|{self.original.strip()}|{self.mutated.strip()}"


def code_part(line):
    i = line.find("//")
    return (line, "") if i < 0 else (line[:i], line[i:])


def is_template_only(line):
    s = line.strip()
    return s.startswith("<%") or s.startswith("{{") or s.startswith("//") or not s


def find_mutants(template_dir):
    """Every single-point mutant of every Verilog template, in a stable order."""
    mutants = []
    for name in sorted(os.listdir(template_dir)):
        if not name.endswith(".v.mustache"):
            continue
        short = name[: -len(".mustache")]
        lines = open(os.path.join(template_dir, name)).read().split("\n")
        counters = {}

        def add(op, i, new_line):
            n = counters.get(op, 0)
            counters[op] = n + 1
            mutants.append(Mutant(f"{short}:{op}:{n}", name, op, i + 1, lines[i], new_line))

        in_reset = False
        for i, line in enumerate(lines):
            if is_template_only(line) or "<%" in line:
                continue
            code, comment = code_part(line)
            if re.match(r"\s*(module|input|output|parameter|localparam\s+integer)\b", code):
                continue  # ports and widths: mutants there are stillborn or structural
            for op, subs in OPERATORS.items():
                for pat, rep in subs:
                    for m in pat.finditer(code):
                        r = rep(m) if callable(rep) else rep
                        add(op, i, code[: m.start()] + r + code[m.end():] + comment)
            m = IF_RE.search(code)
            if m and not RESET_IF_RE.search(code):
                add("cond_negate", i, code[: m.start(1)] + "!(" + m.group(1) + ")" + code[m.end(1):] + comment)
            nbas = [] if re.match(r"\s*(wire|assign|reg)\b", code) else list(NBA_RE.finditer(code))
            # the top bit of an input port is lost where a register latches it
            for st in nbas:
                for src in re.finditer(r"\b(\w+_i)\b(?!\s*\[)", st.group(3)):
                    a0, a1 = st.start(3) + src.start(), st.start(3) + src.end()
                    x = src.group(1)
                    add("drop_msb", i, code[:a0] + f"{{1'b0, {x}[$bits({x})-2:0]}}" + code[a1:] + comment)
            # dropped reset: one assignment inside an `if (!rst_ni) begin ... end` block disappears
            if RESET_IF_RE.search(code) and code.rstrip().endswith("begin"):
                in_reset = True
                continue
            if in_reset:
                if re.match(r"\s*end\b", code):
                    in_reset = False
                else:
                    for st in nbas:
                        add("reset_drop", i, code[: st.start()] + code[st.end():] + comment)
    return mutants


# ------------------------------------------------------------------------------ running
def run(argv, cwd=None, env=None, timeout=None, log=None):
    t0 = time.monotonic()
    try:
        p = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout,
                           text=True, errors="replace")
        out, rc = p.stdout, p.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or ""), None
    except OSError as e:  # e.g. the executable is being relinked: an error of this mutant, not a crash
        out, rc = f"cannot run {argv[0]}: {e}", -1
    if log:
        with open(log, "a") as f:
            f.write(f"$ {' '.join(argv)}\n{out}\n[exit {rc}, {time.monotonic() - t0:.1f} s]\n")
    return rc, out


def tree_digest(d, suffixes):
    h = hashlib.sha256()
    for root, _, files in sorted(os.walk(d)):
        for f in sorted(files):
            if f.endswith(suffixes):
                h.update(f.encode())
                with open(os.path.join(root, f), "rb") as fh:
                    h.update(fh.read())
    return h.hexdigest()


class Runner:
    def __init__(self, a):
        self.a = a
        self.out = a.out
        os.makedirs(self.out, exist_ok=True)
        # A snapshot of qta: a rebuild of build/qta during a long run must not change (or break)
        # the tool the mutants are judged with.
        self.qta = os.path.join(self.out, "qta")
        shutil.copy2(a.qta, self.qta)
        self.lock = threading.Lock()
        self.config_args = ["--config", a.config]
        os.makedirs(self.out, exist_ok=True)
        self.ref = self.reference()

    def gen(self, template_dir, out_dir, log):
        env = dict(os.environ, QTA_TEMPLATE_DIR=template_dir)
        rc, out = run([self.qta, "gen", *self.config_args, "--out", out_dir, "-q"], env=env, log=log)
        return rc, out

    def lint(self, gen_dir, log):
        """verilator --lint-only -Wall, as the gen.lint.* tests run it: (clean, first message)."""
        rc, out = run(["verilator", "--lint-only", "-Wall", "--top-module", "qta_top", "-f", "qta_top.f"],
                      cwd=gen_dir, log=log)
        msgs = [l for l in out.splitlines() if l.startswith(("%Warning", "%Error")) and "Exiting due to" not in l]
        return rc == 0 and not msgs, (msgs[0] if msgs else "")

    def verilate(self, gen_dir, mdir, log):
        """The C++ Verilator makes of gen_dir (errors only) and a digest of that C++."""
        shutil.rmtree(mdir, ignore_errors=True)
        rc, out = run(["verilator", "--cc", "-Wno-fatal", "-Wno-lint", "-Wno-style", "--top-module", "qta_top",
                       "-f", "qta_top.f", "--Mdir", mdir, "+define+QTA_DPI_BACKDOOR"], cwd=gen_dir, log=log)
        if rc != 0:
            return None, out
        return tree_digest(mdir, (".cpp", ".h")), out

    def reference(self):
        d = os.path.join(self.out, "reference")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        log = os.path.join(d, "log.txt")
        rc, out = self.gen(os.path.join(ROOT, "templates"), os.path.join(d, "gen"), log)
        if rc != 0:
            die(f"qta gen {' '.join(self.config_args)} failed on the unmutated templates (exit {rc}): {out.strip()[-400:]}")
        digest, out = self.verilate(os.path.join(d, "gen"), os.path.join(d, "vl"), log)
        if digest is None:
            die(f"the unmutated RTL does not verilate; see {log}")
        clean, msg = self.lint(os.path.join(d, "gen"), log)
        if not clean:
            die(f"the unmutated RTL is not lint-clean ({msg}); see {log}")
        return {"rtl": tree_digest(os.path.join(d, "gen", "rtl"), (".v",)), "model": digest}

    def verify_argv(self, work):
        argv = [self.qta, "verify", *self.config_args, "--suite", self.a.suite, "--seed", str(self.a.verify_seed),
                "--random-cases", str(self.a.random_cases), "--work", work]
        if self.a.xcheck:
            argv += ["--xcheck", str(self.a.xcheck)]
        return argv

    def baseline(self, worker_dirs):
        """The unmutated RTL passes the suite (else every mutant would look killed); also warms
        each worker's model build, so mutants only recompile what they change (ccache)."""
        for w in worker_dirs:
            log = os.path.join(self.out, "reference", "verify.log")
            env = dict(os.environ, QTA_TEMPLATE_DIR=os.path.join(ROOT, "templates"))
            rc, out = run(self.verify_argv(w), env=env, log=log, timeout=self.a.timeout)
            if rc != 0:
                die(f"the unmutated RTL fails `{' '.join(self.verify_argv(w))}` (exit {rc}); see {log}")

    def one(self, m, work):
        t0 = time.monotonic()
        mdir = os.path.join(self.out, "mutants", m.id.replace(":", "_"))
        shutil.rmtree(mdir, ignore_errors=True)
        os.makedirs(mdir)
        log = os.path.join(mdir, "log.txt")
        tdir = os.path.join(mdir, "templates")
        shutil.copytree(os.path.join(ROOT, "templates"), tdir)
        path = os.path.join(tdir, m.file)
        lines = open(path).read().split("\n")
        assert lines[m.line_no - 1] == m.original
        lines[m.line_no - 1] = m.mutated
        open(path, "w").write("\n".join(lines))
        with open(os.path.join(mdir, "mutant.diff"), "w") as f:
            f.write(f"--- templates/{m.file}:{m.line_no}\n-{m.original}\n+{m.mutated}\n")
        try:
            rc, out = self.gen(tdir, os.path.join(mdir, "gen"), log)
            if rc != 0:
                m.status, m.detail = "stillborn", f"qta gen exit {rc}"
                return m
            if tree_digest(os.path.join(mdir, "gen", "rtl"), (".v",)) == self.ref["rtl"]:
                m.status, m.detail = "not_generated", "the rendered RTL is unchanged"
                return m
            digest, out = self.verilate(os.path.join(mdir, "gen"), os.path.join(mdir, "vl"), log)
            shutil.rmtree(os.path.join(mdir, "vl"), ignore_errors=True)
            if digest is None:
                err = next((l for l in out.splitlines() if l.startswith("%Error")), "verilator failed")
                m.status, m.detail = "stillborn", err[:200]
                return m
            if digest == self.ref["model"]:
                m.status, m.detail = "equivalent", "Verilator's C++ model is identical to the original's"
                return m
            # The original is -Wall clean on every configuration and the gen.lint.* tests keep it
            # so: a mutant that adds a lint warning (an index past the end, a width mismatch) is
            # caught there.
            clean, msg = self.lint(os.path.join(mdir, "gen"), log)
            if not clean:
                m.status, m.detail = "killed", f"by lint (gen.lint.*): {msg[:200]}"
                return m
            env = dict(os.environ, QTA_TEMPLATE_DIR=tdir)
            rc, out = run(self.verify_argv(work), env=env, log=log, timeout=self.a.timeout)
            if rc is None:
                m.status, m.detail = "killed", f"timed out after {self.a.timeout} s (a hang counts as caught)"
            elif rc == 1:
                fail = next((l.strip() for l in out.splitlines() if "FAIL" in l or "mismatch" in l), "")
                m.status, m.detail = "killed", fail[:240]
            elif rc == 0:
                m.status = "survived"
            else:
                m.status, m.detail = "error", f"qta verify exit {rc}: {out.strip()[-300:]}"
            return m
        finally:
            m.seconds = time.monotonic() - t0
            if m.status in ("killed", "not_generated", "equivalent"):
                shutil.rmtree(tdir, ignore_errors=True)
                shutil.rmtree(os.path.join(mdir, "gen"), ignore_errors=True)


def summarize(mutants):
    blocks = {}
    for m in mutants:
        b = blocks.setdefault(m.file.replace(".v.mustache", ""), {})
        b[m.status] = b.get(m.status, 0) + 1
    lines = [f"{'block':<16} {'mutants':>7} {'killed':>7} {'survived':>8} {'explained':>9} {'stillborn':>9} "
             f"{'equivalent':>10} {'not gen.':>8} {'error':>5} {'kill rate':>9}"]
    tot = {}
    for name in sorted(blocks):
        b = blocks[name]
        for k, v in b.items():
            tot[k] = tot.get(k, 0) + v
        lines.append(row(name, b))
    lines.append(row("all", tot))
    return lines, tot


def counted(b):
    return b.get("killed", 0) + b.get("survived", 0) + b.get("error", 0)


def rate(b):
    n = counted(b)
    return 100.0 * b.get("killed", 0) / n if n > 0 else 100.0


def row(name, b):
    total = sum(b.values())
    return (f"{name:<16} {total:>7} {b.get('killed', 0):>7} {b.get('survived', 0):>8} {b.get('explained', 0):>9} "
            f"{b.get('stillborn', 0):>9} "
            f"{b.get('equivalent', 0):>10} {b.get('not_generated', 0):>8} {b.get('error', 0):>5} {rate(b):>8.1f}%")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("--qta", default=os.path.join(ROOT, "build", "qta"))
    p.add_argument("--config", default="default_8x8", help="named configuration or JSON file (default default_8x8)")
    p.add_argument("--suite", default="all")
    p.add_argument("--random-cases", type=int, default=100)
    p.add_argument("--xcheck", type=int, default=0, help="qta verify --xcheck N on every mutant")
    p.add_argument("--verify-seed", type=int, default=1)
    p.add_argument("--jobs", type=int, default=1, help="mutants verified at once (each with its own work directory)")
    p.add_argument("--timeout", type=int, default=900, help="seconds per qta verify")
    p.add_argument("--sample", type=int, default=0, help="verify a seeded random sample of N mutants (0: all)")
    p.add_argument("--seed", type=int, default=1, help="seed of --sample")
    p.add_argument("--only", action="append", default=[], help="glob over mutant ids (repeatable)")
    p.add_argument("--operator", action="append", default=[], help="only these operators (repeatable)")
    p.add_argument("--grep", action="append", default=[],
                   help="only mutants whose 'FILE: ORIGINAL => MUTATED' text matches this regex (repeatable)")
    p.add_argument("--out", default=None, help="report directory (default build/mutate/<config>)")
    p.add_argument("--min-kill", type=float, default=97.0, help="required kill rate over non-equivalent mutants, %%")
    p.add_argument("--expect-killed", action="store_true", help="fail unless every selected mutant is killed")
    p.add_argument("--list", action="store_true", help="list the mutants and exit")
    p.add_argument("--resume", default=None, metavar="REPORT_JSON",
                   help="reuse the killed, stillborn, equivalent and not_generated verdicts of an earlier "
                        "report.json for the same mutants (same text); verify the others again")
    a = p.parse_args()

    if a.jobs < 1 or a.jobs > 16:
        die(f"--jobs {a.jobs} is out of range; valid: 1..16")
    if a.sample < 0:
        die(f"--sample {a.sample} must not be negative")
    if not (0.0 <= a.min_kill <= 100.0):
        die(f"--min-kill {a.min_kill} is out of range; valid: 0..100")
    if a.timeout < 1:
        die(f"--timeout {a.timeout} must be at least 1 second")
    if not os.access(a.qta, os.X_OK):
        die(f"--qta {a.qta} is not an executable (build it with `make build`)")
    ops = set(OPERATORS) | {"cond_negate", "drop_msb", "reset_drop"}
    for o in a.operator:
        if o not in ops:
            die(f"--operator {o!r} is unknown; valid: {', '.join(sorted(ops))}")

    mutants = find_mutants(os.path.join(ROOT, "templates"))
    if a.operator:
        mutants = [m for m in mutants if m.operator in a.operator]
    if a.grep:
        try:
            pats = [re.compile(g) for g in a.grep]
        except re.error as e:
            die(f"--grep: {e}")
        mutants = [m for m in mutants if any(p.search(m.describe()) for p in pats)]
        if not mutants:
            die(f"--grep {a.grep} matches no mutant; see --list")
    if a.only:
        mutants = [m for m in mutants if any(fnmatch.fnmatchcase(m.id, g) for g in a.only)]
        if not mutants:
            die(f"--only {a.only} matches no mutant; see --list")
    if a.list:
        for m in mutants:
            print(f"{m.id:<36} line {m.line_no:>4}: {m.original.strip()}\n{'':<47}=> {m.mutated.strip() or '(nothing)'}")
        print(f"{len(mutants)} mutants")
        return 0
    if a.sample and a.sample < len(mutants):
        mutants = sorted(random.Random(a.seed).sample(mutants, a.sample), key=lambda m: (m.file, m.line_no, m.id))

    previous = {}
    if a.resume:
        try:
            previous = {m["key"]: m for m in json.load(open(a.resume))["mutants"]}
        except (OSError, ValueError, KeyError, TypeError) as e:
            die(f"--resume {a.resume}: not a report.json of this tool ({e})")
    cfg_name = os.path.splitext(os.path.basename(a.config))[0]
    a.out = os.path.abspath(a.out or os.path.join(ROOT, "build", "mutate", cfg_name))
    explained = json.load(open(SURVIVORS_FILE)) if os.path.exists(SURVIVORS_FILE) else {}
    t0 = time.monotonic()
    r = Runner(a)
    workers = [os.path.join(a.out, f"work{j}") for j in range(a.jobs)]
    print(f"mutate: {len(mutants)} mutants of templates/ on {a.config}, suite {a.suite}, {a.jobs} job(s); "
          f"report in {a.out}", flush=True)
    r.baseline(workers)
    free = list(workers)
    free_lock = threading.Lock()
    done = [0]

    def task(m):
        old = previous.get(m.key())
        if old and old["status"] in ("killed", "stillborn", "equivalent", "not_generated"):  # not survivors
            m.status, m.detail, m.seconds = old["status"], "(earlier run) " + old["detail"], 0.0
            with free_lock:
                done[0] += 1
            return m
        with free_lock:
            w = free.pop()
        try:
            r.one(m, w)
        finally:
            with free_lock:
                free.append(w)
        if m.status == "survived":
            m.explanation = explained.get(m.key(), "")
            if m.explanation:
                m.status = "explained"  # survived; equivalent, for the reason in mutate_survivors.json
        with free_lock:
            done[0] += 1
            print(f"[{done[0]:>4}/{len(mutants)}] {m.id:<36} {m.status:<13} {m.seconds:6.1f} s  {m.detail[:90]}",
                  flush=True)
        return m

    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        list(ex.map(task, mutants))

    lines, tot = summarize(mutants)
    survivors = [m for m in mutants if m.status in ("survived", "explained")]
    final_rate = rate(tot)  # explained survivors are their own status, outside the kill rate
    report = ["", f"mutation report: {a.config}, suite {a.suite}, {len(mutants)} mutants, "
              f"{time.monotonic() - t0:.0f} s wall", *lines]
    report.append(f"kill rate over non-equivalent mutants: {final_rate:.1f}% ({tot.get('killed', 0)} killed of "
                  f"{counted(tot)}; {tot.get('explained', 0)} survivor(s) explained as equivalent in "
                  f"scripts/mutate_survivors.json; required {a.min_kill:.1f}%)")
    for m in survivors:
        report.append(f"survived {m.id} (templates/{m.file}:{m.line_no}): "
                      f"{'equivalent: ' + m.explanation if m.explanation else 'NOT EXPLAINED'}")
        report.append(f"    - {m.original.strip()}\n    + {m.mutated.strip()}")
    for m in mutants:
        if m.status == "error":
            report.append(f"error {m.id}: {m.detail}")
    text = "\n".join(report)
    print(text)
    with open(os.path.join(a.out, "report.txt"), "w") as f:
        f.write(text + "\n")
    with open(os.path.join(a.out, "report.json"), "w") as f:
        json.dump({"config": a.config, "suite": a.suite, "kill_rate": final_rate, "totals": tot,
                   "mutants": [asdict(m) | {"key": m.key()} for m in mutants]}, f, indent=1)
    ok = final_rate >= a.min_kill and not any(m.status == "error" for m in mutants)
    if a.expect_killed:
        not_killed = [m for m in mutants if m.status != "killed"]
        for m in not_killed:
            print(f"expected killed: {m.id} is {m.status}; reproduce: QTA_TEMPLATE_DIR={a.out}/mutants/"
                  f"{m.id.replace(':', '_')}/templates {' '.join(r.verify_argv('WORK'))}")
        ok = ok and not not_killed
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
