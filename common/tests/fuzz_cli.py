#!/usr/bin/env python3
"""Bounded, seeded fuzz of the qta command line and of configuration files (issue 11).

Asserts the error contract of docs/interfaces.md section 5 on every invocation:
  - the exit code is 0, 1 or 2: never a signal (a crash), never 3 (an internal error) and never
    a hang (no answer within --timeout seconds);
  - when exactly one value is known to be bad, the exit code is 2 and the message names the flag
    or field and repeats the value as typed (escaped and bounded the way qta shows values);
  - every message is short (at most 4 kB);
  - nothing is left behind: a failed run leaves its scratch directory as it found it, a
    successful one only its output, and no *.tmp-*, *.old-* or *.lock anywhere.

Kinds of invocations: "flag" (one hostile value among valid ones, for every numeric, text and
path flag of golden, gen, perf, verify and synth), "config" (a valid configuration file with one
hostile mutation: numbers out of range, deep nesting, duplicate keys, NUL, huge strings, invalid
UTF-8, truncation, ...), and "chaos" (random flags and values, only the exit code, message
length and debris are checked). verify and synth get a guard that stops them before any tool
runs (an unknown --suite, a missing --cell-verilog), so the fuzz takes seconds.

  fuzz_cli.py QTA WORK [--seed N] [--count N] [--jobs N] [--timeout S]

Prints the counts (invocations, exit codes, crashes, hangs, internal errors, violations) and,
for every violation, the command to reproduce. Exit 0 if there was none.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import time

MAX_MESSAGE = 4096 + 200


# ---------------------------------------------------------------- values


def shown(value: bytes, limit=20) -> str:
    """The first `limit` characters of a value as qta's messages show it (qta/strings.h):
    invalid UTF-8 and control bytes as \\xNN, newline and tab as \\n and \\t, and inside quotes
    '"' and '\\' escaped. The number rules only drop the quotes, so this prefix is in the message."""
    text = value.decode("utf-8", "surrogateescape")
    out = []
    for ch in text[:limit]:
        o = ord(ch)
        if 0xDC80 <= o <= 0xDCFF:
            out.append("\\x%02x" % (o - 0xDC00))
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20 or o == 0x7F:
            out.append("\\x%02x" % o)
        elif ch in '"\\':
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def bad_ints(rng, lo, hi):
    return [b"", b"0x10", b"010", b"00", b"1.5", b"1e3", b"+5", b" 5", b"5 ", b"-", b"abc", b"5x",
            str(hi + 1).encode(), str(lo - 1).encode(), b"99999999999999999999999",
            b"-99999999999999999999999", b"18446744073709551616", b"9223372036854775808",
            b"9" * rng.choice([30, 400, 5000]), b"\xff", b"\xc3\x28", b"1\n2", b"\"5\"", b"nan",
            b"\xef\xbc\x95",  # a full-width 5
            ]


def bad_seeds():
    return [b"", b"-1", b"18446744073709551616", b"99999999999999999999999", b"1e3", b"0x10", b"010",
            b"1.0", b"+1", b"seed", b"\xfe"]


def bad_reals(lo, hi, lo_open):
    out = [b"", b"nan", b"NaN", b"inf", b"-inf", b"Infinity", b"0x1p3", b"0x10", b"1e400", b"-1e400",
           b"1,5", b"abc", b"1e", b"1e+", b".", b"--1", b"007", b"1.2.3", b"\xff", b"1e99999"]
    if hi < 1e300:
        out += [repr(hi * 10 + 1).encode(), b"1e300"]
    out.append(b"0" if lo_open and lo == 0 else repr(lo - 1 - abs(lo)).encode())
    return out


def small_int(rng, lo, hi):
    return str(rng.randint(lo, hi)).encode()


class Flag:
    """A flag of a subcommand: how to make a valid value, hostile values, how messages name it."""

    def __init__(self, flag, valid, bad, names=None):
        self.flag, self.valid, self.bad = flag, valid, bad
        self.names = names or [flag]


def int_flag(flag, lo, hi, vlo=None, vhi=None, names=None):
    vlo, vhi = vlo if vlo is not None else lo, vhi if vhi is not None else hi
    return Flag(flag, lambda rng, ctx: small_int(rng, vlo, vhi), lambda rng, ctx: bad_ints(rng, lo, hi), names)


def seed_flag(flag="--seed"):
    return Flag(flag, lambda rng, ctx: str(rng.choice([0, 1, 7, 2**64 - 1, rng.getrandbits(64)])).encode(),
                lambda rng, ctx: bad_seeds())


def real_flag(flag, lo, hi, lo_open=False, valid=None):
    return Flag(flag, lambda rng, ctx: (valid(rng) if valid else repr(rng.uniform(lo, hi)).encode()),
                lambda rng, ctx: bad_reals(lo, hi, lo_open))


def text_flag(flag, valid_values, names=None, extra_bad=()):
    return Flag(flag, lambda rng, ctx: rng.choice(valid_values).encode(),
                lambda rng, ctx: [b""] + list(extra_bad), names)


def config_field_flags():
    fields = [("rows", 1, 128, 1, 8), ("cols", 1, 128, 1, 8), ("data_width", 4, 16, 8, 8),
              ("queue_depth", 1, 64, 1, 8), ("banks", 1, 16, 1, 1)]
    out = [int_flag("--" + n.replace("_", "-"), lo, hi, vlo, vhi, names=["field '%s'" % n])
           for n, lo, hi, vlo, vhi in fields]
    for name, choices in [("dataflows", ["ws", "os", "both"]), ("rounding", ["rne", "sr", "both"])]:
        out.append(text_flag("--" + name, choices, names=["field '%s'" % name],
                             extra_bad=[b"wss", b"\xff", b"x" * 5000, b"WS"]))
    return out


def path_flag(flag, names, kind, fresh_name, missing_parents_ok=False):
    """Output paths: valid ones inside the invocation's scratch directory, hostile ones from the
    fixtures (link loop, dangling link, immutable or missing parent, ...). kind: "dir" (an atomic
    output: an existing directory that is not a previous output is refused), "work" (a directory
    that may exist), "file"."""

    def valid(rng, ctx):
        return os.path.join(ctx["scratch"], fresh_name).encode()

    def bad(rng, ctx):
        fx, sc = ctx["fixtures"], ctx["scratch"]
        out = [b"", (fx + "/loop").encode(), (fx + "/dangling").encode(), (sc + "/" + "a" * 300).encode(),
               (sc + "/g").encode() + b"\xff", (fx + "/file/x").encode(), (fx + "/loop/x").encode()]
        if not missing_parents_ok:
            out.append((fx + "/missing/x").encode())
        if kind != "work":
            out.append((fx + "/dir_with_file").encode())
        if kind == "dir":
            out.append((fx + "/file").encode())
        if ctx["immutable"]:
            out.append((fx + "/imm/x").encode())
        return out

    return Flag(flag, valid, bad, names)


def subcommands():
    shape = [int_flag("--tokens", 1, 65536, 1, 32), int_flag("--d-in", 1, 65536, 4, 32),
             int_flag("--d-out", 1, 65536, 4, 32), int_flag("--rank", 1, 65536, 1, 4),
             real_flag("--alpha", 1e-6, 1e6, valid=lambda rng: rng.choice([b"1", b"0.5", b"16", b"1e-3", b"4."]))]
    golden_lora = shape + [int_flag("--q", 2, 16, 4, 8), seed_flag(),
                           text_flag("--bwd-rounding", ["rne", "sr"], names=["rounding"], extra_bad=[b"up", b"\xff\xfe"]),
                           path_flag("--dump", ["dump"], "dir", "dump")]
    golden_train = shape + [int_flag("--steps", 1, 1000000, 1, 5), seed_flag(),
                            text_flag("--optimizer", ["adam", "sgd"], names=["optimizer"], extra_bad=[b"adamw", b"a\nb"]),
                            real_flag("--lr", 0, 1.7e308, lo_open=True,
                                      valid=lambda rng: rng.choice([b"0.01", b"1e-3", b"0.1"])),
                            real_flag("--momentum", 0, 1, valid=lambda rng: rng.choice([b"0", b"0.9", b".5"])),
                            real_flag("--noise", 0, 1e6, valid=lambda rng: rng.choice([b"0", b"0.1", b"1"])),
                            int_flag("--q", 2, 16, 4, 8),
                            real_flag("--tolerance", 0, 1e6, valid=lambda rng: rng.choice([b"0.1", b"1e6", b"100"]))]
    train = config_field_flags() + shape + [
        int_flag("--steps", 1, 1000000, 1, 3), seed_flag(), int_flag("--q", 2, 16, 8, 8),
        text_flag("--backend", ["golden"], names=["backend"], extra_bad=[b"fpga", b"rtl\n"]),
        text_flag("--block", ["lora"], names=["block"], extra_bad=[b"mlp", b"\xff"]),
        text_flag("--optimizer", ["adam", "sgd"], names=["optimizer"], extra_bad=[b"adamw"]),
        text_flag("--bwd-rounding", ["rne", "sr"], names=["rounding"], extra_bad=[b"up"]),
        real_flag("--lr", 0, 1.7e308, lo_open=True, valid=lambda rng: rng.choice([b"0.01", b"1e-3", b"0.1"])),
        real_flag("--noise", 0, 1e6, valid=lambda rng: rng.choice([b"0", b"0.1", b"1"])),
        path_flag("--json", ["--json"], "file", "t.json"), path_flag("--plot", ["--plot"], "file", "t.svg")]
    gen = config_field_flags() + [path_flag("--out", ["--out"], "dir", "out")]
    perf = config_field_flags() + [int_flag("--rank", 1, 1024, 1, 16), path_flag("--json", ["--json"], "file", "p.json")]
    verify = config_field_flags() + [seed_flag(), int_flag("--random-cases", 0, 100000, 0, 10),
                                     int_flag("--xcheck", 0, 100, 0, 2),
                                     path_flag("--work", ["--work"], "work", "work", missing_parents_ok=True)]
    synth = config_field_flags() + [
        real_flag("--period", 0, 1e6, lo_open=True, valid=lambda rng: rng.choice([b"10", b"2.5", b"1e3"])),
        int_flag("--energy-cycles", 100, 10000000, 100, 5000), seed_flag(),
        real_flag("--sram-bit-um2", 0, 1000, lo_open=True, valid=lambda rng: rng.choice([b"5", b"0.1", b"1000"])),
        real_flag("--sram-efficiency", 0, 1, lo_open=True, valid=lambda rng: rng.choice([b"0.5", b"1", b".7"])),
        path_flag("--out", ["--out"], "dir", "s", missing_parents_ok=True)]
    return {
        ("golden", "lora"): (golden_lora, [b"--tokens", b"8"]),
        ("golden", "train"): (golden_train, [b"--steps", b"3", b"--tokens", b"8"]),
        ("train",): (train, [b"--steps", b"2", b"--tokens", b"8"]),
        ("gen",): (gen, [b"--out", None]),
        ("perf",): (perf, []),
        # guards: stop before any tool runs (checked after every flag and path rule)
        ("verify",): (verify, [b"--suite", b"fuzz_guard_suite"]),
        ("synth",): (synth, [b"--rows", b"4", b"--out", None, b"--cell-verilog", None]),
    }


# ---------------------------------------------------------------- configuration files


def config_case(rng):
    """A configuration file's bytes, the mutation's name and, if it must be refused, the key the
    message must name (None: the mutation may leave the file valid)."""
    base = {"rows": rng.randint(1, 8), "cols": rng.randint(1, 8), "data_width": 8, "banks": 1,
            "dataflows": rng.choice(["ws", "os", "both"])}
    field = rng.choice(["rows", "cols", "data_width", "queue_depth", "rounding"])
    hostile = {
        "1e400": "1e400", "-1e400": "-1e400", "digits400": "9" * 400, "2pow64": "18446744073709551616",
        "2pow63": "9223372036854775808", "min_minus_1": "-9223372036854775809", "real": "1.5", "exp": "1e2",
        "string": '"8"', "true": "true", "null": "null", "array": "[8]", "object": '{"v":8}',
        "deep9": "[" * 9 + "]" * 9, "deep100k": "[" * 100000 + "]" * 100000, "huge_string": '"' + "x" * 10_000_000 + '"',
        "nul_escape": '"a\\u0000b"', "zero": "0", "negative": "-5", "big": "100000",
    }
    kind = rng.choice(list(hostile) + ["duplicate", "nul_byte", "trailing", "truncate", "flip", "unknown_key",
                                       "huge_key", "bad_utf8", "bom", "empty", "top_array", "top_number",
                                       "comment", "single_quotes"])
    text = json.dumps(base)
    must_name = None
    if kind in hostile:  # every hostile value is invalid for every one of these fields
        body = json.dumps({k: v for k, v in base.items() if k != field})[:-1]
        text = body + (", " if len(body) > 1 else "") + '"%s": %s}' % (field, hostile[kind])
        must_name = field
    elif kind == "duplicate":
        text = text[:-1] + ', "rows": 3}'
        must_name = "rows"
    elif kind == "nul_byte":
        text += "\0"
        must_name = "NUL"
    elif kind == "trailing":
        text += " x"
    elif kind == "truncate":
        text = text[: rng.randint(0, len(text) - 1)]
    elif kind == "flip":
        i = rng.randrange(len(text))
        data = bytearray(text.encode())
        data[i] = rng.randrange(256)
        return bytes(data), kind, None
    elif kind == "unknown_key":
        text = text[:-1] + ', "colums": 8}'
        must_name = "colums"
    elif kind == "huge_key":
        text = text[:-1] + ', "' + "k" * 1_000_000 + '": 8}'
        must_name = "kkkkkkkk"
    elif kind == "bad_utf8":
        return text[:-1].encode() + b', "rounding": "r\xffne"}', kind, None
    elif kind == "bom":
        return b"\xef\xbb\xbf" + text.encode(), kind, None
    elif kind == "empty":
        text = ""
    elif kind == "top_array":
        text = "[" + text + "]"
    elif kind == "top_number":
        text = "8"
    elif kind == "comment":
        text = "// c\n" + text
    elif kind == "single_quotes":
        text = text.replace('"', "'")
    return text.encode("utf-8", "surrogateescape"), kind, must_name


# ---------------------------------------------------------------- running


def debris(root):
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            s = os.fsdecode(n)
            if ".tmp-" in s or ".old-" in s or s.endswith(".lock"):
                found.append(os.path.join(dirpath, s))
    return found


def run_one(qta, argv, scratch, timeout):
    """(exit code or 'signal N' or 'hang', output bytes)."""
    try:
        p = subprocess.run([qta] + argv, cwd=scratch, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout, start_new_session=True)
    except subprocess.TimeoutExpired as e:
        return "hang", e.output or b""
    if p.returncode < 0:
        return "signal %d" % -p.returncode, p.stdout
    return p.returncode, p.stdout


def make_fixtures(fx):
    os.makedirs(fx, exist_ok=True)
    os.symlink(fx + "/loop", fx + "/loop")
    os.symlink(fx + "/nowhere", fx + "/dangling")
    with open(fx + "/file", "w") as f:
        f.write("x")
    os.makedirs(fx + "/dir_with_file")
    with open(fx + "/dir_with_file/keep.txt", "w") as f:
        f.write("precious")
    os.makedirs(fx + "/imm")
    immutable = subprocess.run(["chattr", "+i", fx + "/imm"], stderr=subprocess.DEVNULL).returncode == 0
    if not immutable:
        os.chmod(fx + "/imm", 0o555)
    immutable = not os.access(fx + "/imm", os.W_OK)
    if not immutable:
        os.chmod(fx + "/imm", 0o755)
    return immutable


def snapshot(d):
    out = {}
    for dirpath, dirnames, filenames in os.walk(d):
        for n in dirnames + filenames:
            p = os.path.join(dirpath, n)
            try:
                out[p] = os.lstat(p).st_mtime_ns if not os.path.isdir(p) else 0
            except OSError:
                pass
    return out


def build_cases(rng, count, ctx_base):
    subs = subcommands()
    keys = list(subs)
    cases = []
    for i in range(count):
        r = rng.random()
        scratch = os.path.join(ctx_base["work"], "s%05d" % i)
        ctx = dict(ctx_base, scratch=scratch)
        if r < 0.55:
            key = rng.choice(keys)
            flags, base = subs[key]
            hostile = rng.choice(flags)
            others = [f for f in flags if f is not hostile and f.flag not in (b.decode() for b in base if b)]
            chosen = rng.sample(others, k=min(len(others), rng.randint(0, 3)))
            argv = [k.encode() for k in key]
            # fill the placeholders of the base arguments
            resolved = []
            for j, tok in enumerate(base):
                if tok is None:
                    prev = base[j - 1]
                    if prev == b"--out":
                        resolved.append(os.path.join(scratch, "out").encode())
                    elif prev == b"--cell-verilog":
                        resolved.append(os.path.join(scratch, "no_such_cells.v").encode())
                else:
                    resolved.append(tok)
            # a hostile or chosen flag replaces the base's value of the same flag
            drop = {hostile.flag} | {f.flag for f in chosen}
            kept = []
            j = 0
            while j < len(resolved):
                if resolved[j].decode(errors="replace") in drop:
                    j += 2
                    continue
                kept.append(resolved[j])
                j += 1
            value = rng.choice(hostile.bad(rng, ctx))
            pairs = [(f.flag, f.valid(rng, ctx)) for f in chosen] + [(hostile.flag, value)]
            rng.shuffle(pairs)
            argv += kept
            for flag, v in pairs:
                if v.startswith(b"-") or v == b"" or rng.random() < 0.3:
                    argv.append(flag.encode() + b"=" + v)
                else:
                    argv += [flag.encode(), v]
            cases.append(dict(kind="flag", sub=" ".join(key), argv=argv, scratch=scratch, names=hostile.names,
                              value=value, flag=hostile.flag))
        elif r < 0.85:
            # the file is made when the case runs (from its own seed): 10 MB strings are not kept
            cfg = os.path.join(scratch, "c.json")
            argv = [b"gen", b"--config", cfg.encode(), b"--out", os.path.join(scratch, "out").encode()]
            cases.append(dict(kind="config", sub="gen --config", argv=argv, scratch=scratch,
                              config_seed=rng.getrandbits(64), keep={"c.json"}))
        else:
            key = rng.choice([k for k in keys])
            flags, base = subs[key]
            argv = [k.encode() for k in key]
            pool = flags + [Flag("--nope", lambda rng, ctx: b"1", lambda rng, ctx: [b"x"]),
                            Flag("-q", lambda rng, ctx: b"", lambda rng, ctx: [b""])]
            for _ in range(rng.randint(1, 5)):
                f = rng.choice(pool)
                v = rng.choice(f.bad(rng, ctx)) if rng.random() < 0.5 else f.valid(rng, ctx)
                if f.flag == "-q":
                    argv.append(b"-q")
                elif rng.random() < 0.5:
                    argv.append(f.flag.encode() + b"=" + v)
                else:
                    argv += [f.flag.encode(), v]
            # keep verify and synth from running their tools, golden from large shapes
            if key == ("verify",):
                argv += [b"--suite", b"fuzz_guard_suite"]
            if key == ("synth",):
                argv += [b"--cell-verilog", os.path.join(scratch, "no_such_cells.v").encode()]
            if key == ("gen",) and b"--out" not in argv:
                argv += [b"--out", os.path.join(scratch, "out").encode()]
            if rng.random() < 0.2:
                argv.insert(rng.randrange(len(argv) + 1), rng.choice([b"", b"\xff", b"--", b"-", b"x" * 100000]))
            cases.append(dict(kind="chaos", sub=" ".join(key), argv=argv, scratch=scratch))
    return cases


def check(case, code, out, violations):
    cmd = "cd %s && qta %s" % (shlex.quote(case["scratch"]),
                               " ".join(shlex.quote(os.fsdecode(a)) for a in case["argv"]))
    text = out.decode("utf-8", "replace")
    msg = "\n".join(l for l in text.splitlines() if l.startswith("[error]") or l.startswith("[critical]"))

    def bad(why):
        violations.append("%s: %s\n    message: %s\n    reproduce: %s" % (case["sub"], why, msg[:300], cmd[:600]))

    if code == "hang" or (isinstance(code, str) and code.startswith("signal")):
        bad(code)
        return
    if code not in (0, 1, 2):
        bad("exit code %s" % code)
        return
    if len(msg) > MAX_MESSAGE:
        bad("a message of %d bytes" % len(msg))
    if case["kind"] == "flag":
        if code != 2:
            bad("a bad value of %s was accepted (exit %d)" % (case["flag"], code))
        else:
            if not any(n in msg for n in case["names"]):
                bad("the message names none of %s" % case["names"])
            want = '""' if case["value"] == b"" else shown(case["value"])
            if want not in msg:
                bad("the message lacks the value %r" % want)
    if case["kind"] == "config" and case["must"]:
        if code != 2:
            bad("a bad configuration (%s) was accepted (exit %d)" % (case["sub"], code))
        elif case["must"] not in msg:
            bad("the message does not name %r" % case["must"])
    left = debris(case["scratch"])
    if left:
        bad("left behind: %s" % left[:3])
    allowed = set(case.get("keep", set()))
    if code == 0:
        allowed |= {"out", "dump", "p.json", "s", "work"}
    extra = sorted(set(os.listdir(case["scratch"])) - allowed)
    if extra:
        bad("left in the scratch directory: %s" % [os.fsdecode(e)[:60] for e in extra])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("qta")
    ap.add_argument("work")
    ap.add_argument("--seed", type=int, default=int(os.environ.get("QTA_FUZZ_SEED", "1")))
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=30)
    a = ap.parse_args()
    qta = os.path.abspath(a.qta)
    work = os.path.abspath(a.work)
    if os.path.exists(work):
        subprocess.run(["chattr", "-R", "-i", work], stderr=subprocess.DEVNULL)
        shutil.rmtree(work)
    fixtures = os.path.join(work, "fixtures")
    immutable = make_fixtures(fixtures)
    before = snapshot(fixtures)
    rng = random.Random(a.seed)
    cases = build_cases(rng, a.count, {"work": work, "fixtures": fixtures, "immutable": immutable})

    codes = collections.Counter()
    kinds = collections.Counter()
    violations = []
    t0 = time.time()

    def go(c):
        os.makedirs(c["scratch"])
        if "config_seed" in c:
            data, kind, c["must"] = config_case(random.Random(c["config_seed"]))
            c["sub"] = "gen --config (%s)" % kind
            with open(os.path.join(c["scratch"], "c.json"), "wb") as f:
                f.write(data)
        return c, run_one(qta, c["argv"], c["scratch"], a.timeout)

    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        for c, (code, out) in pool.map(go, cases):
            codes[code] += 1
            kinds[c["kind"]] += 1
            check(c, code, out, violations)
            shutil.rmtree(c["scratch"], ignore_errors=True)
    if snapshot(fixtures) != before:
        violations.append("the fixtures directory changed (something wrote through a refused path)")
    subprocess.run(["chattr", "-i", fixtures + "/imm"], stderr=subprocess.DEVNULL)
    os.chmod(fixtures + "/imm", 0o755)

    crashes = sum(n for k, n in codes.items() if isinstance(k, str) and k.startswith("signal"))
    hangs = codes.get("hang", 0)
    print("fuzz seed %d: %d invocations in %.1f s (%s)" % (a.seed, sum(codes.values()), time.time() - t0,
                                                           ", ".join("%s %d" % kv for kv in sorted(kinds.items()))))
    print("exit codes: " + ", ".join("%s: %d" % (k, codes[k]) for k in sorted(codes, key=str)))
    print("crashes %d, hangs %d, internal errors (exit 3) %d, contract violations %d%s" %
          (crashes, hangs, codes.get(3, 0), len(violations),
           "" if immutable else " (no immutable directory here: that path case skipped)"))
    for v in violations[:40]:
        print("VIOLATION " + v)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
