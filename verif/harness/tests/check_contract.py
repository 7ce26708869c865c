#!/usr/bin/env python3
"""Checks the harness's runner contract on harness_contract_tests (test_contract.cpp).

Usage: check_contract.py <harness_contract_tests binary>
Each check prints what it verifies; the first failing check exits 1 with the command to rerun.
"""
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

BIN = os.path.abspath(sys.argv[1])
TMP = tempfile.mkdtemp(prefix="qta_harness_contract_")
BASE_ENV = {k: v for k, v in os.environ.items()
            if not k.startswith("COCOTB_") and k not in ("TESTCASE", "RANDOM_SEED", "WAVES", "WAVES_DIR")}


def run(env_extra, args=()):
    env = dict(BASE_ENV, COCOTB_RESULTS_FILE=os.path.join(TMP, "results.xml"), **env_extra)
    p = subprocess.run([BIN, *args], env=env, capture_output=True, text=True, cwd=TMP, timeout=120)
    return p, " ".join(f"{k}={v}" for k, v in env_extra.items()) + " " + " ".join([BIN, *args])


def check(cond, what, cmd, p=None):
    if not cond:
        print(f"FAIL: {what}\n  reproduce: cd {TMP} && {cmd}")
        if p is not None:
            print("  stdout tail:\n" + "\n".join(p.stdout.splitlines()[-15:]))
            print("  stderr:\n" + p.stderr)
        sys.exit(1)
    print(f"ok: {what}")


