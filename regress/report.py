"""History (SQLite), the merged JUnit XML, merged coverage and the static HTML report."""
import fnmatch
import glob
import html
import json
import os
import sqlite3
import subprocess
import xml.etree.ElementTree as ET

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, list TEXT, backend TEXT, started TEXT, wall_s REAL,
  git_commit TEXT, host TEXT, workers INTEGER, jobs INTEGER, passed INTEGER, failed INTEGER,
  flaky INTEGER, out_dir TEXT, command TEXT, status TEXT);
CREATE TABLE IF NOT EXISTS jobs (
  run_id INTEGER REFERENCES runs(id), job_id TEXT, config TEXT, test TEXT, seed INTEGER,
  verdict TEXT, triage TEXT, signature TEXT, exit_code INTEGER, wall_s REAL, attempts INTEGER,
  node TEXT, func_cov REAL, message TEXT, reproduce TEXT, work_dir TEXT);
CREATE TABLE IF NOT EXISTS config_stats (
  run_id INTEGER REFERENCES runs(id), config TEXT, jobs INTEGER, passed INTEGER, pass_rate REAL,
  func_cov REAL, code_cov REAL, wall_s REAL, build_s REAL);
CREATE INDEX IF NOT EXISTS jobs_run ON jobs(run_id);
"""

PASSING = ("pass", "skip")


def open_db(path):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    db = sqlite3.connect(path, timeout=60)
    db.executescript(SCHEMA)
    return db


def record(db, run, jobs, stats):
    cur = db.execute(
        "INSERT INTO runs (list, backend, started, wall_s, git_commit, host, workers, jobs, passed, failed, flaky, "
        "out_dir, command, status) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (run["list"], run["backend"], run["started"], run["wall_s"], run["commit"], run["host"], run["workers"],
         len(jobs), sum(j["verdict"] in PASSING for j in jobs), sum(j["verdict"] not in PASSING for j in jobs),
         sum(j.get("triage") == "flaky" for j in jobs), run["out_dir"], run["command"], run["status"]))
    rid = cur.lastrowid
    db.executemany(
        "INSERT INTO jobs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(rid, j["id"], j["config"], j["test"], j["seed"], j["verdict"], j.get("triage", ""), j.get("signature", ""),
          j.get("rc"), j.get("wall_s", 0), j.get("attempts", 1), j.get("node", ""), j.get("func_cov"),
          j.get("message", ""), j.get("reproduce", ""), j.get("cwd", "")) for j in jobs])
    db.executemany("INSERT INTO config_stats VALUES (?,?,?,?,?,?,?,?,?)",
                   [(rid, c, s["jobs"], s["passed"], s["pass_rate"], s["func_cov"], s["code_cov"], s["wall_s"],
                     s.get("build_s")) for c, s in stats.items()])
    db.commit()
    return rid


def merge_functional(paths):
    """Sum of the per-job functional coverage (bins hit in any job)."""
    cross, edges = {}, {}
    for p in paths:
        try:
            with open(p) as f:
                j = json.load(f)
        except (OSError, json.JSONDecodeError):
            continue
        for k, v in j.get("cross", {}).items():
            cross[k] = cross.get(k, 0) + v
        for k, v in j.get("edges", {}).items():
            edges[k] = edges.get(k, 0) + v
    bins = len(cross) + len(edges)
    hit = sum(1 for v in cross.values() if v) + sum(1 for v in edges.values() if v)
    return {"cross": cross, "edges": edges, "percent": 100.0 * hit / bins if bins else None, "hit": hit, "bins": bins}


def lcov_percent(info):
    """Lines hit / lines instrumented, from the DA: records (verilator_coverage writes no LF/LH)."""
    lines = hit = 0
    try:
        with open(info) as f:
            for line in f:
                if line.startswith("DA:"):
                    lines += 1
                    hit += int(line[3:].split(",")[1]) > 0
    except (OSError, ValueError, IndexError):
        return None
    return 100.0 * hit / lines if lines else None


def merge_code_coverage(out_dir, per_config_dats, log):
    """verilator_coverage per configuration -> lcov info; lcov -a over the configurations; genhtml.
    Returns ({config: percent}, html index or None)."""
    percents, infos = {}, []
    cdir = os.path.join(out_dir, "code_coverage")
    os.makedirs(cdir, exist_ok=True)
    with open(log, "a") as lf:
        for cfg, dats in per_config_dats.items():
            if not dats:
                continue
            dat = os.path.join(cdir, f"{cfg}.dat")
            info = os.path.join(cdir, f"{cfg}.info")
            subprocess.run(["verilator_coverage", "--write", dat] + dats, stdout=lf, stderr=lf)
            subprocess.run(["verilator_coverage", "--write-info", info, dat], stdout=lf, stderr=lf)
            if os.path.exists(info):
                percents[cfg] = lcov_percent(info)
                infos.append(info)
        if not infos:
            return percents, None
        merged = os.path.join(cdir, "merged.info")
        argv = ["lcov", "--quiet"]
        for i in infos:
            argv += ["-a", i]
        subprocess.run(argv + ["-o", merged], stdout=lf, stderr=lf)
        if not os.path.exists(merged):
            return percents, None
        subprocess.run(["genhtml", "--quiet", "--output-directory", os.path.join(cdir, "html"), merged], stdout=lf,
                       stderr=lf)
    index = os.path.join(cdir, "html", "index.html")
    return percents, index if os.path.exists(index) else None


def write_junit(path, list_name, jobs):
    root = ET.Element("testsuites", name=f"qta regress {list_name}", tests=str(len(jobs)),
                      failures=str(sum(j["verdict"] not in PASSING for j in jobs)),
                      skipped=str(sum(j["verdict"] == "skip" for j in jobs)), errors="0",
                      time=f"{sum(j.get('wall_s', 0) for j in jobs):.3f}")
    by_cfg = {}
    for j in jobs:
        by_cfg.setdefault(j["config"], []).append(j)
    for cfg, js in by_cfg.items():
        suite = ET.SubElement(root, "testsuite", name=cfg, package=cfg, tests=str(len(js)),
                              failures=str(sum(j["verdict"] not in PASSING for j in js)),
                              skipped=str(sum(j["verdict"] == "skip" for j in js)), errors="0",
                              time=f"{sum(j.get('wall_s', 0) for j in js):.3f}")
        for j in js:
            tc = ET.SubElement(suite, "testcase", name=f"{j['test']}.seed{j['seed']}", classname=f"{cfg}.{j['test']}",
                               time=f"{j.get('wall_s', 0):.3f}")
            ET.SubElement(tc, "property", name="seed", value=str(j["seed"]))
            if j["verdict"] == "skip":
                ET.SubElement(tc, "skipped")
            elif j["verdict"] not in PASSING:
                f = ET.SubElement(tc, "failure", type=j["verdict"],
                                  message=f"{j['verdict']} ({j.get('triage', '')}): {j.get('message', '')}")
                f.text = f"signature: {j.get('signature', '')}\nreproduce: {j.get('reproduce', '')}\n"
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="UTF-8", xml_declaration=True)


def svg_plot(title, values, unit="", ymin=None, ymax=None, w=260, h=110):
    """A small inline SVG line plot of values (None = no data) over the runs, oldest first."""
    pts = [(i, v) for i, v in enumerate(values) if v is not None]
    e = html.escape
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" class="plot">',
           f'<text x="4" y="12" font-size="11">{e(title)}</text>']
    if not pts:
        out.append(f'<text x="4" y="{h // 2}" font-size="10" fill="#888">no data</text></svg>')
        return "".join(out)
    lo = min(v for _, v in pts) if ymin is None else ymin
    hi = max(v for _, v in pts) if ymax is None else ymax
    if hi - lo < 1e-9:
        hi, lo = hi + 1, lo - (1 if ymin is None else 0)
    x0, x1, y0, y1 = 34, w - 6, h - 16, 18
    n = max(1, len(values) - 1)
    xy = [(x0 + (x1 - x0) * i / n, y0 - (y0 - y1) * (v - lo) / (hi - lo)) for i, v in pts]
    out.append(f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#999"/>'
               f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="#999"/>'
               f'<text x="2" y="{y1 + 4}" font-size="9">{hi:.3g}{e(unit)}</text>'
               f'<text x="2" y="{y0}" font-size="9">{lo:.3g}{e(unit)}</text>'
               f'<text x="{x0}" y="{h - 3}" font-size="9">run {1}</text>'
               f'<text x="{x1 - 40}" y="{h - 3}" font-size="9">run {len(values)}</text>')
    out.append('<polyline fill="none" stroke="#2060c0" stroke-width="1.5" points="'
               + " ".join(f"{x:.1f},{y:.1f}" for x, y in xy) + '"/>')
    for (x, y), (_, v) in zip(xy, pts):
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="#2060c0"><title>{v:.4g}{e(unit)}</title></circle>')
    out.append("</svg>")
    return "".join(out)


def _table(headers, rows, cls=""):
    e = html.escape
    s = [f'<table class="{cls}"><tr>' + "".join(f"<th>{e(h)}</th>" for h in headers) + "</tr>"]
    for r in rows:
        s.append("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>")
    s.append("</table>")
    return "".join(s)


def feature_status(plan, jobs, func):
    """Per feature: stage, tests run/passed, coverage points hit (over every configuration)."""
    rows = []
    bins = {}
    for f in func.values():
        for part in ("cross", "edges"):
            for k, v in f["cross" if part == "cross" else "edges"].items():
                bins[k] = bins.get(k, 0) + v
    for feat in plan["features"]:
        js = [j for j in jobs if j["test"] in feat["tests"]]
        passed = sum(j["verdict"] in PASSING for j in js)
        pts = feat.get("coverage", [])
        hit = 0
        for p in pts:
            matching = [b for b in bins if fnmatch.fnmatchcase(b, p)]
            hit += bool(matching) and any(bins[b] for b in matching)
        rows.append({"name": feat["name"], "stage": feat["stage"], "desc": feat.get("desc", ""),
                     "tests": feat["tests"], "jobs": len(js), "passed": passed,
                     "points": len(pts), "points_hit": hit if bins else None})
    return rows


def write_html(path, db, run_id, run, jobs, stats, plan, func, buckets, code_cov_html, slurm_stats):
    e = html.escape
    cur = db.execute("SELECT id, started FROM runs WHERE list = ? AND id <= ? ORDER BY id DESC LIMIT 30",
                     (run["list"], run_id))
    history = list(reversed(cur.fetchall()))
    ids = [h[0] for h in history]
    prev_id = ids[-2] if len(ids) >= 2 else None
    prev_fail = set()
    if prev_id is not None:
        prev_fail = {(c, t, s) for c, t, s in db.execute(
            "SELECT config, test, signature FROM jobs WHERE run_id = ? AND verdict NOT IN ('pass','skip')", (prev_id,))}
    new_fail = [j for j in jobs if j["verdict"] not in PASSING and (j["config"], j["test"], j["signature"]) not in prev_fail]
    flakes = [j for j in jobs if j.get("triage") == "flaky"]
    n_pass = sum(j["verdict"] in PASSING for j in jobs)
    p = ['<!DOCTYPE html><html><head><meta charset="utf-8">',
         f"<title>qta regress {e(run['list'])} #{run_id}</title><style>",
         "body{font-family:sans-serif;margin:1.5em;max-width:1200px}table{border-collapse:collapse;margin:.5em 0}",
         "td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px;text-align:left;vertical-align:top}",
         "th{background:#eee}.pass{color:#070}.fail{color:#b00;font-weight:bold}.plot{border:1px solid #ddd;margin:2px}",
         "code{font-size:12px}</style></head><body>",
         f"<h1>qta regress <code>{e(run['list'])}</code>, run {run_id}</h1>",
         _table(["started (UTC)", "backend", "workers", "commit", "host", "wall", "jobs", "passed", "failed", "flaky"],
                [[e(run["started"]), e(run["backend"]), run["workers"], f"<code>{e(run['commit'])}</code>", e(run["host"]),
                  f"{run['wall_s']:.1f} s", len(jobs), f'<span class="pass">{n_pass}</span>',
                  f'<span class="{"fail" if len(jobs) - n_pass else "pass"}">{len(jobs) - n_pass}</span>', len(flakes)]]),
         f"<p>command: <code>{e(run['command'])}</code></p>"]
    p.append(f"<p>merged JUnit XML: <a href='junit.xml'>junit.xml</a>; database: <code>{e(run['db'])}</code>"
             + (f"; merged code coverage (lcov): <a href='{e(os.path.relpath(code_cov_html, os.path.dirname(path)))}'>HTML</a>"
                if code_cov_html else "") + "</p>")
    if slurm_stats:
        p.append("<h2>SLURM</h2>" + _table(
            ["phase", "jobs", "wall", "slots", "overhead per job", "first dispatch", "collect latency", "retries"],
            [[e(ph), s["jobs"], f"{s['wall_s']:.1f} s", s["slots"], f"{s['overhead_per_job_s']:.2f} s",
              f"{s['dispatch_s']:.2f} s", f"{s['collect_s']:.2f} s", s["retries"]] for ph, s in slurm_stats.items()]))
    p.append("<h2>Configurations</h2>")
    p.append(_table(["configuration", "jobs", "passed", "pass rate", "functional coverage", "code coverage (lines)",
                     "job wall time", "model build"],
                    [[e(c), s["jobs"], s["passed"], f"{100 * s['pass_rate']:.1f}%",
                      "-" if s["func_cov"] is None else f"{s['func_cov']:.1f}%",
                      "-" if s["code_cov"] is None else f"{s['code_cov']:.1f}%", f"{s['wall_s']:.1f} s",
                      "-" if s.get("build_s") is None else f"{s['build_s']:.1f} s"] for c, s in stats.items()]))
    p.append(f"<h2>Trends (last {len(ids)} runs of this list)</h2>")
    for cfg in stats:
        rows = {r[0]: r[1:] for r in db.execute(
            f"SELECT run_id, pass_rate, func_cov, code_cov, wall_s FROM config_stats WHERE config = ? "
            f"AND run_id IN ({','.join('?' * len(ids))})", [cfg] + ids)}
        series = [rows.get(i, (None,) * 4) for i in ids]
        p.append(f"<h3>{e(cfg)}</h3><div>"
                 + svg_plot("pass rate", [None if s[0] is None else 100 * s[0] for s in series], "%", 0, 100)
                 + svg_plot("functional coverage", [s[1] for s in series], "%", 0, 100)
                 + svg_plot("code coverage", [s[2] for s in series], "%", 0, 100)
                 + svg_plot("wall time (jobs)", [s[3] for s in series], " s", 0) + "</div>")
    p.append(f"<h2>Failure buckets ({len(buckets)})</h2>")
    p.append(_table(["signature (test | step | first mismatch kind)", "jobs", "configurations", "seeds", "triage",
                     "reproduce (first)"],
                    [[f"<code>{e(b['signature'])}</code>", len(b["jobs"]), e(", ".join(sorted({j['config'] for j in b['jobs']}))),
                      e(", ".join(str(j["seed"]) for j in b["jobs"][:10]) + (" ..." if len(b["jobs"]) > 10 else "")),
                      e(", ".join(f"{k} {v}" for k, v in sorted(b["triage"].items()))),
                      f"<code>{e(b['jobs'][0].get('reproduce', ''))}</code>"] for b in buckets]) if buckets else "<p>none</p>")
    p.append(f"<h2>New failures since the previous run ({len(new_fail)})</h2>"
             + (f"<p>previous run of this list: {prev_id}</p>" if prev_id else "<p>no previous run of this list</p>"))
    if new_fail:
        p.append(_table(["job", "verdict", "signature", "reproduce"],
                        [[e(j["id"]), e(j["verdict"]), f"<code>{e(j['signature'])}</code>", f"<code>{e(j.get('reproduce', ''))}</code>"]
                         for j in new_fail]))
    p.append(f"<h2>Flakes ({len(flakes)})</h2>")
    if flakes:
        p.append(_table(["job", "first verdict", "signature", "reproduce"],
                        [[e(j["id"]), e(j["verdict"]), f"<code>{e(j['signature'])}</code>", f"<code>{e(j.get('reproduce', ''))}</code>"]
                         for j in flakes]))
    fs = feature_status(plan, jobs, func)
    p.append("<h2>Testplan</h2>")
    p.append(_table(["feature", "stage", "description", "tests", "jobs passed", "coverage points hit"],
                    [[e(f["name"]), f["stage"], e(f["desc"]), e(", ".join(f["tests"])),
                      f'<span class="{"pass" if f["passed"] == f["jobs"] and f["jobs"] else "fail"}">{f["passed"]}/{f["jobs"]}</span>'
                      if f["jobs"] else "not run",
                      "-" if f["points_hit"] is None else f"{f['points_hit']}/{f['points']}"] for f in fs]))
    p.append("<h2>Jobs</h2><details><summary>every job</summary>")
    p.append(_table(["job", "verdict", "triage", "wall", "node", "attempts", "message"],
                    [[e(j["id"]), f'<span class="{"pass" if j["verdict"] in PASSING else "fail"}">{e(j["verdict"])}</span>',
                      e(j.get("triage", "")), f"{j.get('wall_s', 0):.2f} s", e(j.get("node", "")), j.get("attempts", 1),
                      e(j.get("message", ""))[:300]] for j in jobs]))
    p.append("</details></body></html>\n")
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(p))
    return new_fail, flakes
