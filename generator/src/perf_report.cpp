#include "perf_report.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "qta/golden/workloads.h"
#include "qta/perf/perf.h"
#include "qta/strings.h"
#include "qta/text_io.h"

namespace qta::perf {
namespace {

// A training step's GEMMs requantize with dynamic scales (the multiplier from each output's own
// amax, derived on chip): the real training case.
constexpr ScaleMode kStepScaleMode = ScaleMode::Dynamic;

struct Series {
  std::string name;
  std::vector<double> values;
};

// A grouped bar chart: one group per category, one bar per series, a linear y axis from 0.
std::string bar_chart(const std::string& title, const std::string& y_label, const std::vector<std::string>& categories,
                      const std::vector<Series>& series) {
  const char* colors[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948"};
  const double W = 120.0 + 70.0 * double(categories.size()) * std::max<size_t>(1, series.size()) / 2.0, H = 360,
               left = 80, bottom = 90, top = 40;
  double ymax = 0;
  for (const auto& s : series)
    for (double v : s.values) ymax = std::max(ymax, v);
  if (ymax <= 0) ymax = 1;
  const double plot_w = W - left - 20, plot_h = H - top - bottom;
  std::string o = fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" "
                              "font-family=\"sans-serif\" font-size=\"11\">\n",
                              W, H);
  o += fmt::format("<text x=\"{:.0f}\" y=\"20\" font-size=\"14\">{}</text>\n", left, xml_text_escaped(title));
  for (int t = 0; t <= 4; ++t) {
    const double v = ymax * t / 4, y = top + plot_h * (1 - double(t) / 4);
    o += fmt::format("<line x1=\"{:.0f}\" y1=\"{:.1f}\" x2=\"{:.0f}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>"
                     "<text x=\"{:.0f}\" y=\"{:.1f}\" text-anchor=\"end\">{:.3g}</text>\n",
                     left, y, left + plot_w, y, left - 4, y + 4, v);
  }
  o += fmt::format("<text x=\"14\" y=\"{:.0f}\" transform=\"rotate(-90 14 {:.0f})\" text-anchor=\"middle\">{}</text>\n",
                   top + plot_h / 2, top + plot_h / 2, xml_text_escaped(y_label));
  const double group_w = plot_w / double(std::max<size_t>(1, categories.size()));
  const double bar_w = group_w * 0.8 / double(std::max<size_t>(1, series.size()));
  for (size_t c = 0; c < categories.size(); ++c) {
    const double gx = left + group_w * double(c) + group_w * 0.1;
    for (size_t s = 0; s < series.size(); ++s) {
      const double v = c < series[s].values.size() ? series[s].values[c] : 0, h = plot_h * v / ymax;
      o += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"><title>{} {}: "
                       "{:.6g}</title></rect>\n",
                       gx + bar_w * double(s), top + plot_h - h, bar_w, h, colors[s % 6], xml_text_escaped(series[s].name),
                       xml_text_escaped(categories[c]), v);
    }
    o += fmt::format("<text x=\"{:.1f}\" y=\"{:.0f}\" transform=\"rotate(40 {:.1f} {:.0f})\">{}</text>\n",
                     gx + group_w * 0.4, top + plot_h + 14, gx + group_w * 0.4, top + plot_h + 14,
                     xml_text_escaped(categories[c]));
  }
  for (size_t s = 0; s < series.size(); ++s)
    o += fmt::format("<rect x=\"{:.0f}\" y=\"{:.0f}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{:.0f}\" "
                     "y=\"{:.0f}\">{}</text>\n",
                     left + 130 * double(s) + 150, 10.0, colors[s % 6], left + 130 * double(s) + 164, 19.0,
                     xml_text_escaped(series[s].name));
  return o + "</svg>\n";
}

}  // namespace

