// Live staging paths: the temporary directories and files that AtomicDir and
// write_file_atomically (qta/atomic_dir.h) write before they move them into place.
//
// A run stopped by SIGINT, SIGTERM or SIGHUP leaves none of them behind: every registration
// installs a handler for each of these signals whose disposition is the default (an ignored
// signal stays ignored, another handler is left alone), which removes every path registered by this process with system calls
// only (async-signal-safe: openat, getdents64, unlinkat), restores the default action and
// re-raises the signal, so the process still ends by it (a shell shows 128+N: 130 for SIGINT,
// 143 for SIGTERM). At most kMaxStaged paths are live at once; beyond that a path is written as
// before but not removed on a signal.
//
// A write that fails inside a registered directory (disk full, file size limit) is reported
// against the output the user named, not the temporary name (describe_staged).
#pragma once

#include <csignal>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace qta::staging {

inline constexpr int kMaxStaged = 64;

// Registers `staged` (an absolute path, at most PATH_MAX - 1 bytes) that will become `target`;
// `label` names the output in messages ("--out"). Returns a slot for remove(), -1 if none is free
// or the path is too long.
int add(const std::filesystem::path& staged, const std::filesystem::path& target, std::string_view label) noexcept;

// Forgets a slot (-1: nothing); the path itself is left as it is.
void remove(int slot) noexcept;

// For a path strictly inside a registered staged directory: "<label> '<target>': cannot write
// <relative path>" as the user sees it. Empty otherwise.
std::optional<std::string> describe_staged(const std::filesystem::path& p);

// Holds SIGINT, SIGTERM and SIGHUP pending in this thread for its lifetime (a commit's lock and
// renames run to their end; the handler then removes what is left).
class DeferSignals {
 public:
  DeferSignals() noexcept;
  ~DeferSignals();
  DeferSignals(const DeferSignals&) = delete;
  DeferSignals& operator=(const DeferSignals&) = delete;

 private:
  sigset_t old_{};
};

}  // namespace qta::staging
