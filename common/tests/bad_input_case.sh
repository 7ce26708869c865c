#!/usr/bin/env bash
# bad_input_case.sh CASE QTA WORK: one reproduce command of issue 11 (hostile configuration files
# and output paths) and the contract it must meet (docs/interfaces.md section 5): the exit code,
# a message naming the field or flag and the value, at most 2 kB long, and nothing left behind
# (the scratch directory holds afterwards exactly what it held before, plus the expected output).
# On failure it prints the command to reproduce. Exit 77 (skipped) when a fixture cannot be made
# here (an immutable directory needs root or CAP_LINUX_IMMUTABLE, or a non-root user).
set -u
case=$1 qta=$2 T=$3
chattr -i "$T/imm" 2>/dev/null; chmod -R u+w "$T" 2>/dev/null
rm -rf "$T"; mkdir -p "$T"
trap 'chattr -i "$T/imm" 2>/dev/null; chmod u+w "$T/imm" 2>/dev/null' EXIT

# expect CODE "NEEDLE|NEEDLE..." [new entries of $T...] -- CMD...
expect() {
  local code=$1 needles=$2; shift 2
  local allowed=()
  while [ "$1" != "--" ]; do allowed+=("$1"); shift; done
  shift
  local before after rc  # $out stays set for the caller
  before=$(ls -A "$T" | sort)
  out=$(timeout 120 "$@" 2>&1); rc=$?
  after=$(ls -A "$T" | sort)
  local fail=0 msg
  msg=$(grep -E '^\[(error|critical)\]' <<<"$out")
  echo "exit $rc: $(head -c 600 <<<"$msg")"
  if [ "$rc" != "$code" ]; then echo "FAIL: exit code $rc, expected $code"; fail=1; fi
  IFS='|' read -ra pats <<<"$needles"
  for p in "${pats[@]}"; do
    grep -qF -- "$p" <<<"$out" || { echo "FAIL: the output lacks '$p'"; fail=1; }
  done
  if [ ${#msg} -gt 2048 ]; then echo "FAIL: the message is ${#msg} bytes long, want at most 2048"; fail=1; fi
  local want
  want=$(printf '%s\n' $before "${allowed[@]}" | grep -v '^$' | sort -u)
  if [ "$(printf '%s\n' $after | grep -v '^$')" != "$want" ]; then
    echo "FAIL: the scratch directory changed: before [$(echo $before)], after [$(echo $after)], allowed new [${allowed[*]}]"
    fail=1
  fi
  if [ $fail -ne 0 ]; then
    printf 'reproduce (fixtures in %s):' "$T"; printf ' %q' "$@"; echo
    exit 1
  fi
}

# A directory this process cannot write: immutable (root), else mode 0555 (other users).
make_unwritable() {
  mkdir -p "$1"
  chattr +i "$1" 2>/dev/null || chmod 555 "$1"
  if touch "$1/.probe" 2>/dev/null; then rm -f "$1/.probe"; chmod 755 "$1"; echo "SKIP: cannot make $1 unwritable here"; exit 77; fi
}

long=$(printf 'a%.0s' $(seq 300))
case $case in
  # --- configuration files ---
  deep_nesting)  # 100,000 nested [: was a segfault (exit 139)
    python3 -c 'print("{\"rows\":"+"["*100000+"]"*100000+"}")' > "$T/deep.json"
    expect 2 "nested deeper than 8 levels|'rows" -- "$qta" gen --config "$T/deep.json" --out "$T/o" ;;
  deep_nesting_10000)  # was exit 2 with a 20-60 kB message
    python3 -c 'print("{\"rows\":"+"["*10000+"]"*10000+"}")' > "$T/deep.json"
    expect 2 "nested deeper than 8 levels|'rows" -- "$qta" gen --config "$T/deep.json" --out "$T/o" ;;
  number_1e400)
    echo '{"rows":1e400}' > "$T/c.json"
    expect 2 "field 'rows' = 1e400 is out of range|1..128" -- "$qta" gen --config "$T/c.json" --out "$T/o" ;;
  number_minus_1e400)
    echo '{"rows":-1e400}' > "$T/c.json"
    expect 2 "field 'rows' = -1e400 is out of range|1..128" -- "$qta" gen --config "$T/c.json" --out "$T/o" ;;
  number_400_digits)
    python3 -c 'print("{\"rows\":"+"9"*400+"}")' > "$T/c.json"
    expect 2 "field 'rows' = 9999999999|(400 bytes) is out of range|1..128" -- "$qta" gen --config "$T/c.json" --out "$T/o" ;;
  number_2_pow_64)  # was "wrong type: expected an integer"
    echo '{"rows":18446744073709551616}' > "$T/c.json"
    expect 2 "field 'rows' = 18446744073709551616 is out of range|1..128" -- "$qta" gen --config "$T/c.json" --out "$T/o" ;;
  trailing_nul)
    printf '{"rows":4}\0' > "$T/c.json"
    expect 2 "NUL byte at offset 10" -- "$qta" gen --config "$T/c.json" --out "$T/o" ;;
  duplicate_key)  # {"rows":200,"rows":4} gave 4 silently
    echo '{"rows":200,"rows":4}' > "$T/c.json"
    expect 2 "key \"rows\" appears twice" -- "$qta" gen --config "$T/c.json" --out "$T/o" ;;
  string_10mb)  # a 10 MB string gave a 10 MB message
    python3 -c 'print("{\"rows\":\""+"x"*10000000+"\"}")' > "$T/c.json"
    expect 2 "field 'rows' = \"xxxxxxxx|(10000000 bytes)|expected an integer" -- "$qta" gen --config "$T/c.json" --out "$T/o" ;;
  string_10mb_mode)
    python3 -c 'print("{\"rounding\":\""+"x"*10000000+"\"}")' > "$T/c.json"
    expect 2 "field 'rounding' = \"xxxxxxxx|(10000000 bytes)|rne, sr, both" -- "$qta" gen --config "$T/c.json" --out "$T/o" ;;
  config_dir)  # was "basic_filebuf::underflow error", the file not named
    mkdir "$T/cfgdir"
    expect 2 "'$T/cfgdir' is a directory" -- "$qta" gen --config "$T/cfgdir" --out "$T/o" ;;
  # --- output paths: gen --out ---
  out_symlink_loop)
    ln -s "$T/loop" "$T/loop"
    expect 2 "--out '$T/loop' is a symbolic link loop" -- "$qta" gen --out "$T/loop" ;;
  out_long_name)
    expect 2 "has a name of 300 bytes|NAME_MAX" -- "$qta" gen --out "$T/$long" ;;
  out_name_255)  # the longest legal name works (temporary names are shortened)
    expect 0 "wrote" "$(printf 'b%.0s' $(seq 255))" -- "$qta" gen --out "$T/$(printf 'b%.0s' $(seq 255))" ;;
  out_immutable_parent)
    make_unwritable "$T/imm"
    expect 2 "its parent directory '$T/imm' is not writable" -- "$qta" gen --out "$T/imm/x" ;;
  out_dangling_symlink)
    ln -s "$T/nowhere" "$T/dangling"
    expect 2 "is a dangling symbolic link (to '$T/nowhere')" -- "$qta" gen --out "$T/dangling" ;;
  out_non_utf8)  # was exit 3, nlohmann type_error.316 writing manifest.json
    expect 2 "is not valid UTF-8 (byte 0xff|\\xff" -- "$qta" gen --out "$T/g"$'\xff'"name" ;;
  out_trailing_slash)  # a previous output replaced through DIR/ and DIR/.
    "$qta" gen -q --out "$T/prev" || exit 1
    expect 0 "wrote $T/prev " -- "$qta" gen --out "$T/prev/"
    expect 0 "wrote $T/prev " -- "$qta" gen --out "$T/prev/."
    [ "$(ls -A "$T/prev" | tr '\n' ' ')" = "config.json manifest.json qta.core qta_top.f rtl sw " ] || { echo "FAIL: $T/prev holds $(ls -A "$T/prev")"; exit 1; } ;;
  # --- output paths: golden lora --dump (refused before any computation: no table printed) ---
  dump_symlink_loop)
    ln -s "$T/loop" "$T/loop"
    expect 2 "dump directory '$T/loop' is a symbolic link loop" -- "$qta" golden lora --dump "$T/loop"
    if grep -q "LoRA layer" <<<"$out"; then echo "FAIL: refused only after the computation"; exit 1; fi ;;
  dump_long_name)
    expect 2 "has a name of 300 bytes" -- "$qta" golden lora --dump "$T/$long" ;;
  dump_immutable_parent)
    make_unwritable "$T/imm"
    expect 2 "its parent directory '$T/imm' is not writable" -- "$qta" golden lora --dump "$T/imm/x" ;;
  dump_dangling_symlink)
    ln -s "$T/nowhere" "$T/dangling"
    expect 2 "is a dangling symbolic link" -- "$qta" golden lora --dump "$T/dangling" ;;
  dump_trailing_slash)  # was: temporary directory created inside the target, then "Directory not empty"
    mkdir "$T/ex"
    expect 0 "written to $T/ex/" -- "$qta" golden lora --tokens 8 --dump "$T/ex/"
    [ -f "$T/ex/manifest.json" ] && ! ls -A "$T/ex" | grep -q tmp || { echo "FAIL: $T/ex holds $(ls -A "$T/ex")"; exit 1; } ;;
  dump_trailing_dot)  # was "Invalid argument"
    mkdir "$T/ex"
    expect 0 "written to $T/ex/." -- "$qta" golden lora --tokens 8 --dump "$T/ex/."
    [ -f "$T/ex/manifest.json" ] || { echo "FAIL: no $T/ex/manifest.json"; exit 1; } ;;
  dump_new_dir_slash)
    expect 0 "written to $T/newdir/" newdir -- "$qta" golden lora --tokens 8 --dump "$T/newdir/" ;;
  dump_missing_parent_slash)  # the parent named is the right one
    expect 2 "its parent directory '$T/nope' does not exist" -- "$qta" golden lora --dump "$T/nope/newdir/" ;;
  dump_empty)  # was: writes nothing and succeeds
    expect 2 "--dump = \"\" is empty" -- "$qta" golden lora --dump "" ;;
  dump_non_utf8)
    expect 2 "is not valid UTF-8" -- "$qta" golden lora --dump "$T/d"$'\xfe' ;;
  # --- synth: refused before anything is generated (no .s.gen, no s.tmp-*) ---
  synth_sram_inf)
    expect 2 "--sram-bit-um2 = \"inf\" is not a finite number|(0, 1000]" -- "$qta" synth --sram-bit-um2 inf --rows 4 --out "$T/s" ;;
  synth_sram_empty)  # was read as 0
    expect 2 "--sram-bit-um2 = \"\" is empty" -- "$qta" synth --sram-bit-um2 "" --rows 4 --out "$T/s" ;;
  synth_out_symlink_loop)
    ln -s "$T/loop" "$T/loop"
    expect 2 "--out '$T/loop' is a symbolic link loop" -- "$qta" synth --rows 4 --out "$T/loop" ;;
  *) echo "unknown case $case"; exit 2 ;;
esac
echo "ok: $case"
