#include "qta/paths.h"

#include <fmt/format.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "qta/cli.h"
#include "qta/strings.h"

namespace qta {

namespace fs = std::filesystem;

std::string shown_path(const fs::path& p) { return "'" + shown(p.string(), 200) + "'"; }

namespace {

// Room left in PATH_MAX for the temporary and lock names beside a target (qta/atomic_dir.h).
constexpr size_t kPathRoom = 64;

[[noreturn]] void bad(const OutputPathRules& r, const fs::path& typed, const std::string& problem,
                      const std::string& valid) {
  throw UsageError(fmt::format("{} {} {}; valid: {}", r.label, shown_path(typed), problem, valid));
}

std::string reason(int e) { return e == EPERM ? "Operation not permitted (immutable?)" : std::strerror(e); }

size_t name_max_of(const fs::path& dir) {
  const long n = ::pathconf(dir.c_str(), _PC_NAME_MAX);
  return n > 0 ? size_t(n) : size_t(NAME_MAX);
}

// The nearest existing ancestor of p (a path that lstat() finds), or the root.
fs::path existing_ancestor(fs::path p) {
  struct stat st {};
  while (p.has_relative_path() && ::lstat(p.c_str(), &st) != 0) p = p.parent_path();
  return p;
}

bool is_dir(const fs::path& p, int& err) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) {
    err = errno;
    return false;
  }
  err = S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
  return err == 0;
}

void require_writable_dir(const OutputPathRules& r, const fs::path& typed, const fs::path& dir, const char* what) {
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    bad(r, typed, fmt::format("cannot be written: {} {} is not writable ({})", what, shown_path(dir), reason(errno)),
        "a path in a directory you can write");
}

// Checks the parent of `target` (or its nearest existing ancestor).
void check_parent(const OutputPathRules& r, const fs::path& typed, const fs::path& target) {
  const fs::path parent = target.parent_path();
  int err = 0;
  if (is_dir(parent, err)) {
    require_writable_dir(r, typed, parent, "its parent directory");
    return;
  }
  if (err == ELOOP)
    bad(r, typed, fmt::format("cannot be reached: parent {} is a symbolic link loop", shown_path(parent)),
        "a path whose parent is a directory");
  if (err != ENOENT) {
    const fs::path at = existing_ancestor(parent);
    bad(r, typed,
        fmt::format("cannot be created: {} {} is not a directory", at == parent ? "its parent" : "its ancestor",
                    shown_path(at)),
        "a path whose parent is a directory");
  }
  if (!r.parents_may_be_missing)
    bad(r, typed, fmt::format("cannot be created: its parent directory {} does not exist", shown_path(parent)),
        "a path whose parent directory exists (create it first)");
  const fs::path at = existing_ancestor(parent);
  if (!is_dir(at, err))
    bad(r, typed, fmt::format("cannot be created: its ancestor {} is not a directory", shown_path(at)),
        "a path under a directory");
  require_writable_dir(r, typed, at, "its nearest existing ancestor");
}

enum class Kind { Dir, File };

fs::path check_output(const fs::path& typed, const OutputPathRules& r, Kind kind) {
  const std::string& s = typed.native();
  const char* valid_new = kind == Kind::Dir ? "a new path or a directory" : "a new path or a writable file";
  if (s.empty()) throw UsageError(fmt::format("{} is empty; valid: a {} path", r.label, kind == Kind::Dir ? "directory" : "file"));
  if (const auto bad_byte = invalid_utf8_offset(s))
    bad(r, typed,
        fmt::format("is not valid UTF-8 (byte 0x{:02x} at offset {})", static_cast<unsigned char>(s[*bad_byte]), *bad_byte),
        "a UTF-8 path (outputs record their paths in JSON, which is UTF-8)");
  std::error_code ec;
  fs::path target = typed.is_absolute() ? typed : fs::current_path(ec) / typed;
  if (ec) throw UsageError(fmt::format("{} {}: cannot resolve a relative path: the current directory is gone ({})",
                                       r.label, shown_path(typed), ec.message()));
  target = target.lexically_normal();
  if (target.filename().empty() && target.has_parent_path() && target != target.root_path())
    target = target.parent_path();  // "DIR/" and "DIR/." are DIR
  if (target == target.root_path()) bad(r, typed, "is a filesystem root", "a path below the root");
  if (target.native().size() + kPathRoom >= PATH_MAX)
    bad(r, typed, fmt::format("is {} bytes long as an absolute path", target.native().size()),
        fmt::format("at most {} bytes (PATH_MAX {} less room for temporary names)", PATH_MAX - kPathRoom - 1, PATH_MAX));
  const size_t name_max = name_max_of(existing_ancestor(target));
  for (const auto& part : target)
    if (part.native().size() > name_max)
      bad(r, typed, fmt::format("has a name of {} bytes ({})", part.native().size(), shown(part.native(), 40)),
          fmt::format("names of at most {} bytes (NAME_MAX)", name_max));

  struct stat lst {};
  if (::lstat(target.c_str(), &lst) == 0) {
    if (S_ISLNK(lst.st_mode)) {
      struct stat st {};
      if (::stat(target.c_str(), &st) != 0) {
        const int e = errno;
        if (e == ELOOP) bad(r, typed, "is a symbolic link loop", std::string(valid_new) + " (remove the link)");
        std::error_code rec;
        const fs::path to = fs::read_symlink(target, rec);
        bad(r, typed, fmt::format("is a dangling symbolic link (to {})", shown_path(to)),
            std::string(valid_new) + " (remove the link or create what it points to)");
      }
      if (kind == Kind::Dir && !S_ISDIR(st.st_mode))
        bad(r, typed, "is a symbolic link to something that is not a directory", valid_new);
      if (kind == Kind::File && S_ISDIR(st.st_mode)) bad(r, typed, "is a symbolic link to a directory", valid_new);
      const fs::path resolved = fs::canonical(target, ec);
      if (ec) bad(r, typed, fmt::format("is a symbolic link that cannot be resolved ({})", ec.message()), valid_new);
      target = resolved;  // the output goes where the link points; the link stays
      lst = st;
    }
    if (kind == Kind::Dir && !S_ISDIR(lst.st_mode)) bad(r, typed, "exists and is not a directory", valid_new);
    if (kind == Kind::File && S_ISDIR(lst.st_mode)) bad(r, typed, "is a directory", valid_new);
    // ENOENT here: the path went away since lstat (another writer swapping it by two renames,
    // AtomicDir's fallback without RENAME_EXCHANGE): a new path, which is valid.
    if (::access(target.c_str(), W_OK) != 0 && errno != ENOENT)
      bad(r, typed, fmt::format("exists and is not writable ({})", reason(errno)), valid_new);
  } else {
    const int e = errno;
    if (e == ELOOP) bad(r, typed, "cannot be reached: its parent path has a symbolic link loop", "a path without link loops");
    if (e == EACCES) bad(r, typed, "cannot be examined: a parent directory is not searchable (Permission denied)", "a path you can reach");
    if (e == ENAMETOOLONG) bad(r, typed, "is too long (ENAMETOOLONG)", "a shorter path");
    if (e != ENOENT && e != ENOTDIR)
      bad(r, typed, fmt::format("cannot be examined ({})", std::strerror(e)), "a path you can reach");
  }
  check_parent(r, typed, target);
  return target;
}

}  // namespace

fs::path check_output_dir(const fs::path& path, const OutputPathRules& rules) { return check_output(path, rules, Kind::Dir); }

fs::path check_output_file(const fs::path& path, const OutputPathRules& rules) {
  return check_output(path, rules, Kind::File);
}

}  // namespace qta
