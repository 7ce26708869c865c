#!/usr/bin/env python3
"""A stand-in for the test bench (qta regress --job-command), for the runner's own tests: it
reads the bench's environment and behaves by test name, in milliseconds, without a model.
  pass_*   pass (after FAKE_SLEEP seconds)        fail_mismatch  a bench-style mismatch failure
  fail_other  a failure in another step           flaky  fails once per FAKE_STATE dir, then passes
  hang     sleeps forever (the time limit kills it)  crash  killed by SIGKILL (from outside)
  noresult exits 3 without results.xml         skip_*  reports itself skipped (as a test the configuration cannot run)"""
import os
import signal
import sys
import time
from xml.sax.saxutils import quoteattr

test = os.environ["COCOTB_TESTCASE"]
seed = int(os.environ["COCOTB_RANDOM_SEED"])
results = os.environ["COCOTB_RESULTS_FILE"]
repro = os.environ.get("QTA_REPRODUCE", "")
time.sleep(float(os.environ.get("FAKE_SLEEP", "0")))
if os.environ.get("FAKE_PIDS"):
    with open(os.path.join(os.environ["FAKE_PIDS"], f"{os.getpid()}"), "w") as f:
        f.write(test)
failure = None
if test == "fail_mismatch":
    failure = (f"TestFailure: accel.cpp:302: check failed: 8x8x{seed} WS int32: first mismatch at index {seed} "
               f"(row 0, col {seed}): expected {seed * 7}, got -3 (3 of 64 elements differ; seed {seed}; reproduce: {repro})")
elif test == "fail_other":
    failure = f"TestFailure: accel.cpp:310: check failed: descriptor {seed} status: error code 3, expected 0"
elif test == "flaky":
    marker = os.path.join(os.environ.get("FAKE_STATE", "/tmp"), f"flaky.{seed}.{os.environ.get('QTA_GEN_DIR', '').replace('/', '_')}")
    if not os.path.exists(marker):
        open(marker, "w").close()
        failure = "TestFailure: accel.cpp:99: check failed: handshake: timeout waiting for done"
elif test == "hang":
    while True:
        time.sleep(1)
elif test == "crash":
    os.kill(os.getpid(), signal.SIGKILL)
elif test == "noresult":
    print("fake bench: giving up without results", flush=True)
    sys.exit(3)
body = f"<failure message={quoteattr(failure)} />" if failure else ""
if test.startswith("skip_"):
    body = '<skipped message="fake: this configuration cannot run it" />'
with open(results, "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="results">\n<testsuite name="all">\n'
            f'<testcase name="{test}" classname="fake" time="0.01">{body}</testcase>\n</testsuite>\n</testsuites>\n')
cov = os.environ.get("QTA_COVERAGE_FILE")
if cov:
    with open(cov, "w") as f:
        f.write('{"cross": {"WS/single/ANBN/rne": %d, "OS/single/ANBN/rne": 0}, "edges": {"rne.tie": %d, '
                '"acc.saturated": 0}, "percent": 0}\n' % (1, seed % 2))
print(f"fake bench: {test} seed {seed}: {'FAIL' if failure else 'PASS'}")
sys.exit(1 if failure else 0)
