// Whole-file text I/O with errors that name the file.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace qta {

// A file could not be read or written; what() names the path and the reason. `writing`: an
// output could not be written (disk full, file size limit, read-only filesystem, ...), which
// main() reports as exit 2 (docs/interfaces.md section 5), not as an internal error; `error` is
// the errno (0 if none).
struct FileError : std::runtime_error {
  FileError(const std::filesystem::path& path, const std::string& what, bool writing = false, int error = 0)
      : std::runtime_error(what), path(path), writing(writing), error(error) {}
  std::filesystem::path path;
  bool writing = false;
  int error = 0;
};

// The whole file, bytes as they are. Throws FileError ("cannot read 'P': <reason>") if P is
// missing, unreadable or a directory.
std::string read_text(const std::filesystem::path& p);

// Writes (truncates) P, creating its parent directories. Throws FileError ("cannot write 'P':
// <reason>", writing = true) naming P (or the parent that could not be created); inside a
// staging directory of AtomicDir (qta/staging.h) it names the output as the user gave it:
// "--out '/x/out': cannot write 'rtl/qta_pe.v': File too large; ...". A partial P is removed.
void write_text(const std::filesystem::path& p, std::string_view text);

// The last `lines` lines of P, each prefixed with `indent` and ended with '\n'; "" if P cannot
// be read (for error messages about a tool's log).
std::string tail_lines(const std::filesystem::path& p, int lines, std::string_view indent = "");

}  // namespace qta
