// `qta perf`: predicted WS / OS / WSC / WSR / AUTO cycles of the LoRA GEMMs on SD v1.5 shapes,
// then the whole-step report (src/perf_report.h). Registered by qta::register_perf_cli.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "qta/atomic_dir.h"
#include "qta/cli.h"
#include "qta/gen/config.h"
#include "qta/golden/workloads.h"
#include "qta/options.h"
#include "qta/paths.h"
#include "qta/perf/perf.h"
#include "src/perf_report.h"

namespace {

struct PerfOptions {
  std::string config_file;
  qta::gen::Overrides fields;
  int rank = 4;
  std::string json_file;
  std::string plots_dir;
};

void run_perf(const PerfOptions& o) {
  using namespace qta::perf;
  const qta::gen::Config cfg = qta::gen::config_from_flags(o.config_file, o.fields);
  if (!o.json_file.empty()) qta::check_output_file(o.json_file, {"--json"});  // before the work
  if (!o.plots_dir.empty()) qta::check_output_dir(o.plots_dir, {"--plots"});
  const Array arr = array_of(cfg);
  const bool has_ws = cfg.supports_ws(), has_os = cfg.supports_os();
  nlohmann::ordered_json report;
  report["array"] = {
      {"rows", arr.rows}, {"cols", arr.cols}, {"col_groups", arr.col_groups}, {"row_groups", arr.row_groups}};
  report["rank"] = o.rank;
  report["formula"] = "docs/interfaces.md section 4";
  // all_auto: the RTL's AUTO (Policy::Auto); all_auto3: without row groups (AutoWsOsWsc);
  // all_auto2: without column or row groups (AutoWsOs).
  int64_t all_ws = 0, all_os = 0, all_auto = 0, all_auto2 = 0, all_auto3 = 0, all_macs = 0;
  fmt::print("LoRA GEMM steps (docs/interfaces.md section 3) on a {}x{} array, col_groups {}, row_groups {}, rank {}\n",
             arr.rows, arr.cols, arr.col_groups, arr.row_groups, o.rank);
  const std::string wsc_text =
      arr.col_groups > 1 ? fmt::format("WS on {} column groups of {} columns (N <= {}, else -)", arr.col_groups,
                                       arr.cols / arr.col_groups, arr.cols / arr.col_groups)
                         : std::string("none (col_groups 1)");
  const std::string wsr_text =
      arr.row_groups > 1 ? fmt::format("WS on {} row groups of {} rows (K <= {}, else -)", arr.row_groups,
                                       arr.rows / arr.row_groups, arr.rows / arr.row_groups)
                         : std::string("none (row_groups 1)");
  fmt::print("cycles from the section 4 formula; WSC: {}; WSR: {}; AUTO: the RTL's choice among WS, OS, WSC and WSR; "
             "util = MACs / (R*C*cycles)\n",
             wsc_text, wsr_text);
  // Every cross-attention projection of the SD v1.5 UNet (golden/workloads.h), each counted as
  // many times as the UNet has it.
  for (const qta::golden::LinearWorkload& layer : qta::golden::sd15_cross_attention_workloads()) {
    fmt::print("\nlayer: {} x{}: X {}x{}, W {}x{}\n", layer.name, layer.count, layer.tokens, layer.d_in, layer.d_in,
               layer.d_out);
    fmt::print("  {:<11} {:>18} {:>12} {:>12} {:>12} {:>12} {:>12} {:>4} {:>7} {:>7} {:>7} {:>7} {:>7}\n", "step",
               "M x N x K", "WS", "OS", "WSC", "WSR", "AUTO", "", "utilWS", "utilOS", "utilWSC", "utilWSR", "utilAU");
    int64_t sum_ws = 0, sum_os = 0, sum_auto = 0, sum_auto2 = 0, sum_auto3 = 0;
    nlohmann::ordered_json steps = nlohmann::ordered_json::array();
    for (const Step& s : lora_steps(layer.tokens, layer.d_in, layer.d_out, o.rank)) {
      // AUTO among the dataflows this configuration has (a WS-only build without column or row
      // groups: WS)
      const Dataflow pick = policy_dataflow(Policy::Auto, s.gemm, arr, has_ws, has_os);
      const Dataflow pick2 = policy_dataflow(Policy::AutoWsOs, s.gemm, arr, has_ws, has_os);
      const Dataflow pick3 = policy_dataflow(Policy::AutoWsOsWsc, s.gemm, arr, has_ws, has_os);
      const int64_t ws = ws_cycles(s.gemm, arr), os = os_cycles(s.gemm, arr);
      const bool fits = wsc_fits(s.gemm, arr);  // else the WSC column is "-", its JSON null
      const int64_t wsc = fits ? wsc_cycles(s.gemm, arr) : 0;
      const bool fits_r = wsr_fits(s.gemm, arr);  // else the WSR column is "-", its JSON null
      const int64_t wsr = fits_r ? wsr_cycles(s.gemm, arr) : 0;
      const int64_t au = compute_cycles(s.gemm, arr, pick);
      const int64_t au2 = compute_cycles(s.gemm, policy_array(Policy::AutoWsOs, arr), pick2);
      const int64_t au3 = compute_cycles(s.gemm, policy_array(Policy::AutoWsOsWsc, arr), pick3);
      sum_ws += ws;
      sum_os += os;
      sum_auto += au;
      sum_auto2 += au2;
      sum_auto3 += au3;
      all_macs += layer.count * s.gemm.m * s.gemm.n * s.gemm.k;
      auto cell = [](bool f, int64_t v) { return f ? fmt::format("{}", v) : std::string("-"); };
      auto util_cell = [&](bool f, int64_t v) {
        return f ? fmt::format("{:.3f}", utilization(s.gemm, arr, v)) : std::string("-");
      };
      fmt::print("  {:<11} {:>18} {:>12} {:>12} {:>12} {:>12} {:>12} {:>4} {:>7.3f} {:>7.3f} {:>7} {:>7} {:>7.3f}\n",
                 s.name, fmt::format("{}x{}x{}", s.gemm.m, s.gemm.n, s.gemm.k), ws, os, cell(fits, wsc),
                 cell(fits_r, wsr), au, to_string(pick), utilization(s.gemm, arr, ws), utilization(s.gemm, arr, os),
                 util_cell(fits, wsc), util_cell(fits_r, wsr), utilization(s.gemm, arr, au));
      steps.push_back({{"step", s.name}, {"m", s.gemm.m}, {"n", s.gemm.n}, {"k", s.gemm.k},
                       {"ws_cycles", ws}, {"os_cycles", os},
                       {"wsc_cycles", fits ? nlohmann::ordered_json(wsc) : nlohmann::ordered_json(nullptr)},
                       {"wsr_cycles", fits_r ? nlohmann::ordered_json(wsr) : nlohmann::ordered_json(nullptr)},
                       {"auto_cycles", au}, {"auto_dataflow", to_string(pick)},
                       {"auto_utilization", utilization(s.gemm, arr, au)}, {"auto_ws_os_cycles", au2},
                       {"auto_ws_os_wsc_cycles", au3}});
    }
    fmt::print("  {:<11} {:>18} {:>12} {:>12} {:>12} {:>12} {:>12}   speedup AUTO vs WS-only {:.3f}x, vs OS-only "
               "{:.3f}x, vs AUTO over WS and OS {:.3f}x, vs AUTO over WS, OS and WSC {:.3f}x\n",
               "total", "", sum_ws, sum_os, "", "", sum_auto, double(sum_ws) / sum_auto, double(sum_os) / sum_auto,
               double(sum_auto2) / sum_auto, double(sum_auto3) / sum_auto);
    report["layers"].push_back({{"name", layer.name}, {"count", layer.count}, {"tokens", layer.tokens},
                                {"d_in", layer.d_in}, {"d_out", layer.d_out}, {"steps", steps},
                                {"ws_cycles", sum_ws}, {"os_cycles", sum_os}, {"auto_cycles", sum_auto},
                                {"auto_ws_os_cycles", sum_auto2}, {"auto_ws_os_wsc_cycles", sum_auto3},
                                {"speedup_vs_ws", double(sum_ws) / sum_auto},
                                {"speedup_vs_os", double(sum_os) / sum_auto}});
    all_ws += layer.count * sum_ws;
    all_os += layer.count * sum_os;
    all_auto += layer.count * sum_auto;
    all_auto2 += layer.count * sum_auto2;
    all_auto3 += layer.count * sum_auto3;
  }
  const double peak = double(arr.rows) * arr.cols;
  fmt::print("\nall {} cross-attention projections of the UNet (one LoRA training step each), compute cycles:\n", 64);
  fmt::print("WS-only {} cycles (util {:.3f}), OS-only {} (util {:.3f}), AUTO over WS and OS {} (util {:.3f}), AUTO "
             "over WS, OS and WSC {} (util {:.3f}), AUTO {} (util {:.3f})\n",
             all_ws, all_macs / (peak * all_ws), all_os, all_macs / (peak * all_os), all_auto2,
             all_macs / (peak * all_auto2), all_auto3, all_macs / (peak * all_auto3), all_auto,
             all_macs / (peak * all_auto));
  fmt::print("speedup of flexible dataflow: {:.3f}x over WS-only, {:.3f}x over OS-only, {:.3f}x over AUTO over WS "
             "and OS, {:.3f}x over AUTO over WS, OS and WSC\n",
             double(all_ws) / all_auto, double(all_os) / all_auto, double(all_auto2) / all_auto,
             double(all_auto3) / all_auto);
  const nlohmann::ordered_json whole = qta::perf::step_report(cfg, o.rank, o.plots_dir);
  for (const auto& [k, v] : whole.items()) report[k] = v;
  report["total"] = {{"ws_cycles", all_ws},
                     {"os_cycles", all_os},
                     {"auto_cycles", all_auto},
                     {"auto_ws_os_cycles", all_auto2},
                     {"auto_ws_os_wsc_cycles", all_auto3},
                     {"macs", all_macs},
                     {"speedup_vs_ws", double(all_ws) / all_auto},
                     {"speedup_vs_os", double(all_os) / all_auto},
                     {"speedup_vs_auto_ws_os", double(all_auto2) / all_auto},
                     {"speedup_vs_auto_ws_os_wsc", double(all_auto3) / all_auto}};
  if (!o.json_file.empty()) {
    qta::write_file_atomically(qta::check_output_file(o.json_file, {"--json"}), "--json", report.dump(2) + "\n");
  }
}

void register_perf(CLI::App& app) {
  auto opts = std::make_shared<PerfOptions>();
  auto* cmd =
      app.add_subcommand("perf", "predicted WS / OS / WSC / WSR / AUTO cycles of the LoRA GEMMs on SD v1.5 shapes");
  qta::gen::add_config_flags(*cmd, opts->fields, opts->config_file);
  qta::add_int_option(*cmd, "--rank", opts->rank, 1, 1024, "LoRA rank r");
  qta::add_text_option(*cmd, "--json", opts->json_file, "also write the numbers as JSON", {}, "a file path");
  qta::add_text_option(*cmd, "--plots", opts->plots_dir,
                       "also write SVG plots (RTL cycles per step and policy, utilization per layer) into this directory",
                       {}, "a directory path");
  cmd->callback([opts] { run_perf(*opts); });
}

}  // namespace

void qta::register_perf_cli(CLI::App& app, int& /*exit_code*/) { register_perf(app); }
