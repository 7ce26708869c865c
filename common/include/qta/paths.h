// The one check of an output path, run before any work (docs/interfaces.md section 5): `qta gen
// --out`, `qta golden lora --dump`, `qta synth --out`, `qta verify --work` and `qta perf --json`
// all go through it (AtomicDir's constructor calls check_output_dir), so a path that cannot be
// written is bad input (exit 2) before anything is computed, never an internal error after.
//
// Rules, in order:
//   - empty: refused ("--dump is empty");
//   - not valid UTF-8: refused (outputs record their paths in JSON manifests, which hold UTF-8
//     only); the byte and its offset are named;
//   - longer than PATH_MAX - 1 bytes, or a component longer than NAME_MAX: refused, naming it;
//   - "DIR/" and "DIR/." name DIR itself; "a/b/.." names a (lexically, like the shell's cd -L);
//   - a symbolic link: a loop or a dangling link is refused (naming where it points); a link to
//     a directory is followed: the output goes where the link points and the link stays;
//   - an existing file that is not a directory: refused; an existing directory must be writable
//     (an immutable one is refused);
//   - the parent must exist, be a directory, and be writable (EACCES, EPERM for an immutable
//     directory, EROFS); with `parents_may_be_missing`, the nearest existing ancestor instead,
//     and every missing name must fit NAME_MAX.
// Whether an existing directory may be replaced is AtomicDir's rule (qta/atomic_dir.h).
#pragma once

#include <filesystem>
#include <string>

namespace qta {

struct OutputPathRules {
  std::string label = "output directory";  // how messages name it: "--out", "--dump"
  bool parents_may_be_missing = false;      // the caller creates missing parents (synth --out)
};

// Checks an output directory path; returns it absolute and normalized, a symbolic link to a
// directory resolved. Throws qta::UsageError naming the label, the path and the reason.
std::filesystem::path check_output_dir(const std::filesystem::path& path, const OutputPathRules& rules = {});

// The same for an output file (perf --json): an existing directory is refused, an existing
// file must be writable.
std::filesystem::path check_output_file(const std::filesystem::path& path, const OutputPathRules& rules = {});

// A path for a message: shown() with room for long paths.
std::string shown_path(const std::filesystem::path& path);

}  // namespace qta
