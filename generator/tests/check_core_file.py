#!/usr/bin/env python3
"""Structural check of a generated FuseSoC CAPI2 core file (FuseSoC itself is not a Debian
package): the CAPI=2 marker, a four-part VLNV name, every fileset file present and equal to the
Verilator file list qta_top.f, targets that name existing filesets and declared parameters,
a toplevel, and Verilator tool options of the documented kinds.
Usage: check_core_file.py GEN_DIR   (a `qta gen` output directory)."""
import re
import sys
from pathlib import Path

import yaml

CAPI2_FILE_TYPES = {"verilogSource", "systemVerilogSource"}
VERILATOR_MODES = {"cc", "sc", "lint-only", "binary"}
PARAM_TYPES = {"vlogdefine", "vlogparam", "plusarg", "cmdlinearg", "generic"}
DATATYPES = {"bool", "int", "str", "file"}


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    gen = Path(sys.argv[1])
    core_path = gen / "qta.core"
    text = core_path.read_text()
    if text.splitlines()[0] != "CAPI=2:":
        fail(f"{core_path}: first line is {text.splitlines()[0]!r}, expected 'CAPI=2:'")
    core = yaml.safe_load(text)
    name = core.get("name", "")
    if not re.fullmatch(r"[^:\s]*:[^:\s]+:[^:\s]+:[0-9][^:\s]*", name):
        fail(f"{core_path}: name {name!r} is not a VLNV vendor:library:name:version")
    filesets = core.get("filesets") or fail("no filesets")
    core_files = []
    for fs_name, fs in filesets.items():
        if fs.get("file_type") not in CAPI2_FILE_TYPES:
            fail(f"fileset {fs_name}: file_type {fs.get('file_type')!r}, valid {sorted(CAPI2_FILE_TYPES)}")
        for f in fs.get("files", []):
            if not (gen / f).is_file():
                fail(f"fileset {fs_name}: file {f} does not exist in {gen}")
            core_files.append(f)
    flist = [l.strip() for l in (gen / "qta_top.f").read_text().splitlines()
             if l.strip() and not l.startswith("//") and not l.startswith("-")]
    if core_files != flist:
        fail(f"core files {core_files} differ from qta_top.f {flist}")
    params = core.get("parameters", {})
    for p_name, p in params.items():
        if p.get("datatype") not in DATATYPES or p.get("paramtype") not in PARAM_TYPES:
            fail(f"parameter {p_name}: datatype {p.get('datatype')!r} / paramtype {p.get('paramtype')!r} invalid")
    targets = core.get("targets") or fail("no targets")
    if targets.get("default", {}).get("toplevel") != "qta_top":
        fail("target default: toplevel is not qta_top")
    for t_name, t in targets.items():
        for fs_name in t.get("filesets", []):
            if fs_name not in filesets:
                fail(f"target {t_name}: fileset {fs_name} is not defined")
        for p in t.get("parameters", []):
            if p.split("=")[0] not in params:
                fail(f"target {t_name}: parameter {p} is not declared under parameters")
        tool = t.get("default_tool")
        if tool is not None:
            opts = t.get("tools", {}).get(tool)
            if opts is None:
                fail(f"target {t_name}: default_tool {tool} has no tools.{tool} section")
            if tool == "verilator" and opts.get("mode") not in VERILATOR_MODES:
                fail(f"target {t_name}: verilator mode {opts.get('mode')!r}, valid {sorted(VERILATOR_MODES)}")
    print(f"PASS: {core_path}: CAPI2 structure, {len(core_files)} files, targets {sorted(targets)}")


if __name__ == "__main__":
    main()
