#include "qta/atomic_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "qta/cli.h"
#include "qta/hash.h"
#include "qta/paths.h"
#include "qta/staging.h"
#include "qta/text_io.h"

namespace qta {

namespace fs = std::filesystem;

namespace {

fs::path normalized(const fs::path& p) {
  fs::path a = fs::absolute(p).lexically_normal();
  if (a.filename().empty() && a.has_parent_path() && a != a.root_path()) a = a.parent_path();  // "out/dir/"
  return a;
}

// TARGET + suffix beside TARGET. A name that would exceed NAME_MAX with the suffix is shortened
// to a prefix and a hash of the whole name (a 255-byte target still gets its temporary names).
fs::path sibling(const fs::path& target, const std::string& suffix) {
  const std::string name = target.filename().string();
  const long max = ::pathconf(target.parent_path().c_str(), _PC_NAME_MAX);
  const size_t name_max = max > 0 ? size_t(max) : 255;
  if (name.size() + suffix.size() <= name_max) return target.parent_path() / (name + suffix);
  const std::string hash = "-" + hex16(fnv1a64(name));
  const size_t keep = name_max > suffix.size() + hash.size() ? name_max - suffix.size() - hash.size() : 0;
  return target.parent_path() / (name.substr(0, keep) + hash + suffix);
}

// Test hook: QTA_ATOMIC_DIR_NO_EXCHANGE=1 takes the two-rename path of filesystems without
// RENAME_EXCHANGE, so that its concurrency is tested where RENAME_EXCHANGE exists.
bool exchange_disabled() {
  const char* v = std::getenv("QTA_ATOMIC_DIR_NO_EXCHANGE");
  return v && *v && std::string(v) != "0";
}

bool exists_no_follow(const fs::path& p) {
  std::error_code ec;
  return fs::symlink_status(p, ec).type() != fs::file_type::not_found && !ec;
}

[[noreturn]] void throw_errno(const std::string& what, int error) {
  throw std::system_error(error, std::generic_category(), what);
}

// An exclusive flock() on TARGET.lock for the lifetime of the object. The file is unlinked
// before it is unlocked; a waiter that wakes up holding an unlinked file retries.
class DirLock {
 public:
  explicit DirLock(const fs::path& target) : path_(sibling(target, ".lock")) {
    for (;;) {
      fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      if (fd_ < 0) throw_errno("cannot create the lock file '" + path_.string() + "'", errno);
      while (::flock(fd_, LOCK_EX) != 0) {
        if (errno != EINTR) {
          const int e = errno;
          ::close(fd_);
          throw_errno("cannot lock '" + path_.string() + "'", e);
        }
      }
      struct stat held {}, current {};
      if (::fstat(fd_, &held) == 0 && ::stat(path_.c_str(), &current) == 0 && held.st_dev == current.st_dev &&
          held.st_ino == current.st_ino)
        return;
      ::close(fd_);  // the previous holder unlinked it: lock the file now at path_
    }
  }
  ~DirLock() {
    ::unlink(path_.c_str());
    ::close(fd_);
  }
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

 private:
  fs::path path_;
  int fd_ = -1;
};

// Moves directory `from` to `to` (under `to`'s lock). Returns the path that now holds what was
// at `to` before (to be deleted), or an empty path if nothing was there.
fs::path swap_into(const fs::path& from, const fs::path& to) {
  if (!exists_no_follow(to)) {
    if (::rename(from.c_str(), to.c_str()) != 0) throw_errno("cannot rename '" + from.string() + "' to '" + to.string() + "'", errno);
    return {};
  }
  if (!exchange_disabled()) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_EXCHANGE) == 0) return from;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
      throw_errno("cannot exchange '" + from.string() + "' and '" + to.string() + "'", errno);
  }
  // A filesystem without RENAME_EXCHANGE: two renames (`to` is briefly absent).
  const fs::path old = sibling(to, ".old-" + unique_suffix());
  if (::rename(to.c_str(), old.c_str()) != 0) throw_errno("cannot rename '" + to.string() + "' to '" + old.string() + "'", errno);
  if (::rename(from.c_str(), to.c_str()) != 0) {
    const int e = errno;
    ::rename(old.c_str(), to.c_str());  // put the previous output back
    throw_errno("cannot rename '" + from.string() + "' to '" + to.string() + "'", e);
  }
  return old;
}

std::string refusal(const fs::path& target, const AtomicDirOptions& o) {
  if (o.markers.empty())
    return o.label + " " + shown_path(target) + " already exists and is not empty; valid: a new path or an empty directory";
  std::string files;
  for (const auto& m : o.markers) files += (files.empty() ? "" : " or ") + m;
  return o.label + " " + shown_path(target) + " exists and is not a " + o.owner + " output directory (no " + files +
         "): valid is a new path, an empty directory or a previous " + o.owner + " output";
}

void remove_quietly(const fs::path& p) {
  std::error_code ec;
  fs::remove_all(p, ec);
}

}  // namespace

