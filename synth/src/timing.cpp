#include "timing.h"

#include <kainjow/mustache.hpp>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "flow_util.h"
#include "qta/cli.h"

namespace qta::synth {
namespace fs = std::filesystem;
using kainjow::mustache::data;

namespace {
const char* const kGroups[] = {"reg2reg", "in2reg", "reg2out", "in2out"};

std::string extract_between(const std::string& text, const std::string& begin, const std::string& end) {
  auto b = text.find(begin);
  if (b == std::string::npos) return "";
  b += begin.size();
  auto e = text.find(end, b);
  return text.substr(b, e == std::string::npos ? std::string::npos : e - b);
}
}  // namespace

std::vector<PathGroupTiming> parse_report_checks(const std::string& text, double period_ns) {
  std::vector<PathGroupTiming> found;
  static const std::regex start_re(R"(^Startpoint: (\S+))");
  static const std::regex end_re(R"(^Endpoint: (\S+))");
  static const std::regex group_re(R"(^Path Group: (\S+))");
  static const std::regex arrival_re(R"(^\s*(-?[0-9.]+)\s+data arrival time)");
  static const std::regex slack_re(R"(^\s*(-?[0-9.]+)\s+slack \((MET|VIOLATED)\))");
  std::istringstream in(text);
  std::string line;
  std::smatch m;
  PathGroupTiming cur;
  bool have_arrival = false;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, start_re)) {
      cur = PathGroupTiming{};
      cur.startpoint = m[1];
      have_arrival = false;
    } else if (std::regex_search(line, m, end_re)) {
      cur.endpoint = m[1];
    } else if (std::regex_search(line, m, group_re)) {
      cur.group = m[1];
    } else if (!have_arrival && std::regex_search(line, m, arrival_re)) {
      cur.arrival_ns = std::stod(m[1]);
      have_arrival = true;
    } else if (std::regex_search(line, m, slack_re)) {
      cur.slack_ns = std::stod(m[1]);
      cur.min_period_ns = period_ns - cur.slack_ns;
      cur.has_paths = true;
      found.push_back(cur);
    }
  }
  std::vector<PathGroupTiming> groups;
  for (const char* g : kGroups) {
    PathGroupTiming t;
    t.group = g;
    for (const auto& f : found)
      if (f.group == g) t = f;
    groups.push_back(t);
  }
  return groups;
}

TimingResult run_sta(const fs::path& netlist, const std::string& top, const TimingOptions& opt,
                     const fs::path& work_dir, const std::string& tag) {
  TimingResult r;
  r.top = top;
  r.period_ns = opt.period_ns;
  r.sdc = work_dir / (tag + ".sdc");
  r.script = work_dir / (tag + ".sta.tcl");
  r.log = work_dir / (tag + ".sta.log");
  const fs::path scripts = scripts_dir();

  data sdc;
  sdc.set("clock_port", opt.clock_port);
  sdc.set("period_ns", format_double(opt.period_ns, 4));
  sdc.set("io_delay_ns", format_double(opt.io_delay_ns, 4));
  sdc.set("output_load_pf", format_double(opt.output_load_pf, 4));
  write_text(r.sdc, render_template(scripts / "constraints.sdc.mustache", sdc));

  data tcl;
  tcl.set("top", top);
  tcl.set("liberty", opt.liberty);
  tcl.set("netlist", netlist.string());
  tcl.set("sdc", r.sdc.string());
  write_text(r.script, render_template(scripts / "sta.tcl.mustache", tcl));

  ToolRun run = run_tool_checked({"sta", "-no_init", "-no_splash", "-exit", r.script.string()},
                                 work_dir, r.log);
  r.seconds = run.seconds;
  std::string log = read_text(r.log);
  if (log.find("QTA_END_PATHS") == std::string::npos || log.find("\nError") != std::string::npos || log.rfind("Error", 0) == 0)
    throw qta::CheckFailed("sta did not finish its report (log " + r.log.string() + "):\n" +
                           tail_lines(r.log, 15, "  "));
  r.groups = parse_report_checks(extract_between(log, "QTA_BEGIN_PATHS", "QTA_END_PATHS"), opt.period_ns);
  bool any = false;
  for (const auto& g : r.groups)
    if (g.has_paths && (!any || g.min_period_ns > r.critical.min_period_ns)) {
      r.critical = g;
      any = true;
    }
  if (!any)
    throw qta::CheckFailed("sta reported no timing path for " + top + " (is the clock port " +
                           opt.clock_port + "? log " + r.log.string() + ")");
  r.achievable_mhz = 1000.0 / r.critical.min_period_ns;
  return r;
}

nlohmann::json to_json(const TimingResult& t) {
  nlohmann::json groups = nlohmann::json::object();
  for (const auto& g : t.groups) {
    if (!g.has_paths) {
      groups[g.group] = nullptr;
      continue;
    }
    groups[g.group] = {{"worst_slack_ns", g.slack_ns},
                       {"min_period_ns", g.min_period_ns},
                       {"max_clock_mhz", 1000.0 / g.min_period_ns},
                       {"arrival_ns", g.arrival_ns},
                       {"startpoint", g.startpoint},
                       {"endpoint", g.endpoint}};
  }
  return {{"top", t.top},
          {"constrained_period_ns", t.period_ns},
          {"achievable_clock_mhz", t.achievable_mhz},
          {"min_period_ns", t.critical.min_period_ns},
          {"critical_path", {{"group", t.critical.group},
                             {"startpoint", t.critical.startpoint},
                             {"endpoint", t.critical.endpoint},
                             {"slack_ns", t.critical.slack_ns}}},
          {"path_groups", groups}};
}

std::string timing_report_text(const TimingResult& t, const std::string& title,
                               const std::string& paths) {
  std::ostringstream o;
  o << title << "\n";
  o << fmt::format("constrained clock period {:.3f} ns on the clock port; ideal clock, no wire parasitics\n\n",
                   t.period_ns);
  o << fmt::format("{:<8} {:>10} {:>12} {:>10}  {}\n", "group", "slack ns", "min period", "max MHz",
                   "worst path (start -> end)");
  for (const auto& g : t.groups) {
    if (!g.has_paths) {
      o << fmt::format("{:<8} {:>10} {:>12} {:>10}  (no paths)\n", g.group, "-", "-", "-");
      continue;
    }
    o << fmt::format("{:<8} {:>10.3f} {:>12.3f} {:>10.1f}  {} -> {}\n", g.group, g.slack_ns,
                     g.min_period_ns, 1000.0 / g.min_period_ns, g.startpoint, g.endpoint);
  }
  o << fmt::format("\nachievable clock: {:.1f} MHz (period {:.3f} ns), limited by {}: {} -> {}\n",
                   t.achievable_mhz, t.critical.min_period_ns, t.critical.group,
                   t.critical.startpoint, t.critical.endpoint);
  o << "\nOpenSTA report_checks (worst path per group):\n" << paths;
  return o.str();
}

}  // namespace qta::synth
