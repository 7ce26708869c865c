#include "qta/staging.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

#include "qta/paths.h"

namespace qta::staging {

namespace fs = std::filesystem;

namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

// The part the signal handler reads: fixed storage, no allocation. state: 0 free, 1 being
// filled or emptied, 2 live.
struct Slot {
  std::atomic<int> state{0};
  pid_t owner = 0;
  char path[PATH_MAX] = {};
};
Slot g_slots[kMaxStaged];

// The part messages read (never touched by the handler).
struct Named {
  fs::path staged, target;
  std::string label;
};
std::mutex g_mutex;
std::map<int, Named> g_named;

// Removes `name` under directory `dirfd` (a file or a whole tree) with system calls only.
void remove_at(int dirfd, const char* name, int depth) {
  if (::unlinkat(dirfd, name, 0) == 0 || errno == ENOENT) return;
  if ((errno != EISDIR && errno != EPERM) || depth > 64) return;
  const int fd = ::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return;
  alignas(8) char buf[2048];
  for (int pass = 0; pass < 4; ++pass) {  // entries removed while reading: read again from the start
    ::lseek(fd, 0, SEEK_SET);
    for (;;) {
      const ssize_t n = ::getdents64(fd, buf, sizeof buf);
      if (n <= 0) break;
      for (ssize_t off = 0; off < n;) {
        const auto* d = reinterpret_cast<const struct dirent64*>(buf + off);
        off += d->d_reclen;
        if (std::strcmp(d->d_name, ".") != 0 && std::strcmp(d->d_name, "..") != 0) remove_at(fd, d->d_name, depth + 1);
      }
    }
    if (::unlinkat(dirfd, name, AT_REMOVEDIR) == 0 || errno != ENOTEMPTY) break;
  }
  ::close(fd);
}

void on_signal(int sig) {
  const pid_t me = ::getpid();  // a child between fork and exec must not remove its parent's output
  for (auto& s : g_slots)
    if (s.state.load(std::memory_order_acquire) == 2 && s.owner == me) remove_at(AT_FDCWD, s.path, 0);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ::sigemptyset(&dfl.sa_mask);
  ::sigaction(sig, &dfl, nullptr);
  ::raise(sig);  // pending until the handler returns (the signal is blocked in it), then the default action
}

void install_handlers() {
  for (int sig : kSignals) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) != 0) continue;
    if ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL) continue;  // ignored, or someone else's
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    ::sigfillset(&sa.sa_mask);  // nothing else interrupts the removal
    sa.sa_flags = SA_RESTART;
    ::sigaction(sig, &sa, nullptr);
  }
}

sigset_t deferred_set() {
  sigset_t s;
  ::sigemptyset(&s);
  for (int sig : kSignals) ::sigaddset(&s, sig);
  return s;
}

}  // namespace

int add(const fs::path& staged, const fs::path& target, std::string_view label) noexcept {
  try {
    install_handlers();  // at every registration: a disposition reset to the default since is covered too
    const std::string& p = staged.native();
    if (p.empty() || p.size() >= PATH_MAX || p.front() != '/') return -1;
    for (int i = 0; i < kMaxStaged; ++i) {
      int expected = 0;
      if (!g_slots[i].state.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) continue;
      std::memcpy(g_slots[i].path, p.c_str(), p.size() + 1);
      g_slots[i].owner = ::getpid();
      {
        std::lock_guard<std::mutex> lock(g_mutex);
        g_named[i] = Named{staged, target, std::string(label)};
      }
      g_slots[i].state.store(2, std::memory_order_release);
      return i;
    }
  } catch (...) {
  }
  return -1;
}

void remove(int slot) noexcept {
  if (slot < 0 || slot >= kMaxStaged) return;
  g_slots[slot].state.store(1, std::memory_order_release);
  try {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_named.erase(slot);
  } catch (...) {
  }
  g_slots[slot].state.store(0, std::memory_order_release);
}

std::optional<std::string> describe_staged(const fs::path& p) {
  const fs::path abs = fs::absolute(p).lexically_normal();
  std::lock_guard<std::mutex> lock(g_mutex);
  for (const auto& [slot, n] : g_named) {
    const fs::path rel = abs.lexically_relative(n.staged);
    if (rel.empty() || rel == "." || *rel.begin() == "..") continue;
    return n.label + " " + shown_path(n.target) + ": cannot write " + shown_path(rel);
  }
  return std::nullopt;
}

DeferSignals::DeferSignals() noexcept {
  const sigset_t s = deferred_set();
  ::pthread_sigmask(SIG_BLOCK, &s, &old_);
}

DeferSignals::~DeferSignals() { ::pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

}  // namespace qta::staging
