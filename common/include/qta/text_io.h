// Whole-file text I/O with errors that name the file.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace qta {

// A file could not be read or written; what() names the path and the reason.
struct FileError : std::runtime_error {
  FileError(const std::filesystem::path& path, const std::string& what)
      : std::runtime_error(what), path(path) {}
  std::filesystem::path path;
};

// The whole file, bytes as they are. Throws FileError ("cannot read 'P': <reason>") if P is
// missing, unreadable or a directory.
std::string read_text(const std::filesystem::path& p);

// Writes (truncates) P, creating its parent directories. Throws FileError ("cannot write 'P':
// <reason>") naming P (or the parent that could not be created).
void write_text(const std::filesystem::path& p, std::string_view text);

// The last `lines` lines of P, each prefixed with `indent` and ended with '\n'; "" if P cannot
// be read (for error messages about a tool's log).
std::string tail_lines(const std::filesystem::path& p, int lines, std::string_view indent = "");

}  // namespace qta
