#include "verify_flow.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <sys/wait.h>

#include "qta/cli.h"
#include "qta/gen/generate.h"
#include "qta/version.h"

namespace qta::verif {

namespace fs = std::filesystem;

namespace {

const fs::path kSource = QTA_SOURCE_DIR;

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string read_file(const fs::path& p) {
  std::ifstream is(p, std::ios::binary);
  std::stringstream ss;
  ss << is.rdbuf();
  return ss.str();
}

uint64_t fnv1a(const std::string& s, uint64_t h = 0xcbf29ce484222325ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

// Every C++ source compiled into the test binary besides the Verilated model.
std::vector<fs::path> bench_sources() {
  std::vector<fs::path> out;
  for (const char* dir : {"verif/tb", "verif/harness/src", "golden/src"})
    for (const auto& e : fs::directory_iterator(kSource / dir))
      if (e.path().extension() == ".cpp") out.push_back(e.path());
  out.push_back(kSource / "verif/src/gemm_case.cpp");
  out.push_back(kSource / "verif/src/coverage.cpp");
  out.push_back(kSource / "generator/src/perf.cpp");
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<fs::path> bench_headers() {
  std::vector<fs::path> out;
  for (const char* dir : {"verif/tb", "verif/src", "verif/harness/include", "golden/include", "generator/include"})
    for (const auto& e : fs::recursive_directory_iterator(kSource / dir))
      if (e.path().extension() == ".h") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

int run_command(const std::string& cmd) {
  spdlog::debug("$ {}", cmd);
  const int st = std::system(cmd.c_str());
  if (st == -1) return 127;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

// ccache (a Debian package the bootstrap installs) lets the mutation and X-check builds reuse the
// test bench's objects: only the Verilated model differs between configurations.
bool have_ccache() { return std::system("command -v ccache >/dev/null 2>&1") == 0; }

// Builds (or reuses) the test binary for the generated configuration in gen_dir.
fs::path build_model(const VerifyOptions& o, const fs::path& work, const fs::path& gen_dir) {
  const fs::path obj = work / (o.code_coverage ? "obj_cov" : "obj");
  const fs::path exe = obj / "Vqta_top_tb";
  std::string includes;
  for (const char* dir : {"verif/tb", "verif/src", "verif/harness/include", "golden/include", "generator/include",
                          "common/include"})
    includes += " -I" + (kSource / dir).string();
  const std::string cflags = fmt::format(
      "-std=c++20 -O1{} -DQTA_VERSION=\\\"{}\\\" -DQTA_SOURCE_DIR=\\\"{}\\\" -DQTA_BINARY_DIR=\\\"{}\\\" "
      "-DSPDLOG_COMPILED_LIB -DSPDLOG_FMT_EXTERNAL -DSPDLOG_SHARED_LIB -DFMT_SHARED -Wno-unused-parameter "
      "-DQTA_DPI_BACKDOOR",
      includes, kVersion, kSourceDir, kBinaryDir);
  std::string sources;
  for (const auto& f : bench_sources()) sources += " " + quote(f.string());
  const std::string cmd = fmt::format(
      "cd {} && verilator --cc --exe --build -j 2 --top-module qta_top -f qta_top.f --Mdir {} -o Vqta_top_tb "
      "--trace-fst --x-assign unique --x-initial unique +define+QTA_DPI_BACKDOOR{} -CFLAGS {} -LDFLAGS {} -MAKEFLAGS {}{} > {} 2>&1",
      quote(gen_dir.string()), quote(obj.string()), o.code_coverage ? " --coverage-line" : "", quote(cflags),
      quote("-lspdlog -lfmt -pthread"), quote("CXX=" + o.compiler + (have_ccache() ? " OBJCACHE=ccache" : "")), sources, quote((obj / "build.log").string()));
  // The model is rebuilt when the command, the RTL or any test-bench source changes.
  std::string stamp_text = cmd;
  for (const auto& f : bench_sources()) stamp_text += f.string() + read_file(f);
  for (const auto& f : bench_headers()) stamp_text += f.string() + read_file(f);
  std::vector<fs::path> rtl;
  for (const auto& e : fs::directory_iterator(gen_dir / "rtl")) rtl.push_back(e.path());
  std::sort(rtl.begin(), rtl.end());
  for (const auto& f : rtl) stamp_text += f.filename().string() + read_file(f);
  const std::string stamp = fmt::format("{:016x}", fnv1a(stamp_text));
  if (fs::exists(exe) && read_file(obj / "qta_stamp") == stamp) {
    spdlog::info("model up to date: {}", exe.string());
    return exe;
  }
  fs::create_directories(obj);
  spdlog::info("building the Verilator model and test bench ({}), log: {}", o.compiler, (obj / "build.log").string());
  const auto t0 = std::chrono::steady_clock::now();
  if (run_command(cmd) != 0) {
    const std::string log = read_file(obj / "build.log");
    throw std::runtime_error(fmt::format("model build failed; last lines of {}:\n{}", (obj / "build.log").string(),
                                         log.substr(log.size() > 3000 ? log.size() - 3000 : 0)));
  }
  std::ofstream(obj / "qta_stamp") << stamp;
  spdlog::info("model built in {:.0f} s",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return exe;
}

struct RunCounts {
  int tests = 0, failures = 0, skipped = 0;
};

RunCounts parse_results(const fs::path& xml) {
  RunCounts c;
  const std::string text = read_file(xml);
  // Count <testcase> elements and their <failure>/<skipped> children (cocotb's results.xml layout).
  const std::regex testcase("<testcase\\b"), failure("<failure\\b"), skipped("<skipped\\b");
  auto count = [&](const std::regex& re) {
    return int(std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
  };
  c.tests = count(testcase);
  c.failures = count(failure);
  c.skipped = count(skipped);
  return c;
}

}  // namespace

std::string suite_filter(const std::string& suite) {
  if (suite == "all") return ".*";
  if (suite == "smoke") return "^(gemm_one_tile_both_dataflows|illegal_descriptor.*|lora_layer.*)$";
  if (suite == "block") return "^(buffer_.*|gemm_.*|auto_.*|quantizer_.*|illegal_.*|queue_.*)$";
  if (suite == "layer") return "^(lora_layer.*|cross_attention.*)$";
  if (suite == "random") return "^random_gemms$";
  throw UsageError(fmt::format("suite = '{}' is not known; valid: all, smoke, block, layer, random", suite));
}

int run_verify(const VerifyOptions& o) {
  const std::string filter = suite_filter(o.suite);
  if (o.random_cases < 0 || o.random_cases > 100000)
    throw UsageError(fmt::format("random cases = {} is out of range; valid: 0..100000", o.random_cases));
  if (o.xcheck_seeds < 0 || o.xcheck_seeds > 100)
    throw UsageError(fmt::format("xcheck seeds = {} is out of range; valid: 0..100", o.xcheck_seeds));
  gen::validate(o.config);
  const std::string hash = gen::config_hash_hex(o.config);
  const fs::path work = fs::absolute(o.work ? *o.work : fs::path(kBinaryDir) / "verify" /
                                                            fmt::format("{}x{}-{}", o.config.rows, o.config.cols, hash.substr(0, 8)));
  fs::create_directories(work);
  const fs::path gen_dir = work / "gen";
  // Always rendered afresh (milliseconds): the configuration hash does not cover the templates,
  // so a reused tree could be stale after a template change. The model is rebuilt only when the
  // rendered RTL differs (build_model's content stamp).
  spdlog::info("generating the {}x{} configuration into {}", o.config.rows, o.config.cols, gen_dir.string());
  gen::generate(o.config, gen_dir, fmt::format("qta gen (for qta verify, config {})", hash));
  const fs::path exe = build_model(o, work, gen_dir);

  const std::string reproduce =
      o.reproduce.empty() ? fmt::format("qta verify --rows {} --cols {} --seed {}", o.config.rows, o.config.cols, o.seed)
                          : o.reproduce;
  auto run_once = [&](const std::string& tag, const std::string& plusargs) {
    const fs::path results = work / fmt::format("results{}.xml", tag);
    const fs::path cov = work / fmt::format("functional_coverage{}.json", tag);
    fs::remove(results);
    std::string env = fmt::format(
        "QTA_GEN_DIR={} COCOTB_RESULTS_FILE={} COCOTB_RANDOM_SEED={} QTA_COVERAGE_FILE={} QTA_RANDOM_CASES={} "
        "QTA_REPRODUCE={}",
        quote(gen_dir.string()), quote(results.string()), o.seed, quote(cov.string()), o.random_cases, quote(reproduce));
    env += o.test.empty() ? " COCOTB_TEST_FILTER=" + quote(filter) : " COCOTB_TESTCASE=" + quote(o.test);
    if (o.waves) env += " WAVES=1 WAVES_DIR=" + quote((work / "waves").string());
    if (o.waves) fs::create_directories(work / "waves");
    if (o.code_coverage) env += " QTA_CODE_COVERAGE_DIR=" + quote((work / "code_coverage").string());
    const int rc = run_command(fmt::format("cd {} && env {} {} {}", quote(work.string()), env, quote(exe.string()), plusargs));
    if (!fs::exists(results))
      throw std::runtime_error(fmt::format("the test binary exited with {} and wrote no {}", rc, results.string()));
    return std::make_pair(rc, parse_results(results));
  };

  auto [rc, counts] = run_once("", "");
  RunCounts total = counts;
  const bool main_ok = rc == 0 && counts.failures == 0;
  // X checks: the same tests with every register randomized at reset must give the same (golden) results.
  for (int s = 1; s <= o.xcheck_seeds; ++s) {
    spdlog::info("X check {} of {}: +verilator+rand+reset+2 +verilator+seed+{}", s, o.xcheck_seeds, s);
    auto [xrc, xc] = run_once(fmt::format("_xcheck{}", s), fmt::format("+verilator+rand+reset+2 +verilator+seed+{}", s));
    total.tests += xc.tests;
    total.failures += xc.failures;
    total.skipped += xc.skipped;
    if (xrc != 0 && xc.failures == 0) ++total.failures;
  }

  // Functional coverage of the main run.
  const fs::path cov = work / "functional_coverage.json";
  if (fs::exists(cov)) {
    const auto j = nlohmann::json::parse(read_file(cov));
    std::string missing;
    for (const char* part : {"cross", "edges"})
      for (const auto& [k, v] : j[part].items())
        if (v.get<long>() == 0) missing += (missing.empty() ? "" : ", ") + k;
    const std::string summary =
        fmt::format("functional coverage: {:.1f}% ({}/{} cross bins, {}/{} edge bins){}{}\n", j["percent"].get<double>(),
                    j["cross_hit"].get<int>(), j["cross_bins"].get<int>(), j["edge_hit"].get<int>(),
                    j["edge_bins"].get<int>(), missing.empty() ? "" : "; not hit: ", missing);
    std::ofstream(work / "coverage_summary.txt") << summary;
    fmt::print("{}", summary);
  }
  if (o.code_coverage) {
    const fs::path dir = work / "code_coverage";
    if (fs::exists(dir)) {
      const std::string merged = (work / "code_coverage.dat").string();
      run_command(fmt::format("verilator_coverage --write {} {}/*.dat > {} 2>&1", quote(merged), quote(dir.string()),
                              quote((work / "code_coverage.log").string())));
      run_command(fmt::format("verilator_coverage --annotate {} {} >> {} 2>&1", quote((work / "annotated").string()),
                              quote(merged), quote((work / "code_coverage.log").string())));
      // verilator_coverage --annotate prints "Total coverage (hit/points) pct%".
      std::istringstream log(read_file(work / "code_coverage.log"));
      std::string line, total;
      while (std::getline(log, line))
        if (line.find("Total coverage") != std::string::npos) total = line;
      const std::string summary = fmt::format("code coverage (line, verilator --coverage-line): {}; merged data {}, "
                                              "annotated sources {}\n",
                                              total.empty() ? "no data" : total, merged, (work / "annotated").string());
      std::ofstream(work / "coverage_summary.txt", std::ios::app) << summary;
      fmt::print("{}", summary);
    }
  }
  fmt::print("results: {}\n", (work / "results.xml").string());
  const int passed = total.tests - total.failures - total.skipped;
  if (o.expect_fail) {
    const bool caught = !main_ok;
    fmt::print("mutation '{}': {}\n", gen::to_string(o.config.mutation),
               caught ? "caught by the suite (a test failed, as expected)" : "NOT caught: every test passed");
    fmt::print("{} passed, {} failed\n", caught ? 1 : 0, caught ? 0 : 1);
    return caught ? 0 : 1;
  }
  fmt::print("{} passed, {} failed{}\n", passed, total.failures,
             total.skipped ? fmt::format(", {} skipped", total.skipped) : std::string());
  return (total.failures == 0 && main_ok) ? 0 : 1;
}

}  // namespace qta::verif
