#include "perf_report.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "qta/golden/workloads.h"
#include "qta/perf/perf.h"
#include "qta/atomic_dir.h"
#include "qta/strings.h"
#include "qta/svg_plot.h"
#include "qta/text_io.h"

namespace qta::perf {
namespace {

// A training step's GEMMs requantize with dynamic scales (the multiplier from each output's own
// amax, derived on chip): the real training case.
constexpr ScaleMode kStepScaleMode = ScaleMode::Dynamic;

}  // namespace

nlohmann::ordered_json step_report(const gen::Config& cfg, int64_t rank, const std::filesystem::path& plots_dir) {
  const Array arr = array_of(cfg);  // the configuration's col_groups and row_groups: Auto's WSC and WSR
  const bool has_ws = cfg.supports_ws(), has_os = cfg.supports_os();
  std::vector<Policy> policies;
  for (Policy p : {Policy::WsOnly, Policy::OsOnly, Policy::AutoWsOs, Policy::AutoWsOsWsc, Policy::Auto,
                   Policy::Wave1WsOnly, Policy::Wave1AutoWsOs})
    if (policy_supported(p, has_ws, has_os)) policies.push_back(p);
  const auto& layers = golden::sd15_cross_attention_workloads();
  const std::vector<Step> step_names = lora_steps(1, 1, 1, 1);

  struct Total {
    int64_t rtl = 0, serial = 0, compute = 0;
    double ideal = 0, underfill = 0;
    int64_t skew = 0, load_shift = 0, requant_control = 0;
  };
  std::map<Policy, Total> tot;
  std::map<Policy, std::vector<double>> per_step;    // RTL cycles of step s summed over the UNet
  std::map<Policy, std::vector<double>> layer_util;  // utilization of each layer (all 8 steps)
  std::map<Policy, std::vector<QueuedGemm>> queue;    // the whole step, descriptors back to back
  struct Slot {
    size_t layer, step;
  };
  std::vector<Slot> slots;  // which layer and step each queued descriptor is
  double macs = 0;
  // The port bound of the generated RTL's buffer ports (lanes 1) and of ports 2 and 4 times as wide:
  // how wide the ports of a partitioned array must be before any dataflow can reach a target.
  const std::vector<int64_t> bound_lanes = {1, 2, 4};
  std::map<int64_t, double> port_bound;
  std::vector<double> layer_macs_of;
  for (size_t l = 0; l < layers.size(); ++l) {
    const auto& layer = layers[l];
    const auto steps = lora_steps(layer.tokens, layer.d_in, layer.d_out, rank);
    double layer_macs = 0;
    std::map<Policy, std::vector<QueuedGemm>> layer_queue;  // one projection's 8 descriptors
    for (size_t s = 0; s < steps.size(); ++s) {
      const Gemm& g = steps[s].gemm;
      const double m = double(g.m) * double(g.n) * double(g.k);
      macs += layer.count * m;
      for (int64_t lanes : bound_lanes) port_bound[lanes] += layer.count * port_bound_cycles(g, arr, lanes);
      layer_macs += m;
      for (Policy p : policies) {
        const Array pa = policy_array(p, arr);
        const Dataflow d = policy_dataflow(p, g, pa, has_ws, has_os);
        const Breakdown b = breakdown(g, pa, d, kStepScaleMode);
        const int64_t rtl = b.total();  // = rtl_total_cycles(g, pa, d, kStepScaleMode), one alone
        Total& t = tot[p];
        t.serial += layer.count * rtl;
        t.compute += layer.count * (rtl - b.requant_control);  // the array's cycles (section 4)
        t.ideal += layer.count * b.ideal;
        t.underfill += layer.count * b.underfill;
        t.skew += layer.count * b.skew;
        t.load_shift += layer.count * b.load_shift;
        layer_queue[p].push_back({g, d, kStepScaleMode, false});
      }
    }
    layer_macs_of.push_back(layer_macs);
    // The step in the order lora_steps lists it, every projection `count` times, as the runtime
    // queues it: consecutive descriptors write disjoint output regions (no hold).
    for (int64_t i = 0; i < layer.count; ++i) {
      for (size_t s = 0; s < steps.size(); ++s) slots.push_back({l, s});
      for (Policy p : policies) queue[p].insert(queue[p].end(), layer_queue[p].begin(), layer_queue[p].end());
    }
  }
  for (Policy p : policies) {
    const QueueTiming qt = queue_timing(queue[p], policy_array(p, arr));
    Total& t = tot[p];
    t.rtl = qt.total;
    t.requant_control = t.rtl - t.compute;  // control, requantization and SCALE not hidden
    auto& ps = per_step[p];
    ps.assign(step_names.size(), 0.0);
    std::vector<double> layer_rtl(layers.size(), 0.0);
    for (size_t i = 0; i < slots.size(); ++i) {
      ps[slots[i].step] += double(qt.added[i]);
      layer_rtl[slots[i].layer] += double(qt.added[i]);
    }
    for (size_t l = 0; l < layers.size(); ++l)
      layer_util[p].push_back(layers[l].count * layer_macs_of[l] / (double(arr.rows) * arr.cols * layer_rtl[l]));
  }

  const double ideal = std::ceil(macs / (double(arr.rows) * double(arr.cols)));
  fmt::print("\nwhole LoRA training step (64 projections x 8 GEMMs, rank {}), RTL totals: every overhead counted, "
             "the requantization pass and control included, the descriptors queued back to back so that each one's "
             "requantization overlaps the next one's compute (docs/interfaces.md section 4); scale mode {}: every "
             "GEMM derives its multiplier on chip ({} cycles each, counted under requant; 'serial': one descriptor "
             "at a time)\n",
             rank, scale_mode_name(kStepScaleMode), kScaleCycles);
  fmt::print("  {:<18} {:>14} {:>8} {:>14} {:>14} {:>7}  {:>9} {:>9} {:>9} {:>9}\n", "policy", "RTL cycles", "/ideal",
             "serial", "compute", "util", "underfill", "skew", "load/sh", "requant");
  fmt::print("  {:<18} {:>14.0f} {:>8.3f}\n", "ideal", ideal, 1.0);
  fmt::print("  {:<18} {:>14.0f} {:>8.3f}   (the buffers' ports: {} lanes of A (col_groups * R), C of B, {} of "
             "results (row_groups * C); no dataflow does better)\n",
             "port_bound", std::ceil(port_bound[1]), std::ceil(port_bound[1]) / ideal, arr.col_groups * arr.rows,
             arr.row_groups * arr.cols);
  for (int64_t lanes : bound_lanes)
    if (lanes > 1)
      fmt::print("  {:<18} {:>14.0f} {:>8.3f}   (the same with {}x the lanes on every port: the least a wider-ported, "
                 "partitioned array could take)\n", fmt::format("port_bound_x{}", lanes), std::ceil(port_bound[lanes]),
                 std::ceil(port_bound[lanes]) / ideal, lanes);
  nlohmann::ordered_json out;
  out["scale_mode"] = scale_mode_name(kStepScaleMode);
  out["scale_cycles_per_gemm"] = kScaleCycles;
  out["ideal_cycles"] = int64_t(ideal);
  out["macs"] = macs;
  out["port_bound_cycles"] = int64_t(std::ceil(port_bound[1]));
  nlohmann::ordered_json wider;
  for (int64_t lanes : bound_lanes)
    if (lanes > 1) wider[std::to_string(lanes)] = int64_t(std::ceil(port_bound[lanes]));
  out["port_bound_cycles_by_lanes"] = wider;
  nlohmann::ordered_json totals = nlohmann::ordered_json::array();
  for (Policy p : policies) {
    const Total& t = tot[p];
    const double loss = double(t.rtl) - t.ideal;
    auto share = [&](double v) { return loss > 0 ? 100.0 * v / loss : 0.0; };
    fmt::print("  {:<18} {:>14} {:>8.3f} {:>14} {:>14} {:>7.3f}  {:>8.1f}% {:>8.1f}% {:>8.1f}% {:>8.1f}%\n", policy_name(p),
               t.rtl, double(t.rtl) / ideal, t.serial, t.compute, t.ideal / double(t.rtl), share(t.underfill), share(double(t.skew)),
               share(double(t.load_shift)), share(double(t.requant_control)));
    totals.push_back({{"policy", policy_name(p)},
                      {"rtl_total_cycles", t.rtl},
                      {"compute_cycles", t.compute},
                      {"serial_cycles", t.serial},
                      {"ideal_cycles", int64_t(ideal)},
                      {"rtl_over_ideal", double(t.rtl) / ideal},
                      {"utilization", t.ideal / double(t.rtl)},
                      {"breakdown_cycles",
                       {{"underfill", t.underfill},
                        {"skew", t.skew},
                        {"load_shift", t.load_shift},
                        {"requant_control", t.requant_control}}}});
  }
  fmt::print("  (underfill .. requant: each loss as a share of RTL cycles - ideal; {}: the generated RTL's AUTO over "
             "WS, OS, WSC on {} column groups and WSR on {} row groups; {}: the same array without row groups; "
             "ws_only, os_only, auto_ws_os: the same array without column or row groups; wave1_*: the array before "
             "WS pipelining, model only)\n",
             policy_name(Policy::Auto), arr.col_groups, arr.row_groups, policy_name(Policy::AutoWsOsWsc));
  auto ratio = [&](Policy a, Policy b, const char* what) {
    if (tot.count(a) && tot.count(b))
      fmt::print("  {} over {}: {:.3f}x fewer RTL cycles ({})\n", policy_name(b), policy_name(a),
                 double(tot[a].rtl) / double(tot[b].rtl), what);
  };
  ratio(Policy::WsOnly, Policy::Auto, "flexibility on the same pipelined array");
  ratio(Policy::AutoWsOs, Policy::Auto, "the gain of column and row groups");
  ratio(Policy::AutoWsOsWsc, Policy::Auto, "the gain of row groups");
  ratio(Policy::Wave1WsOnly, Policy::Auto, "against the wave-1 WS-only array");
  ratio(Policy::AutoWsOs, Policy::AutoWsOsWsc, "the gain of column groups");
  ratio(Policy::WsOnly, Policy::AutoWsOs, "WS or OS per GEMM, same pipelining");
  ratio(Policy::Wave1WsOnly, Policy::AutoWsOs, "against the wave-1 WS-only array");
  ratio(Policy::Wave1AutoWsOs, Policy::AutoWsOs, "the gain of pipelining");
  out["step_totals"] = totals;
  nlohmann::ordered_json lu = nlohmann::ordered_json::array();
  for (size_t l = 0; l < layers.size(); ++l) {
    nlohmann::ordered_json row = {{"layer", layers[l].name}};
    for (Policy p : policies) row[policy_name(p)] = layer_util[p][l];
    lu.push_back(row);
  }
  out["layer_utilization"] = lu;

  if (!plots_dir.empty()) {
    std::vector<std::string> step_cats, layer_cats;
    for (const auto& s : step_names) step_cats.push_back(s.name);
    for (const auto& l : layers) layer_cats.push_back(l.name);
    std::vector<svg::BarSeries> cycles, util;
    for (Policy p : policies) {
      cycles.push_back({policy_name(p), per_step[p]});
      util.push_back({policy_name(p), layer_util[p]});
    }
    const std::string generated = fmt::format("Generated by qta perf --plots ({}x{}, rank {}).", arr.rows, arr.cols, rank);
    std::filesystem::create_directories(plots_dir);
    // Each plot complete or not at all: a full disk is exit 2 naming --plots and the file.
    qta::write_file_atomically(
        plots_dir / "cycles_per_step.svg", "--plots",
        svg::bar_chart({fmt::format("RTL cycles per LoRA step, whole UNet, {}x{}, rank {}", arr.rows, arr.cols, rank),
                        "RTL cycles", step_cats, cycles, generated})
            .svg);
    qta::write_file_atomically(
        plots_dir / "utilization_per_layer.svg", "--plots",
        svg::bar_chart({fmt::format("utilization per layer (all 8 steps), {}x{}, rank {}", arr.rows, arr.cols, rank),
                        "utilization: MACs / (R * C * RTL cycles)", layer_cats, util, generated})
            .svg);
    fmt::print("plots: {}, {}\n", (plots_dir / "cycles_per_step.svg").string(),
               (plots_dir / "utilization_per_layer.svg").string());
  }
  return out;
}

}  // namespace qta::perf
