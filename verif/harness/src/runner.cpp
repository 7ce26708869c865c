#include "qta/harness/runner.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "qta/harness/log.h"
#include "qta/harness/results.h"
#include "qta/harness/seed.h"
#include "qta/harness/test.h"

namespace qta::harness {

namespace {

struct EnvError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// The first non-empty of two variables (cocotb 2.0 name, then cocotb 1.x name).
std::string env2(const char* primary, const char* legacy) {
  std::string v = env(primary);
  return v.empty() ? env(legacy) : v;
}

struct RunConfig {
  uint64_t seed = 0;
  bool seed_given = false;
  std::vector<std::string> testcases;
  std::optional<std::regex> filter;
  std::string filter_text;
  std::string suite;  // QTA_SUITE: only tests declaring it (empty or "all": every test)
  std::filesystem::path results = "results.xml";
  bool waves = false;
  std::filesystem::path waves_dir = ".";
};

RunConfig read_environment() {
  RunConfig c;
  const std::string seed = env2("COCOTB_RANDOM_SEED", "RANDOM_SEED");
  if (!seed.empty()) {
    std::size_t pos = 0;
    try {
      c.seed = std::stoull(seed, &pos);
    } catch (...) {
      pos = 0;
    }
    if (pos != seed.size() || seed[0] == '-')
      throw EnvError("COCOTB_RANDOM_SEED='" + seed + "' is not an unsigned integer (0..2^64-1)");
    c.seed_given = true;
  } else {
    c.seed = static_cast<uint64_t>(std::time(nullptr));
  }
  const std::string tc = env2("COCOTB_TESTCASE", "TESTCASE");
  if (!tc.empty()) {
    std::stringstream ss(tc);
    for (std::string item; std::getline(ss, item, ',');)
      if (!item.empty()) c.testcases.push_back(item);
  }
  c.suite = env("QTA_SUITE");
  c.filter_text = env("COCOTB_TEST_FILTER");
  if (!c.filter_text.empty()) {
    if (!c.testcases.empty())
      throw EnvError("COCOTB_TESTCASE/TESTCASE and COCOTB_TEST_FILTER are both set: use only one");
    try {
      c.filter.emplace(c.filter_text);
    } catch (const std::regex_error& e) {
      throw EnvError("COCOTB_TEST_FILTER='" + c.filter_text + "' is not a valid regex: " + e.what());
    }
  }
  if (const std::string r = env("COCOTB_RESULTS_FILE"); !r.empty()) c.results = r;
  const std::string waves = env("WAVES");
  if (!waves.empty() && waves != "0" && waves != "1")
    throw EnvError("WAVES='" + waves + "' must be 0 or 1");
  c.waves = waves == "1";
  if (const std::string d = env("WAVES_DIR"); !d.empty()) c.waves_dir = d;
  return c;
}

std::vector<const TestInfo*> select_tests(const RunConfig& c) {
  const auto& all = test_registry();
  std::set<std::string> names;
  for (const auto& t : all)
    if (!names.insert(t.name).second)
      throw EnvError("two tests are named '" + t.name + "' (the second at " + t.file + ":" +
                     std::to_string(t.line) + "): test names must be unique");
  std::vector<const TestInfo*> out;
  if (!c.testcases.empty()) {
    for (const auto& name : c.testcases) {
      auto it = std::find_if(all.begin(), all.end(), [&](const TestInfo& t) { return t.name == name; });
      if (it == all.end()) {
        std::string names;
        for (const auto& t : all) names += (names.empty() ? "" : ", ") + t.name;
        throw EnvError("COCOTB_TESTCASE names '" + name + "', which is not a test of this run (tests: " +
                       names + ")");
      }
      out.push_back(&*it);
    }
    return out;
  }
  auto in_suite = [&](const TestInfo& t) {
    if (c.suite.empty() || c.suite == "all") return true;
    return std::find(t.options.suites.begin(), t.options.suites.end(), c.suite) != t.options.suites.end();
  };
  for (const auto& t : all)
    if (in_suite(t) && (!c.filter || std::regex_search(t.name, *c.filter))) out.push_back(&t);
  if (c.filter && out.empty())
    throw EnvError("COCOTB_TEST_FILTER='" + c.filter_text + "' matches no test");
  if (out.empty() && !c.suite.empty()) {
    std::set<std::string> suites;
    for (const auto& t : all) suites.insert(t.options.suites.begin(), t.options.suites.end());
    std::string known = "all";
    for (const auto& s : suites) known += ", " + s;
    throw EnvError("QTA_SUITE='" + c.suite + "' selects no test: valid suites are " + known);
  }
  return out;
}

std::string describe(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const TestFailure& x) {
    return std::string("TestFailure: ") + x.what();
  } catch (const SkipTest& x) {
    return x.what();
  } catch (const SimTimeoutError& x) {
    return std::string("SimTimeoutError: ") + x.what();
  } catch (const CancelledError& x) {
    return std::string("CancelledError: ") + x.what();
  } catch (const SimFailure& x) {
    return std::string("SimFailure: ") + x.what();
  } catch (const PhaseError& x) {
    return std::string("PhaseError: ") + x.what();
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "unknown exception";
  }
}

bool is_test_failure(std::exception_ptr e) { return error_of<TestFailure>()(e); }

TestResult run_one(const TestInfo& t, const RunConfig& c, const ModelFactory& factory,
                   const std::string& toplevel, int argc, char** argv, spdlog::logger& log) {
  TestResult r;
  r.name = t.name;
  r.classname = t.classname();
  r.file = t.file;
  r.line = t.line;
  r.seed = derive_test_seed(c.seed, t.name);
  if (t.options.skip) {
    r.status = TestResult::Status::skip;
    log.info("{} skipped", t.name);
    return r;
  }
  const auto start = std::chrono::steady_clock::now();
  std::exception_ptr error;
  double sim_ns = 0;
  try {
    ModelOptions mo;
    mo.seed = r.seed;
    mo.argc = argc;
    mo.argv = argv;
    if (c.waves) mo.waves_path = (c.waves_dir / (t.name + ".fst")).string();
    std::unique_ptr<SimModel> model = factory(mo);
    Scheduler sched(*model);
    Dut dut(*model, t.name, toplevel, r.seed, logger("qta." + t.name));
    uint64_t timeout = 0;
    if (t.options.timeout > 0) timeout = sched.to_steps(t.options.timeout, t.options.timeout_unit);
    Task<> task = t.fn(dut);
    task.base().name = t.name;
    error = sched.run(task.base(), timeout);
    sim_ns = sched.now_ns();
    model->finish();
  } catch (...) {
    error = std::current_exception();
  }
  r.real_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.sim_time_ns = sim_ns;
  set_log_sim_time(sim_ns);

  if (!error) {
    if (t.options.expect_fail || t.options.expect_error) {
      r.status = TestResult::Status::fail;
      r.message = t.options.expect_fail ? "test passed but expect_fail was set"
                                        : "test passed but expect_error was set";
    }
  } else if (error_of<SkipTest>()(error)) {
    r.status = TestResult::Status::skip;
    r.message = describe(error);
    log.info("{} skipped: {}", t.name, r.message);
  } else if (t.options.expect_fail && is_test_failure(error)) {
    log.info("{} failed as expected: {}", t.name, describe(error));
  } else if (t.options.expect_error && t.options.expect_error(error)) {
    log.info("{} raised the expected error: {}", t.name, describe(error));
  } else {
    r.status = TestResult::Status::fail;
    r.message = describe(error);
  }
  if (r.status == TestResult::Status::skip) {
  } else if (r.status == TestResult::Status::pass) {
    log.info("{} passed", t.name);
  } else {
    log.error("{} failed: {}", t.name, r.message);
    log.error("reproduce: COCOTB_TESTCASE={} COCOTB_RANDOM_SEED={} {}", t.name, c.seed,
              argc > 0 ? argv[0] : "<test binary>");
  }
  set_log_sim_time(std::nullopt);
  return r;
}

}  // namespace

