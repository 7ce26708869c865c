// Small helpers shared by the synthesis flow: running external tools with their output in a
// log file, atomic output directories, text files.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace qta::synth {

namespace fs = std::filesystem;

// Result of one external tool run. `log` holds stdout and stderr interleaved.
struct ToolRun {
  int exit_code = -1;
  double seconds = 0;
  fs::path log;
};

// Runs `argv` (argv[0] looked up on PATH) in `cwd`, stdout+stderr to `log`.
ToolRun run_tool(const std::vector<std::string>& argv, const fs::path& cwd, const fs::path& log);

// Like run_tool, but throws qta::CheckFailed naming the tool, its log and the last lines of
// the log when the tool exits non-zero.
ToolRun run_tool_checked(const std::vector<std::string>& argv, const fs::path& cwd,
                         const fs::path& log);

// True when `name` is an executable on PATH.
bool tool_on_path(const std::string& name);

std::string read_text(const fs::path& p);
void write_text(const fs::path& p, const std::string& text);
std::string tail_lines(const fs::path& p, int lines);

// An output directory that is written under a temporary name beside its final place and
// renamed into place by commit(); if destroyed before commit() the temporary is removed, so a
// failed run leaves nothing half-written.
class StagedDir {
 public:
  explicit StagedDir(fs::path final_dir);
  ~StagedDir();
  StagedDir(const StagedDir&) = delete;
  StagedDir& operator=(const StagedDir&) = delete;
  const fs::path& path() const { return tmp_; }
  const fs::path& final_path() const { return final_; }
  void commit();
  // Keeps the incomplete directory under `dir` (for the logs of a failed run). False if
  // already committed.
  bool keep_as(const fs::path& dir);

 private:
  fs::path final_, tmp_;
  bool committed_ = false;
};

// Seconds since `start` of a steady clock, for "time measured" fields.
double seconds_since(double start);
double now_seconds();

// Fixed-point text of a number, for reports.
std::string format_double(double v, int digits);

}  // namespace qta::synth
