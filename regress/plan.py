"""Testplan and regression lists: loading and checking (regress/README.md).

The testplan maps features to tests and coverage points, each feature with a stage (V1, V2, V3
as in OpenTitan's dvsim). It is checked against the tests that exist: a test named in the plan
that no bench declares, or a declared test that no feature names, is bad input (exit 2).
"""
import fnmatch
import json
import os
import re

STAGES = ("V1", "V2", "V3")
SUITES = ("all", "smoke", "block", "layer", "random")


class BadInput(Exception):
    """Bad input: the runner prints the message and exits with 2."""


def read_json(path, what, valid):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise BadInput(f"{what} '{path}' cannot be read ({e.strerror}); valid: {valid}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise BadInput(f"{what} '{path}' is malformed JSON at line {e.lineno}, column {e.colno}: {e.msg}")


def scan_tests(tb_dir):
    """The tests the bench declares: QTA_TEST(name, ..., .suites = {"a", "b"}) in tb_dir/*.cpp."""
    if not os.path.isdir(tb_dir):
        raise BadInput(f"test bench directory '{tb_dir}' does not exist; valid: a directory of QTA_TEST sources (verif/tb)")
    tests = {}
    decl = re.compile(r"^QTA_TEST\(\s*(\w+)\s*(,[^{]*?(?:\.suites\s*=\s*\{([^}]*)\})?[^{]*)?\)\s*\{", re.M)
    for name in sorted(os.listdir(tb_dir)):
        if not name.endswith(".cpp"):
            continue
        with open(os.path.join(tb_dir, name), encoding="utf-8") as f:
            for m in decl.finditer(f.read()):
                suites = re.findall(r'"(\w+)"', m.group(3) or "")
                tests[m.group(1)] = suites
    if not tests:
        raise BadInput(f"no QTA_TEST declarations found in '{tb_dir}'; valid: the bench sources (verif/tb)")
    return tests


def read_tests_file(path):
    """A test list as the bench prints it (QTA_LIST_TESTS=1, <work>/tests.txt): 'name suite...' per line."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise BadInput(f"--tests-file '{path}' cannot be read ({e.strerror}); valid: a file of 'test suite...' lines")
    tests = {}
    for line in lines:
        words = line.split()
        if words and not words[0].startswith("#"):
            tests[words[0]] = words[1:]
    if not tests:
        raise BadInput(f"--tests-file '{path}' lists no tests; valid: a file of 'test suite...' lines")
    return tests


def scan_coverage_bins(coverage_cpp):
    """Edge bin names of the functional coverage model (verif/src/coverage.cpp: kEdgeBins, and
    kWscBins and kWsrBins, which only configurations with column or row groups have)."""
    try:
        with open(coverage_cpp, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return None
    lists = re.findall(r"k(?:Edge|Wsc|Wsr)Bins\[\]\s*=\s*\{(.*?)\};", text, re.S)
    return [b for body in lists for b in re.findall(r'"([\w.]+)"', body)] if lists else None


CROSS_RE = re.compile(r"^(WS|OS|\*)/[\w*]+/[\w*]+/[\w*]+$")


def load_testplan(path, tests, edge_bins=None):
    plan = read_json(path, "testplan", "a JSON file like regress/testplan.json")
    where = f"testplan {path}"
    if not isinstance(plan, dict) or not isinstance(plan.get("features"), list) or not plan["features"]:
        raise BadInput(f"{where}: expected an object with a non-empty list 'features'")
    allowed = {"name", "stage", "desc", "tests", "coverage"}
    seen_names, planned = set(), {}
    for i, feat in enumerate(plan["features"]):
        if not isinstance(feat, dict):
            raise BadInput(f"{where}: features[{i}] is not an object")
        name = feat.get("name")
        if not isinstance(name, str) or not re.fullmatch(r"[\w.-]+", name or ""):
            raise BadInput(f"{where}: features[{i}] has no valid 'name' (letters, digits, _ . -)")
        if name in seen_names:
            raise BadInput(f"{where}: feature '{name}' is declared twice")
        seen_names.add(name)
        extra = set(feat) - allowed
        if extra:
            raise BadInput(f"{where}: feature '{name}' has unknown key '{sorted(extra)[0]}'; valid keys: {', '.join(sorted(allowed))}")
        if feat.get("stage") not in STAGES:
            raise BadInput(f"{where}: feature '{name}' has stage {json.dumps(feat.get('stage'))}; valid: {', '.join(STAGES)}")
        ts = feat.get("tests")
        if not isinstance(ts, list) or not ts or not all(isinstance(t, str) for t in ts):
            raise BadInput(f"{where}: feature '{name}' needs 'tests': a non-empty list of test names")
        for t in ts:
            if t not in tests:
                raise BadInput(f"{where}: feature '{name}' names test '{t}', which no bench declares; "
                               f"valid tests: {', '.join(sorted(tests))}")
            planned.setdefault(t, []).append(name)
        cov = feat.get("coverage", [])
        if not isinstance(cov, list) or not all(isinstance(c, str) for c in cov):
            raise BadInput(f"{where}: feature '{name}' has 'coverage' that is not a list of coverage point names")
        for c in cov:
            if CROSS_RE.match(c):
                continue
            if edge_bins is not None and not any(fnmatch.fnmatchcase(b, c) for b in edge_bins):
                raise BadInput(f"{where}: feature '{name}' names coverage point '{c}', which the coverage model does not have; "
                               f"valid: {', '.join(edge_bins)} or a cross bin pattern FLOW/SHAPE/OPS/ROUNDING")
    unplanned = sorted(set(tests) - set(planned))
    if unplanned:
        raise BadInput(f"{where}: test '{unplanned[0]}' exists but no feature of the testplan names it"
                       + (f" (also: {', '.join(unplanned[1:])})" if len(unplanned) > 1 else "")
                       + "; add it to a feature's 'tests'")
    plan["_test_features"] = planned
    return plan


def load_lists(path, tests, configs):
    lists = read_json(path, "regression lists", "a JSON file like regress/lists.json")
    if not isinstance(lists, dict) or not lists:
        raise BadInput(f"regression lists {path}: expected an object of named lists")
    allowed = {"desc", "configs", "suites", "tests", "reseed", "reseed_per_test", "random_cases", "time_limit_s"}
    for name, lst in lists.items():
        w = f"regression lists {path}: list '{name}'"
        if not isinstance(lst, dict):
            raise BadInput(f"{w} is not an object")
        extra = set(lst) - allowed
        if extra:
            raise BadInput(f"{w} has unknown key '{sorted(extra)[0]}'; valid keys: {', '.join(sorted(allowed))}")
        cfgs = lst.get("configs")
        if not isinstance(cfgs, list) or not cfgs:
            raise BadInput(f"{w} needs 'configs': a non-empty list of named configurations")
        for c in cfgs:
            if c not in configs:
                raise BadInput(f"{w} names configuration '{c}', which does not exist; valid: {', '.join(sorted(configs))}")
        for s in lst.get("suites", []):
            if s not in SUITES:
                raise BadInput(f"{w} names suite '{s}'; valid: {', '.join(SUITES)}")
        for t in list(lst.get("tests", [])) + list(lst.get("reseed_per_test", {})):
            if t not in tests:
                raise BadInput(f"{w} names test '{t}', which no bench declares; valid tests: {', '.join(sorted(tests))}")
        for key, lo, hi in (("reseed", 1, 100000), ("random_cases", 0, 100000), ("time_limit_s", 1, 86400)):
            v = lst.get(key)
            if v is not None and (not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi):
                raise BadInput(f"{w}: {key} = {json.dumps(v)}; valid: an integer {lo}..{hi}")
        for t, v in lst.get("reseed_per_test", {}).items():
            if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 100000:
                raise BadInput(f"{w}: reseed_per_test['{t}'] = {json.dumps(v)}; valid: an integer 1..100000")
    return lists


def select_tests(lst, tests):
    """The list's tests, in bench order: its 'tests', plus every test of its 'suites'."""
    chosen = []
    suites = set(lst.get("suites", []))
    for t, s in tests.items():
        if t in lst.get("tests", []) or "all" in suites or suites & set(s):
            chosen.append(t)
    return chosen


def named_configs(configs_dir):
    if not os.path.isdir(configs_dir):
        raise BadInput(f"configuration directory '{configs_dir}' does not exist; valid: generator/configs")
    return sorted(n[:-5] for n in os.listdir(configs_dir) if n.endswith(".json"))