std::string unique_suffix() {
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%ld-%08x", static_cast<long>(::getpid()), rd() ^ (counter++ * 0x9E3779B9u));
  return buf;
}

void write_file_atomically(const fs::path& target, std::string_view option, std::string_view text) {
  const fs::path tmp = target.string() + ".tmp-" + unique_suffix();
  struct Registered {
    int slot;
    ~Registered() { staging::remove(slot); }
  } registered{staging::add(fs::absolute(tmp), target, option)};
  std::error_code ec;
  try {
    write_text(tmp, text);
  } catch (const FileError& e) {
    fs::remove(tmp, ec);
    // The reason alone when there is one: the temporary name means nothing to the user.
    throw UsageError(fmt::format("{} {} cannot be written ({}); it was left as it was", option, shown_path(target),
                                 e.error ? std::strerror(e.error) : e.what()));
  }
  {
    staging::DeferSignals defer;
    fs::rename(tmp, target, ec);
  }
  if (ec) {
    fs::remove(tmp, ec);
    throw UsageError(fmt::format("{} {} cannot be written ({})", option, shown_path(target), ec.message()));
  }
}

bool is_replaceable(const fs::path& target_in, const AtomicDirOptions& options) {
  const fs::path target = normalized(target_in);
  if (!exists_no_follow(target)) return true;
  std::error_code ec;
  if (!fs::is_directory(target, ec)) return false;
  if (fs::is_empty(target, ec) && !ec) return true;
  for (const auto& m : options.markers)
    if (fs::exists(target / m, ec)) return true;
  return false;
}

fs::path check_atomic_target(const fs::path& target_in, const AtomicDirOptions& options, bool parents_may_be_missing) {
  const fs::path target = check_output_dir(target_in, {options.label, parents_may_be_missing});
  if (!exists_no_follow(target)) return target;
  // Under the lock: a writer swapping by two renames (no RENAME_EXCHANGE) briefly leaves the
  // target half-way (gone, or seen as a directory whose manifest is gone), which an unlocked
  // check would take for a directory that is not ours.
  staging::DeferSignals defer;  // a signal while the lock is held would leave TARGET.lock
  DirLock lock(target);
  if (!is_replaceable(target, options)) throw UsageError(refusal(target, options));
  return target;
}

AtomicDir::AtomicDir(fs::path target, AtomicDirOptions options) : options_(std::move(options)) {
  target_ = check_atomic_target(target, options_);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const fs::path candidate = sibling(target_, ".tmp-" + unique_suffix());
    staging::DeferSignals defer;  // registered as soon as it exists
    if (::mkdir(candidate.c_str(), 0755) == 0) {
      tmp_ = candidate;
      staging_slot_ = staging::add(tmp_, target_, options_.label);
      return;
    }
    if (errno != EEXIST)
      throw UsageError(options_.label + " " + shown_path(target_) + ": cannot create a temporary directory beside it (" +
                       std::strerror(errno) + "); valid: a path in a directory you can write");
  }
  throw std::runtime_error("cannot create a temporary directory beside '" + target_.string() + "'");
}

AtomicDir::~AtomicDir() {
  if (!done_ && !tmp_.empty()) remove_quietly(tmp_);
  staging::remove(staging_slot_);
}

void AtomicDir::commit() {
  if (done_) throw std::logic_error("AtomicDir::commit: '" + target_.string() + "' already committed");
  fs::path previous;
  int previous_slot = -1;
  {
    staging::DeferSignals defer;  // the lock and the swap run to their end; a signal acts after
    DirLock lock(target_);
    if (!is_replaceable(target_, options_)) throw UsageError(refusal(target_, options_));
    previous = swap_into(tmp_, target_);
    done_ = true;
    // After an exchange tmp_ holds the previous output, still registered (removed on a signal);
    // after the two-rename fallback the previous output is elsewhere: registered too.
    if (!previous.empty() && previous != tmp_) previous_slot = staging::add(previous, target_, options_.label);
  }
  if (!previous.empty()) remove_quietly(previous);  // after the lock: other writers need not wait
  staging::remove(previous_slot);
  staging::remove(staging_slot_);
  staging_slot_ = -1;
}

bool AtomicDir::keep_as(const fs::path& dir_in) {
  if (done_) return false;
  fs::path previous;
  try {
    const fs::path dir = normalized(dir_in);
    staging::DeferSignals defer;
    DirLock lock(dir);
    previous = swap_into(tmp_, dir);
    done_ = true;
    if (previous.empty() || previous != tmp_) {  // tmp_ is now `dir` itself, or gone: kept
      staging::remove(staging_slot_);
      staging_slot_ = -1;
    }
  } catch (const std::exception&) {
    return false;
  }
  if (!previous.empty()) remove_quietly(previous);
  staging::remove(staging_slot_);
  staging_slot_ = -1;
  return true;
}

void write_atomic_dir(const fs::path& target, const std::function<void(const fs::path& tmp)>& fill,
                      const AtomicDirOptions& options) {
  AtomicDir dir(target, options);
  fill(dir.path());
  dir.commit();
}

}  // namespace qta
