// The regression runner (cocotb's RegressionManager) and its environment contract:
//   COCOTB_TESTCASE / TESTCASE      comma-separated test names to run (each must exist)
//   COCOTB_TEST_FILTER              regex; runs the tests whose name it matches (regex_search)
//   COCOTB_RANDOM_SEED / RANDOM_SEED  run seed (default: the time); per-test seeds derive from it
//   COCOTB_RESULTS_FILE             results.xml path (default ./results.xml)
//   COCOTB_LOG_LEVEL                log level (default INFO)
//   WAVES=1                         one FST per test: <WAVES_DIR or .>/<test>.fst
// Plusargs on the command line (+verilator+rand+reset+2, ...) go to every test's context.
// Exit code: 0 all selected tests passed (skips allowed), 1 a test failed, 2 bad environment.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "qta/harness/dut.h"

namespace qta::harness {

struct ModelOptions {
  uint32_t seed = 1;          // Verilator randSeed
  std::string waves_path;     // empty: no trace
  int argc = 0;
  char** argv = nullptr;
};

using ModelFactory = std::function<std::unique_ptr<SimModel>(const ModelOptions&)>;

// Runs every selected registered test on fresh models from `factory`; returns the exit code.
int run_regression(const ModelFactory& factory, const std::string& toplevel, int argc, char** argv);

}  // namespace qta::harness
