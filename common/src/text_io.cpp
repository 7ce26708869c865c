#include "qta/text_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <system_error>

#include "qta/staging.h"

namespace qta {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const char* verb, const fs::path& p, const std::string& reason) {
  throw FileError(p, std::string("cannot ") + verb + " '" + p.string() + "': " + reason);
}

// A write that failed: named as the output the user gave when P is inside a staging directory
// (that directory is removed as the error unwinds, the output stays as it was).
[[noreturn]] void fail_write(const fs::path& p, int error, const std::string& reason) {
  if (auto staged = staging::describe_staged(p))
    throw FileError(p, *staged + ": " + reason + "; the output was left as it was, nothing partial remains", true,
                    error);
  throw FileError(p, "cannot write '" + p.string() + "': " + reason, true, error);
}

// Closes the descriptor on every path out of the function.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string read_text(const fs::path& p) {
  Fd in{::open(p.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0) fail("read", p, std::strerror(errno));
  struct stat st {};
  if (::fstat(in.fd, &st) != 0) fail("read", p, std::strerror(errno));
  if (S_ISDIR(st.st_mode)) fail("read", p, "it is a directory");
  std::string out;
  if (S_ISREG(st.st_mode)) out.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(in.fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("read", p, std::strerror(errno));
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

void write_text(const fs::path& p, std::string_view text) {
  if (p.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    if (ec)
      fail_write(p, ec.value(), "cannot create its directory '" + p.parent_path().string() + "': " + ec.message());
  }
  Fd out{::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
  if (out.fd < 0) {
    const int e = errno;
    fail_write(p, e, std::strerror(e));
  }
  struct stat st {};
  const bool regular = ::fstat(out.fd, &st) == 0 && S_ISREG(st.st_mode);  // never unlink /dev/full
  const char* data = text.data();
  size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(out.fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      if (regular) ::unlink(p.c_str());  // no half-written file
      fail_write(p, e, std::strerror(e));
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  const int fd = out.fd;
  out.fd = -1;
  if (::close(fd) != 0) {
    const int e = errno;
    if (regular) ::unlink(p.c_str());
    fail_write(p, e, std::strerror(e));
  }
}

std::string tail_lines(const fs::path& p, int lines, std::string_view indent) {
  std::ifstream in(p);
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    last.push_back(line);
    if (static_cast<int>(last.size()) > lines) last.pop_front();
  }
  std::string out;
  for (const auto& l : last) {
    out += indent;
    out += l;
    out += '\n';
  }
  return out;
}

}  // namespace qta
