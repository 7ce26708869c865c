// Static timing with OpenSTA (Debian 2.0.17) on a Yosys netlist: worst slack and achievable
// clock per path group (reg2reg, in2reg, reg2out, in2out) and the critical path.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace qta::synth {

struct PathGroupTiming {
  std::string group;  // reg2reg, in2reg, reg2out, in2out
  bool has_paths = false;
  double slack_ns = 0;          // worst slack at the constrained period
  double min_period_ns = 0;     // period - slack: the shortest clock this group allows
  double arrival_ns = 0;        // data arrival time of the worst path
  std::string startpoint, endpoint;
};

struct TimingResult {
  std::string top;
  double period_ns = 0;                 // constrained clock period
  std::vector<PathGroupTiming> groups;  // in the order above; groups without paths included
  PathGroupTiming critical;             // the group with the largest min_period
  double achievable_mhz = 0;            // 1000 / critical.min_period_ns
  std::filesystem::path log, sdc, script;
  double seconds = 0;
};

struct TimingOptions {
  std::string liberty;
  std::string clock_port = "clk_i";
  double period_ns = 10.0;
  double io_delay_ns = 0.0;
  double output_load_pf = 0.01;
};

// Throws qta::CheckFailed when `sta` fails or reports no path at all.
TimingResult run_sta(const std::filesystem::path& netlist, const std::string& top,
                     const TimingOptions& opt, const std::filesystem::path& work_dir,
                     const std::string& tag);

// Parses the `report_checks` text between the QTA_BEGIN_PATHS/QTA_END_PATHS markers.
std::vector<PathGroupTiming> parse_report_checks(const std::string& text, double period_ns);

nlohmann::json to_json(const TimingResult& t);
std::string timing_report_text(const TimingResult& t, const std::string& title,
                               const std::string& sta_paths_text);

}  // namespace qta::synth