int run_regression(const ModelFactory& factory, const std::string& toplevel, int argc, char** argv) {
  RunConfig c;
  std::vector<const TestInfo*> tests;
  try {
    init_logging();
    c = read_environment();
    if (const char* list = std::getenv("QTA_LIST_TESTS"); list && std::string(list) == "1") {
      // One line per test: name, then its suites (for CTest discovery and `qta verify --list`).
      for (const auto& t : test_registry()) {
        std::string line = t.name;
        for (const auto& s : t.options.suites) line += " " + s;
        std::printf("%s\n", line.c_str());
      }
      return 0;
    }
    tests = select_tests(c);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  auto log = logger("qta.regression");
  log.get()->info("running {} tests of {} with run seed {}{}", tests.size(), toplevel, c.seed,
                  c.seed_given ? "" : " (from the time; set COCOTB_RANDOM_SEED to reproduce)");
  std::vector<TestResult> results;
  std::size_t index = 0;
  for (const TestInfo* t : tests) {
    ++index;
    if (!t->options.skip) {
      set_log_sim_time(0.0);  // every test starts a fresh simulation at time 0
      log->info("running {} ({}/{})", t->name, index, tests.size());
      set_log_sim_time(std::nullopt);
    }
    results.push_back(run_one(*t, c, factory, toplevel, argc, argv, *log));
  }
  try {
    write_results_xml(c.results, results, c.seed);
  } catch (const std::exception& e) {
    log->error("cannot write {}: {}", c.results.string(), e.what());
    return 2;
  }
  std::size_t passed = 0, failed = 0;
  for (const auto& r : results) {
    passed += r.status == TestResult::Status::pass;
    failed += r.status == TestResult::Status::fail;
  }
  log->info("\n{}", summary_table(results));
  std::fflush(stdout);
  std::printf("%zu passed, %zu failed\n", passed, failed);
  std::fflush(stdout);
  return failed ? 1 : 0;
}

}  // namespace qta::harness
