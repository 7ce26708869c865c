// cocotb's results.xml (JUnit) and end-of-run summary table.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace qta::harness {

struct TestResult {
  enum class Status { pass, fail, skip };
  std::string name;
  std::string classname;
  std::string file;
  int line = 0;
  Status status = Status::pass;
  double sim_time_ns = 0;
  double real_time_s = 0;
  std::string message;  // why it failed
  uint32_t seed = 0;
  double ratio() const { return real_time_s > 0 ? sim_time_ns / real_time_s : 0; }
};

// <testsuites name="results" tests failures skipped errors>
//   <testsuite name="all" package="all" tests failures skipped errors>
//     <property name="random_seed" value="..."/>
//     <testcase name classname file lineno time sim_time_ns ratio_time>
//       <failure message="..."/> | <skipped/>
// Written to a temporary file and renamed into place.
void write_results_xml(const std::filesystem::path& path, const std::vector<TestResult>& results,
                       uint64_t run_seed);

// The table cocotb logs at the end of a regression (TEST / STATUS / SIM TIME (ns) /
// REAL TIME (s) / RATIO (ns/s)), one string with embedded newlines.
std::string summary_table(const std::vector<TestResult>& results);

}  // namespace qta::harness