nlohmann::ordered_json step_report(const gen::Config& cfg, int64_t rank, const std::filesystem::path& plots_dir) {
  const Array arr{cfg->rows, cfg->cols};
  const bool has_ws = cfg.supports_ws(), has_os = cfg.supports_os();
  std::vector<Policy> policies;
  for (Policy p : {Policy::WsOnly, Policy::OsOnly, Policy::AutoWsOs})
    if (policy_supported(p, has_ws, has_os)) policies.push_back(p);
  const auto& layers = golden::sd15_cross_attention_workloads();
  const std::vector<Step> step_names = lora_steps(1, 1, 1, 1);

  struct Total {
    int64_t rtl = 0, compute = 0;
    double ideal = 0, underfill = 0;
    int64_t skew = 0, load_shift = 0, requant_control = 0;
  };
  std::map<Policy, Total> tot;
  std::map<Policy, std::vector<double>> per_step;    // RTL cycles of step s summed over the UNet
  std::map<Policy, std::vector<double>> layer_util;  // utilization of each layer (all 8 steps)
  double macs = 0;
  for (const auto& layer : layers) {
    const auto steps = lora_steps(layer.tokens, layer.d_in, layer.d_out, rank);
    std::map<Policy, int64_t> layer_rtl;
    double layer_macs = 0;
    for (size_t s = 0; s < steps.size(); ++s) {
      const Gemm& g = steps[s].gemm;
      const double m = double(g.m) * double(g.n) * double(g.k);
      macs += layer.count * m;
      layer_macs += m;
      for (Policy p : policies) {
        const Dataflow d = policy_dataflow(p, g, arr, has_ws, has_os);
        const Breakdown b = breakdown(g, arr, d, kStepScaleMode);
        const int64_t rtl = b.total();  // = rtl_total_cycles(g, arr, d, kStepScaleMode)
        Total& t = tot[p];
        t.rtl += layer.count * rtl;
        t.compute += layer.count * (rtl - b.requant_control);  // the array's cycles (section 4)
        t.ideal += layer.count * b.ideal;
        t.underfill += layer.count * b.underfill;
        t.skew += layer.count * b.skew;
        t.load_shift += layer.count * b.load_shift;
        t.requant_control += layer.count * b.requant_control;
        auto& ps = per_step[p];
        ps.resize(steps.size());
        ps[s] += double(layer.count) * double(rtl);
        layer_rtl[p] += rtl;
      }
    }
    for (Policy p : policies) layer_util[p].push_back(layer_macs / (double(arr.rows) * arr.cols * double(layer_rtl[p])));
  }

  const double ideal = std::ceil(macs / (double(arr.rows) * double(arr.cols)));
  fmt::print("\nwhole LoRA training step (64 projections x 8 GEMMs, rank {}), RTL totals: every overhead counted, "
             "the requantization pass and control included (docs/interfaces.md section 4); scale mode {}: every "
             "GEMM derives its multiplier on chip ({} cycles each, counted under requant)\n",
             rank, scale_mode_name(kStepScaleMode), kScaleCycles);
  fmt::print("  {:<11} {:>14} {:>8} {:>14} {:>7}  {:>9} {:>9} {:>9} {:>9}\n", "policy", "RTL cycles", "/ideal",
             "compute", "util", "underfill", "skew", "load/sh", "requant");
  fmt::print("  {:<11} {:>14.0f} {:>8.3f}\n", "ideal", ideal, 1.0);
  nlohmann::ordered_json out;
  out["scale_mode"] = scale_mode_name(kStepScaleMode);
  out["scale_cycles_per_gemm"] = kScaleCycles;
  out["ideal_cycles"] = int64_t(ideal);
  out["macs"] = macs;
  nlohmann::ordered_json totals = nlohmann::ordered_json::array();
  for (Policy p : policies) {
    const Total& t = tot[p];
    const double loss = double(t.rtl) - t.ideal;
    auto share = [&](double v) { return loss > 0 ? 100.0 * v / loss : 0.0; };
    fmt::print("  {:<11} {:>14} {:>8.3f} {:>14} {:>7.3f}  {:>8.1f}% {:>8.1f}% {:>8.1f}% {:>8.1f}%\n", policy_name(p), t.rtl,
               double(t.rtl) / ideal, t.compute, t.ideal / double(t.rtl), share(t.underfill), share(double(t.skew)),
               share(double(t.load_shift)), share(double(t.requant_control)));
    totals.push_back({{"policy", policy_name(p)},
                      {"rtl_total_cycles", t.rtl},
                      {"compute_cycles", t.compute},
                      {"ideal_cycles", int64_t(ideal)},
                      {"rtl_over_ideal", double(t.rtl) / ideal},
                      {"utilization", t.ideal / double(t.rtl)},
                      {"breakdown_cycles",
                       {{"underfill", t.underfill},
                        {"skew", t.skew},
                        {"load_shift", t.load_shift},
                        {"requant_control", t.requant_control}}}});
  }
  fmt::print("  (underfill .. requant: each loss as a share of RTL cycles - ideal)\n");
  if (tot.count(Policy::WsOnly) && tot.count(Policy::AutoWsOs))
    fmt::print("  auto_ws_os over ws_only: {:.3f}x fewer RTL cycles\n",
               double(tot[Policy::WsOnly].rtl) / double(tot[Policy::AutoWsOs].rtl));
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
    std::vector<Series> cycles, util;
    for (Policy p : policies) {
      cycles.push_back({policy_name(p), per_step[p]});
      util.push_back({policy_name(p), layer_util[p]});
    }
    std::filesystem::create_directories(plots_dir);
    write_text(plots_dir / "cycles_per_step.svg",
               bar_chart(fmt::format("RTL cycles per LoRA step, whole UNet, {}x{}, rank {}", arr.rows, arr.cols, rank),
                         "RTL cycles", step_cats, cycles));
    write_text(plots_dir / "utilization_per_layer.svg",
               bar_chart(fmt::format("utilization per layer (all 8 steps), {}x{}, rank {}", arr.rows, arr.cols, rank),
                         "MACs / (R*C*RTL cycles)", layer_cats, util));
    fmt::print("plots: {}, {}\n", (plots_dir / "cycles_per_step.svg").string(),
               (plots_dir / "utilization_per_layer.svg").string());
  }
  return out;
}

}  // namespace qta::perf
