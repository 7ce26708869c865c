// An output directory that appears complete or not at all (docs/interfaces.md section 5).
//
// The tree is written into a temporary sibling directory `TARGET.tmp-<pid>-<hex>` and moved
// into place by commit(). An existing TARGET is replaced only if it is a previous output of
// ours: an empty directory, or a directory holding one of the options' marker files (for
// `qta gen`, manifest.json). Anything else is refused with qta::UsageError and left untouched.
//
// Concurrent writers to the same TARGET (several `qta gen --out X` at once, in threads or
// processes) all succeed, the last commit wins, and nothing is left beside TARGET: commit()
// holds an flock() on the lock file `TARGET.lock` while it checks and swaps, swaps with
// renameat2(RENAME_EXCHANGE) (so TARGET never disappears for a reader), deletes the previous
// tree after releasing the lock and unlinks the lock file before unlocking it (a waiter that
// then finds its lock file unlinked retries on a fresh one). A crash inside commit() can leave
// `TARGET.lock` (an empty file, harmless: the next writer reuses it) or `TARGET.tmp-*`.
//
// SIGINT, SIGTERM and SIGHUP leave nothing: the temporary directory is registered with
// qta/staging.h, whose handler removes it and re-raises the signal; the lock is taken and the
// swap done with these signals held pending, so they act before or after a commit, never in it.
// A write that fails in the temporary directory (disk full) throws qta::FileError naming TARGET
// (qta/text_io.h; exit 2) and the destructor removes the directory.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace qta {

struct AtomicDirOptions {
  // A directory holding one of these files is a previous output and may be replaced. Empty:
  // only an empty directory is replaced (e.g. a tensor dump that must never overwrite one).
  std::vector<std::string> markers = {"manifest.json"};
  // How error messages name the target, e.g. "--out" or "dump directory".
  std::string label = "output directory";
  // Whose output a replaceable directory is, for the refusal message, e.g. "qta gen".
  std::string owner = "qta";
};

class AtomicDir {
 public:
  // Checks TARGET by the path rules of qta/paths.h (empty, not UTF-8, too long, symbolic link
  // loop or dangling link, parent missing or not writable, ...) and that it may be replaced
  // (qta::UsageError otherwise; checked again by commit()), then creates the temporary
  // directory. Temporary and lock names of a target near NAME_MAX are shortened (a prefix and a
  // hash of the name). QTA_ATOMIC_DIR_NO_EXCHANGE=1 (tests) swaps by two renames under the lock,
  // as on a filesystem without RENAME_EXCHANGE.
  explicit AtomicDir(std::filesystem::path target, AtomicDirOptions options = {});
  // Removes the temporary directory unless it was committed or kept.
  ~AtomicDir();
  AtomicDir(const AtomicDir&) = delete;
  AtomicDir& operator=(const AtomicDir&) = delete;

  // Where to write the tree (the temporary directory).
  const std::filesystem::path& path() const { return tmp_; }
  // TARGET, absolute and normalized ("out/dir/" and "out/dir/." name "out/dir"; a symbolic
  // link to a directory is resolved to it).
  const std::filesystem::path& target() const { return target_; }
  bool committed() const { return done_; }

  // Moves the tree into place, replacing a previous output (see above). Throws qta::UsageError
  // if TARGET has meanwhile become something that may not be replaced (the temporary
  // directory is then still removed by the destructor).
  void commit();

  // Moves the unfinished tree to `dir` instead (e.g. the logs of a failed run), replacing
  // whatever is at `dir`, under the same lock protocol. False (and nothing moved) if already
  // committed or the move failed.
  bool keep_as(const std::filesystem::path& dir);

 private:
  std::filesystem::path target_, tmp_;
  AtomicDirOptions options_;
  bool done_ = false;
  int staging_slot_ = -1;  // qta/staging.h: removed on SIGINT/SIGTERM/SIGHUP
};

// The checks of the constructor without creating anything, for a caller that wants them before
// any work (qta synth checks --out before it generates): the path rules of qta/paths.h, then
// the replacement rule above. Returns the target as AtomicDir will use it (absolute, a link to a
// directory resolved); throws qta::UsageError.
std::filesystem::path check_atomic_target(const std::filesystem::path& target, const AtomicDirOptions& options = {},
                                          bool parents_may_be_missing = false);

// True if `target` does not exist or may be replaced under `options` (see above).
bool is_replaceable(const std::filesystem::path& target, const AtomicDirOptions& options = {});

// Writes a tree with `fill(tmp)` and commits it; on any exception from `fill` or the commit the
// temporary directory is removed and the exception rethrown.
void write_atomic_dir(const std::filesystem::path& target,
                      const std::function<void(const std::filesystem::path& tmp)>& fill,
                      const AtomicDirOptions& options = {});

// A short random suffix (pid and 32 random bits in hex) for temporary names.
std::string unique_suffix();

// One output file that appears complete or not at all: written beside `target`, then renamed
// over it. `option` names where the path came from (e.g. "--json"); a failure is a UsageError
// naming it, the path and the reason, and leaves neither a temporary nor a partial file (nor on
// SIGINT/SIGTERM/SIGHUP, qta/staging.h). The
// caller checks the path first (check_output_file in qta/paths.h), before the work.
void write_file_atomically(const std::filesystem::path& target, std::string_view option, std::string_view text);

}  // namespace qta
