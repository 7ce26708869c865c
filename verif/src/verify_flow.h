// `qta verify`: generate a configuration, build its Verilator model with the accelerator test
// bench (verif/tb) if needed, run a suite, and report results, functional and code coverage.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "qta/gen/config.h"

namespace qta::verif {

struct VerifyOptions {
  gen::Config config;
  std::string suite = "all";  // all, smoke, block, layer, random
  std::string test;           // one test by name (overrides the suite)
  uint64_t seed = 1;
  std::optional<std::filesystem::path> work;  // default: <build>/verify/<rows>x<cols>-<hash>
  int random_cases = 1000;
  int xcheck_seeds = 0;       // extra runs with +verilator+rand+reset+2 under seeds 1..N
  bool waves = false;
  bool code_coverage = false; // verilator --coverage-line, merged with verilator_coverage
  // Optimization of the model's evaluation code: "O1" (default), "O0" (a 64x64 model builds in
  // about half the CPU time and simulates several times slower: for short suites), "O2".
  std::string model_opt = "O1";
  int threads = 1;  // verilator --threads of the model (1: single-threaded)
  bool expect_fail = false;   // mutation check: succeed only if some test fails
  std::string compiler;       // empty: clang++ if installed, else the compiler that built qta
  std::string reproduce;      // the command line printed in failure messages
  bool build_only = false;    // generate, build the model and list its tests (tests.txt), run nothing
};

// Returns the suite if it is known (tests declare their suites: QTA_TEST(..., .suites = {...}));
// throws qta::UsageError otherwise.
std::string check_suite(const std::string& suite);

// The bench of one configuration, generated and built (what `qta verify --build-only` does).
struct BenchModel {
  std::filesystem::path exe;      // the test binary (Vqta_top_tb)
  std::filesystem::path gen_dir;  // the generated configuration it was built from (QTA_GEN_DIR)
  std::filesystem::path work;     // <build>/verify/<rows>x<cols>-<hash>, shared with qta verify
  bool rebuilt = false;
  double build_wall_s = 0, build_cpu_s = 0;
  long build_peak_rss_kb = 0;
};
// Generates o.config into <work>/gen and brings its model up to date through CMake
// (templates/verify/CMakeLists.txt.mustache calling qta_tb_model). Used by run_verify and by the
// host runtime's RTL backend (qta train --backend rtl); prints nothing on stdout.
BenchModel prepare_bench(const VerifyOptions& o);

// Returns the process exit code: 0 all passed (or, with expect_fail, some test failed), 1 otherwise.
int run_verify(const VerifyOptions& o);

}  // namespace qta::verif