def fnv_seed(run_seed, name):
    h = 14695981039346656037
    for c in f"{run_seed}:{name}".encode():
        h = ((h ^ c) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    s = (h ^ (h >> 32)) & 0x7FFFFFFF
    return s or 1


def seed_lines(stdout):
    return [l.split("SEED ", 1)[1] for l in stdout.splitlines() if " SEED " in l]


# 1. Full run: exit code, final line, summary table, results.xml layout and counts.
p, cmd = run({"COCOTB_RANDOM_SEED": "7"})
check(p.returncode == 1, "a failing test makes the exit code 1", cmd, p)
lines = p.stdout.splitlines()
check(lines[-1] == "3 passed, 2 failed", "the last line is exactly '3 passed, 2 failed'", cmd, p)
check(any(re.match(r"^\*\* TEST +STATUS  SIM TIME \(ns\)  REAL TIME \(s\)  RATIO \(ns/s\) \*\*$", l) for l in lines),
      "the summary table has cocotb's header", cmd, p)
check(any(re.match(r"^\*\* TESTS=6 PASS=3 FAIL=2 SKIP=1 ", l) for l in lines), "the summary total line counts", cmd, p)
check(any(re.match(r"^\*\* test_contract\.skipped +SKIP +0\.00 +0\.00 +-\.-- +\*\*$", l) for l in lines),
      "a skipped test shows SKIP and -.-- ratio", cmd, p)
log_re = re.compile(r"^ *(\d+\.\d\dns|-\.--ns) (DEBUG   |INFO    |WARNING |ERROR   |CRITICAL) (\S.{34}) (.*)$")
log_lines = [l for l in lines if log_re.match(l)]
check(len(log_lines) >= 10 and all(len(l.split(" ", 1)[0]) <= 11 for l in log_lines),
      "log lines follow cocotb's layout (time in 11 columns, level in 8, name in 35)", cmd, p)
check(any(re.match(r"^ +5\.00ns ERROR    qta\.regression +fails_a_check failed: TestFailure: ", l) for l in lines),
      "a failure is logged at ERROR by qta.regression with its error", cmd, p)

root = ET.parse(os.path.join(TMP, "results.xml")).getroot()
check(root.tag == "testsuites" and root.get("name") == "results", "results.xml root is <testsuites name=results>", cmd)
check((root.get("tests"), root.get("failures"), root.get("skipped")) == ("6", "2", "1"),
      "testsuites carries tests=6 failures=2 skipped=1", cmd)
suites = root.findall("testsuite")
check(len(suites) == 1 and suites[0].get("name") == "all" and suites[0].get("package") == "all"
      and suites[0].get("tests") == "6", "one <testsuite name=all package=all tests=6>", cmd)
prop = suites[0].find("property")
check(prop is not None and prop.get("name") == "random_seed" and prop.get("value") == "7",
      "the run seed is a random_seed property", cmd)
cases = {c.get("name"): c for c in suites[0].findall("testcase")}
check(list(cases) == ["passes", "fails_a_check", "skipped", "expect_fail_but_passes", "reports_seed_and_random_state",
                      "drops_a_coroutine"],
      "testcases appear in definition order", cmd)
for name, c in cases.items():
    check(c.get("classname") == "test_contract" and c.get("file").endswith("test_contract.cpp")
          and int(c.get("lineno")) > 0, f"{name}: classname, file and lineno", cmd)
    float(c.get("time")), float(c.get("sim_time_ns")), float(c.get("ratio_time"))
check(float(cases["passes"].get("sim_time_ns")) == 40.0,
      "sim_time_ns of 'passes' is 40 ns (rising edges at 0 and 10 in reset, then 20, 30, 40)", cmd)
fail = cases["fails_a_check"].find("failure")
check(fail is not None and "1 + 1 == 3" in fail.get("message") and f"test seed {fnv_seed(7, 'fails_a_check')}" in fail.get("message"),
      "a failed test has <failure message> with the check and the seed", cmd)
check(cases["expect_fail_but_passes"].find("failure") is not None, "expect_fail on a passing test is a failure", cmd)
check(cases["skipped"].find("skipped") is not None, "a skipped test has <skipped/>", cmd)
check(cases["passes"].find("failure") is None and len(list(cases["passes"])) == 0, "a passing test has no children", cmd)

check(any(re.match(r"^ +0\.00ns WARNING  qta\.scheduler +a coroutine was created but never awaited nor started", l)
          for l in lines), "a dropped coroutine logs a WARNING", cmd, p)

# 2. Test selection.
p, cmd = run({"COCOTB_RANDOM_SEED": "7", "COCOTB_TEST_FILTER": "^pass"})
names = [c.get("name") for c in ET.parse(os.path.join(TMP, "results.xml")).getroot().iter("testcase")]
check(p.returncode == 0 and names == ["passes"] and p.stdout.splitlines()[-1] == "1 passed, 0 failed",
      "COCOTB_TEST_FILTER=^pass runs only 'passes'", cmd, p)
p, cmd = run({"COCOTB_RANDOM_SEED": "7", "TESTCASE": "reports_seed_and_random_state,passes"})
names = [c.get("name") for c in ET.parse(os.path.join(TMP, "results.xml")).getroot().iter("testcase")]
check(p.returncode == 0 and names == ["reports_seed_and_random_state", "passes"],
      "TESTCASE (cocotb 1.x name) runs the listed tests in the listed order", cmd, p)
p, cmd = run({"COCOTB_TESTCASE": "nope"})
check(p.returncode == 2 and "'nope'" in p.stderr, "an unknown COCOTB_TESTCASE exits 2 naming it", cmd, p)
p, cmd = run({"COCOTB_TESTCASE": "passes", "COCOTB_TEST_FILTER": "x"})
check(p.returncode == 2, "COCOTB_TESTCASE together with COCOTB_TEST_FILTER exits 2", cmd, p)
p, cmd = run({"COCOTB_TEST_FILTER": "("})
check(p.returncode == 2 and "regex" in p.stderr, "an invalid COCOTB_TEST_FILTER exits 2", cmd, p)
p, cmd = run({"COCOTB_RANDOM_SEED": "-3"})
check(p.returncode == 2 and "-3" in p.stderr, "a negative COCOTB_RANDOM_SEED exits 2", cmd, p)

# 3. Seeds: derived per test, forwarded to Verilator, reproducible.
sel = {"COCOTB_TEST_FILTER": "reports_seed"}
a, cmd = run(dict(sel, COCOTB_RANDOM_SEED="7"), ["+verilator+rand+reset+2"])
b, _ = run(dict(sel, COCOTB_RANDOM_SEED="7"), ["+verilator+rand+reset+2"])
c, cmd_c = run(dict(sel, RANDOM_SEED="8"), ["+verilator+rand+reset+2"])
sa, sb, sc = seed_lines(a.stdout), seed_lines(b.stdout), seed_lines(c.stdout)
check(len(sa) == 1 and sa == sb, f"same run seed, same test seed, random reset and rng: {sa}", cmd, a)
name, seed_a, noreset_a, draw_a = sa[0].split()
check(int(seed_a) == fnv_seed(7, name), "test seed = FNV-1a of '<run seed>:<test name>' folded to 31 bits", cmd, a)
name, seed_c, noreset_c, draw_c = sc[0].split()
check(int(seed_c) == fnv_seed(8, name) and seed_c != seed_a and noreset_c != noreset_a and draw_c != draw_a,
      "RANDOM_SEED=8 changes the test seed, Verilator's random reset and the rng", cmd_c, c)
z, cmd_z = run(dict(sel, COCOTB_RANDOM_SEED="7"))
check(seed_lines(z.stdout)[0].split()[2] == "0x00000000", "without +verilator+rand+reset+2 registers start at 0", cmd_z, z)

# 4. WAVES=1: one FST per test.
wdir = os.path.join(TMP, "waves")
os.makedirs(wdir, exist_ok=True)
p, cmd = run({"COCOTB_RANDOM_SEED": "7", "COCOTB_TEST_FILTER": "^passes$|^reports", "WAVES": "1", "WAVES_DIR": wdir})
fsts = sorted(f for f in os.listdir(wdir))
check(p.returncode == 0 and fsts == ["passes.fst", "reports_seed_and_random_state.fst"]
      and all(os.path.getsize(os.path.join(wdir, f)) > 0 for f in fsts), f"WAVES=1 writes one FST per test: {fsts}", cmd, p)
p, cmd = run({"WAVES": "yes"})
check(p.returncode == 2, "WAVES=yes is rejected with exit 2", cmd, p)
print("all runner contract checks passed")
