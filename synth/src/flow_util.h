// Small helpers shared by the synthesis flow: running external tools with their output in a
// log file, rendering the scripts and wrappers from their templates. Text files, programs on
// PATH and atomic output directories come from the common library (qta/text_io.h,
// qta/process.h, qta/atomic_dir.h).
#pragma once

#include <filesystem>
#include <kainjow/mustache.hpp>
#include <string>
#include <vector>

#include "qta/process.h"
#include "qta/text_io.h"

namespace qta::synth {

namespace fs = std::filesystem;

// Result of one external tool run (exit code, seconds, why it could not be executed).
using ToolRun = qta::ProcessResult;

// Runs `argv` (argv[0] looked up on PATH) in `cwd`, stdout+stderr to `log` (qta::run_process).
ToolRun run_tool(const std::vector<std::string>& argv, const fs::path& cwd, const fs::path& log);

// Like run_tool, but throws qta::CheckFailed naming the tool, its log and the last lines of
// the log when the tool exits non-zero.
ToolRun run_tool_checked(const std::vector<std::string>& argv, const fs::path& cwd,
                         const fs::path& log);

// synth/scripts (Yosys, SDC, OpenSTA) and synth/templates (Verilog wrappers, port headers).
fs::path scripts_dir();
fs::path templates_dir();

// `file` (a mustache template) rendered with `values`, without HTML escaping (the output is
// Verilog, Tcl or a Yosys script). Throws naming the file if it cannot be read or parsed.
std::string render_template(const fs::path& file, const kainjow::mustache::data& values);

// A gate-level Verilator bench built with CMake (cmake/QtaVerilatedBench.cmake, the tree's one
// way to build a Verilator model): renders <work_dir>/bench/CMakeLists.txt from
// synth/templates/bench_CMakeLists.txt.mustache, configures and builds it (log: <log>), and
// returns the executable <work_dir>/bench/build/<target>. Throws qta::CheckFailed with the log's
// tail on failure.
struct BenchSpec {
  std::string target, top;
  std::vector<fs::path> verilog, cxx;
  fs::path include_dir;
  bool trace_vcd = false;
  std::vector<std::string> verilator_args;
};
fs::path build_bench(const BenchSpec& spec, const fs::path& work_dir, const fs::path& log, double* seconds = nullptr);

// Seconds since `start` of a steady clock, for "time measured" fields.
double seconds_since(double start);
double now_seconds();

// Fixed-point text of a number, for reports.
std::string format_double(double v, int digits);

}  // namespace qta::synth
