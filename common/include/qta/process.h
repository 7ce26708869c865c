// Running external programs (Yosys, OpenSTA, Verilator, simulators) without a shell.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace qta {

struct ProcessOptions {
  // Working directory of the program; empty: the caller's.
  std::filesystem::path cwd;
  // Variables set in the program's environment (added, or replacing the caller's value).
  std::vector<std::pair<std::string, std::string>> env;
  // stdout and stderr, interleaved, go to this file (truncated first, or appended to with
  // append_log; its directory must exist); empty: the caller's stdout and stderr.
  std::filesystem::path log;
  bool append_log = false;
};

struct ProcessResult {
  // The exit status; 128 + N if a signal N ended the program; 127 if it could not be executed.
  int exit_code = -1;
  int signal = 0;          // N when a signal ended the program, else 0
  bool not_found = false;  // the program does not exist (not on PATH, or no such file)
  // Why the program could not be executed, naming it ("program 'yosys' not found on PATH",
  // "cannot execute '/x/tool': Permission denied"); empty when it ran. Also written to the log.
  std::string error;
  double seconds = 0;      // wall-clock time
  bool ok() const { return exit_code == 0; }
};

// Runs argv (argv[0] searched on PATH, the PATH in `options.env` if set there, unless it holds
// a '/') with stdin from /dev/null and waits for it. Throws std::invalid_argument for an empty
// argv, std::runtime_error naming the log if the log cannot be opened or if fork() fails.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// The executable `name` on PATH (or `path_value`, a PATH-style list, if given); a name with a
// '/' is returned as is if it is executable. nullopt if none.
std::optional<std::filesystem::path> find_program(const std::string& name);
std::optional<std::filesystem::path> find_program(const std::string& name, const std::string& path_value);

// argv as one line for messages and logs (arguments with spaces or quotes single-quoted).
std::string command_line(const std::vector<std::string>& argv);

}  // namespace qta
