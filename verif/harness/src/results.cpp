#include "qta/harness/results.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace qta::harness {

namespace {
std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\n': out += "&#10;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
          out += ' ';
        else
          out += c;
    }
  }
  return out;
}

struct Counts {
  std::size_t tests = 0, failures = 0, skipped = 0;
};
Counts count(const std::vector<TestResult>& results) {
  Counts c;
  for (const auto& r : results) {
    ++c.tests;
    if (r.status == TestResult::Status::fail) ++c.failures;
    if (r.status == TestResult::Status::skip) ++c.skipped;
  }
  return c;
}
}  // namespace

void write_results_xml(const std::filesystem::path& path, const std::vector<TestResult>& results,
                       uint64_t run_seed) {
  const Counts c = count(results);
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  const std::string counts =
      fmt::format("tests=\"{}\" failures=\"{}\" skipped=\"{}\" errors=\"0\"", c.tests, c.failures, c.skipped);
  x += fmt::format("<testsuites name=\"results\" {}>\n", counts);
  x += fmt::format("  <testsuite name=\"all\" package=\"all\" {}>\n", counts);
  x += fmt::format("    <property name=\"random_seed\" value=\"{}\" />\n", run_seed);
  for (const auto& r : results) {
    x += fmt::format(
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" lineno=\"{}\" time=\"{:.6f}\" "
        "sim_time_ns=\"{:.3f}\" ratio_time=\"{:.3f}\"",
        xml_escape(r.name), xml_escape(r.classname), xml_escape(r.file), r.line, r.real_time_s,
        r.sim_time_ns, r.ratio());
    if (r.status == TestResult::Status::pass) {
      x += " />\n";
      continue;
    }
    x += ">\n";
    if (r.status == TestResult::Status::fail)
      x += fmt::format("      <failure message=\"{}\" />\n",
                       xml_escape(fmt::format("{} (test seed {}, run seed {})", r.message, r.seed, run_seed)));
    else if (r.message.empty())
      x += "      <skipped />\n";
    else
      x += fmt::format("      <skipped message=\"{}\" />\n", xml_escape(r.message));
    x += "    </testcase>\n";
  }
  x += "  </testsuite>\n</testsuites>\n";

  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw std::runtime_error("cannot write " + tmp.string());
    f << x;
    if (!f.flush()) throw std::runtime_error("cannot write " + tmp.string());
  }
  std::filesystem::rename(tmp, path);
}

std::string summary_table(const std::vector<TestResult>& results) {
  const Counts c = count(results);
  const std::string total_name =
      fmt::format("TESTS={} PASS={} FAIL={} SKIP={}", c.tests, c.tests - c.failures - c.skipped,
                  c.failures, c.skipped);
  std::size_t a = std::max(std::string("TEST").size(), total_name.size());
  for (const auto& r : results) a = std::max(a, (r.classname + "." + r.name).size());
  const std::size_t b = 6, cl = 13, d = 13, e = 12;  // widths of STATUS, SIM TIME (ns), ...
  const std::size_t line_len = 3 + a + 2 + b + 2 + cl + 2 + d + 2 + e + 3;
  const std::string sep = std::string(line_len, '*') + "\n";

  std::string s = sep;
  s += fmt::format("** {:<{}}  {:^{}}  {:>{}}  {:>{}}  {:>{}} **\n", "TEST", a, "STATUS", b,
                   "SIM TIME (ns)", cl, "REAL TIME (s)", d, "RATIO (ns/s)", e);
  s += sep;
  double sim = 0, real = 0;
  for (const auto& r : results) {
    const char* status = r.status == TestResult::Status::pass   ? "PASS"
                         : r.status == TestResult::Status::fail ? "FAIL"
                                                                : "SKIP";
    const std::string ratio =
        r.status == TestResult::Status::skip ? std::string("-.--") : fmt::format("{:.2f}", r.ratio());
    s += fmt::format("** {:<{}}  {:^{}}  {:>{}.2f}   {:>{}.2f}   {:>{}}  **\n", r.classname + "." + r.name,
                     a, status, b, r.sim_time_ns, cl - 1, r.real_time_s, d - 1, ratio, e - 1);
    sim += r.sim_time_ns;
    real += r.real_time_s;
  }
  s += sep;
  s += fmt::format("** {:<{}}  {:^{}}  {:>{}.2f}   {:>{}.2f}   {:>{}}  **\n", total_name, a, "", b, sim,
                   cl - 1, real, d - 1, fmt::format("{:.2f}", real > 0 ? sim / real : 0.0), e - 1);
  s += sep;
  return s;
}

}  // namespace qta::harness
