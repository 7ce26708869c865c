#include "synth_flow.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <regex>

#include <fmt/format.h>

#include "energy.h"
#include "equiv.h"
#include "flow_util.h"
#include "gen_dir.h"
#include "liberty.h"
#include "qta/atomic_dir.h"
#include "qta/cli.h"
#include "qta/svg_plot.h"
#include "timing.h"
#include "yosys_flow.h"

namespace qta::synth {
namespace fs = std::filesystem;

namespace {

void require_tools(const std::vector<std::string>& tools) {
  for (const auto& t : tools)
    if (!qta::find_program(t))
      throw qta::UsageError("synth: the tool '" + t +
                            "' is not on PATH (install it with scripts/bootstrap.sh: Debian packages yosys, opensta, verilator)");
}

std::string read_stat_block(const fs::path& stat_txt) { return read_text(stat_txt); }

// --out: written beside its place and moved there at the end; a previous qta synth output
// (summary.json of a run, sweep.json of a sweep) or an empty directory is replaced, anything
// else refused.
const qta::AtomicDirOptions kOutDir{{"summary.json", "sweep.json"}, "--out", "qta synth"};

// The staged --out; its parent directories are created first (`--out reports/NAME` as `make
// demo` passes it).
qta::AtomicDir staged_out(const fs::path& out) {
  if (!out.empty()) fs::create_directories(fs::absolute(out).parent_path());
  return qta::AtomicDir(out, kOutDir);
}

}  // namespace

YosysOptions flow_yosys_options(const std::string& liberty, const RequiredCells& req, double period_ns,
                                const fs::path& work) {
  YosysOptions yopt;
  yopt.liberty = liberty;
  if (!req.buf.empty()) {
    // ABC maps for the constrained period, each block's inputs driven by the liberty's
    // smallest buffer and its outputs loaded like the STA's outputs (constraints.sdc).
    yopt.abc_delay_ps = period_ns * 1000.0;
    yopt.abc_constr = (work / "abc.constr").string();
    fs::create_directories(work);
    write_text(yopt.abc_constr, fmt::format("set_driving_cell {}\nset_load {}\n", req.buf, TimingOptions{}.output_load_pf));
  }
  yopt.buf_cell = req.buf;
  yopt.buf_in = req.buf_in;
  yopt.buf_out = req.buf_out;
  return yopt;
}

void validate_inputs_without_rtl(const SynthOptions& opt) {
  // --out first (qta/paths.h): before the liberty is read or anything is generated.
  if (!opt.out.empty()) qta::check_atomic_target(opt.out, kOutDir, /*parents_may_be_missing=*/true);
  Liberty lib = read_liberty(opt.liberty);
  check_required_cells(lib);
  if (!(opt.period_ns > 0 && opt.period_ns <= 1e6))
    throw qta::UsageError(fmt::format("--period: {} ns is not a valid clock period (valid: > 0 and <= 1e6 ns)", opt.period_ns));
  if (!(opt.sram.bitcell_um2 > 0 && opt.sram.bitcell_um2 <= kMaxSramBitUm2))
    throw qta::UsageError(fmt::format("--sram-bit-um2: {} is not a valid bit-cell area (valid: > 0 and <= {:g} um^2)",
                                      opt.sram.bitcell_um2, kMaxSramBitUm2));
  if (!(opt.sram.array_efficiency > 0 && opt.sram.array_efficiency <= 1))
    throw qta::UsageError(fmt::format("--sram-efficiency: {} is outside the valid range (0, 1]", opt.sram.array_efficiency));
  if (opt.energy && (opt.energy_cycles < 100 || opt.energy_cycles > 10000000))
    throw qta::UsageError(fmt::format("--energy-cycles: {} is outside the valid range 100..10000000", opt.energy_cycles));
  if (!opt.cell_verilog.empty() && !fs::exists(opt.cell_verilog))
    throw qta::UsageError("--cell-verilog: '" + opt.cell_verilog + "' does not exist (expected the Verilog models of the liberty's cells)");
}

void validate_inputs(const SynthOptions& opt) {
  validate_inputs_without_rtl(opt);
  read_generated_dir(opt.rtl_dir);
}

namespace {
nlohmann::json run_synth_staged(const SynthOptions& opt, const Liberty& lib, const RequiredCells& req,
                                const GeneratedDesign& design, qta::AtomicDir& staged, double t_start);
}  // namespace

nlohmann::json run_synth(const SynthOptions& opt) {
  double t_start = now_seconds();
  validate_inputs(opt);
  Liberty lib = read_liberty(opt.liberty);
  RequiredCells req = check_required_cells(lib);
  GeneratedDesign design = read_generated_dir(opt.rtl_dir);
  require_tools({"yosys", "sta"});

  qta::AtomicDir staged = staged_out(opt.out);
  try {
    return run_synth_staged(opt, lib, req, design, staged, t_start);
  } catch (const qta::CheckFailed& e) {
    // A tool failed: keep its scripts and logs (not the output directory, which stays absent).
    fs::path kept = opt.out;
    kept += ".failed";
    if (!staged.keep_as(kept)) throw;
    throw qta::CheckFailed(std::string(e.what()) + "\n(scripts and logs of the failed run kept in " + kept.string() + ")");
  }
}

namespace {
nlohmann::json run_synth_staged(const SynthOptions& opt, const Liberty& lib, const RequiredCells& req,
                                const GeneratedDesign& design, qta::AtomicDir& staged, double t_start) {
  fs::path work = staged.path() / "work";
  fs::create_directories(work);
  std::string liberty_abs = fs::absolute(opt.liberty).string();
  YosysOptions yopt = flow_yosys_options(liberty_abs, req, opt.period_ns, work);

  spdlog::info("synth: Yosys on qta_pe alone ({})", design.dir.string());
  YosysResult pe = run_yosys(design.rtl_files, "qta_pe", yopt, work, "pe");
  spdlog::info("synth: Yosys on {} (hierarchical)", design.top);
  YosysResult top = run_yosys(design.rtl_files, design.top, yopt, work, "top");

  AreaSummary pe_area = summarize_area(pe, lib, req, opt.sram);
  AreaSummary top_area = summarize_area(top, lib, req, opt.sram);

  TimingOptions topt;
  topt.liberty = liberty_abs;
  topt.period_ns = opt.period_ns;
  spdlog::info("synth: OpenSTA on qta_pe and {}", design.top);
  TimingResult pe_t = run_sta(pe.netlist_v, "qta_pe", topt, work, "pe");
  TimingResult top_t = run_sta(top.netlist_v, design.top, topt, work, "top");

  // Reports for people.
  std::string header = fmt::format("# qta synth report: {}\n# command: {}\n# configuration: {} (config_hash {})\n",
                                   "generated by qta synth", opt.command, design.dir.string(),
                                   design.manifest.value("config_hash", std::string("?")));
  std::string area_rpt = header + "\n" +
                         area_report_text(pe_area, "== qta_pe synthesized alone (default parameters) ==") +
                         "\n\n" + area_report_text(top_area, "== " + design.top + " (hierarchical) ==") +
                         "\n\n== Yosys stat, qta_pe alone ==\n" + read_stat_block(pe.stat_txt) +
                         "\n== Yosys stat, " + design.top + " ==\n" + read_stat_block(top.stat_txt);
  write_text(staged.path() / "area.rpt", area_rpt);

  auto paths_of = [](const TimingResult& t) {
    std::string log = read_text(t.log);
    auto b = log.find("QTA_BEGIN_PATHS"), e = log.find("QTA_END_PATHS");
    return b == std::string::npos ? std::string() : log.substr(b + 16, e - b - 16);
  };
  std::string timing_rpt = header + "\n" + timing_report_text(pe_t, "== qta_pe alone ==", paths_of(pe_t)) +
                           "\n\n" + timing_report_text(top_t, "== " + design.top + " ==", paths_of(top_t));
  write_text(staged.path() / "timing.rpt", timing_rpt);

  nlohmann::json summary;
  summary["generator"] = "qta synth";
  summary["command"] = opt.command;
  summary["rtl_dir"] = design.dir.string();
  summary["config_hash"] = design.manifest.value("config_hash", std::string());
  if (!design.config.is_null()) summary["config"] = design.config;
  summary["liberty"] = {{"path", liberty_abs}, {"name", lib.name}, {"nand2_cell", req.nand2},
                        {"nand2_area_um2", lib.cell(req.nand2)->area}, {"dff_cell", req.dff}};
  const BlockArea& pe_block = pe_area.blocks.front();
  summary["pe"] = {{"area_um2", pe.top_area_um2 > 0 ? pe.top_area_um2 : pe_block.stat_area_um2},
                   {"yosys_stat_area_um2", pe_block.stat_area_um2},
                   {"nand2_eq", pe_block.total.area_um2 / pe_area.nand2_um2},
                   {"cells", pe_block.total.cells},
                   {"flip_flops", pe_block.total.flip_flops},
                   {"flip_flop_area_share", pe_block.total.ff_area_um2 / pe_block.total.area_um2},
                   {"cells_by_type", pe_block.total.by_type},
                   {"timing", to_json(pe_t)}};
  summary["area"] = to_json(top_area);
  summary["timing"] = to_json(top_t);
  // Energy per MAC (gate-level simulation of the PE netlist) and the optional equivalence.
  std::string cell_verilog = opt.cell_verilog;
  if (cell_verilog.empty() && fs::absolute(opt.liberty) == fs::absolute(kDefaultLiberty)) cell_verilog = kDefaultCellVerilog;
  if (opt.energy) {
    if (cell_verilog.empty()) {
      summary["energy"] = {{"skipped", "a liberty other than the default needs --cell-verilog (the Verilog models of its cells) for the gate-level simulation"}};
      spdlog::warn("synth: energy skipped: {}", summary["energy"]["skipped"].get<std::string>());
    } else {
      std::vector<EnergyResult> runs;
      for (const char* mode : {"ws", "os"}) {
        EnergyOptions eopt;
        eopt.mode = mode;
        eopt.cycles = opt.energy_cycles;
        eopt.seed = opt.seed;
        eopt.period_ns = opt.period_ns;
        spdlog::info("synth: gate-level energy run of qta_pe ({}, {} cycles)", mode, eopt.cycles);
        runs.push_back(run_pe_energy(pe.netlist_v, pe.netlist_json, lib, cell_verilog, work / "energy", eopt));
      }
      write_text(staged.path() / "energy.rpt", header + "\n" + energy_report_text(runs, lib));
      summary["energy"] = {{"pj_per_mac_ws", runs[0].pj_per_mac()}, {"pj_per_mac_os", runs[1].pj_per_mac()},
                           {"input_slew_ns", EnergyOptions{}.input_slew_ns}, {"period_ns", opt.period_ns},
                           {"cell_verilog", cell_verilog}, {"runs", {to_json(runs[0]), to_json(runs[1])}}};
    }
  }
  bool equiv_failed = false;
  if (opt.equiv) {
    if (cell_verilog.empty())
      throw qta::UsageError("--equiv: a liberty other than the default needs --cell-verilog (the Verilog models of its cells)");
    spdlog::info("synth: gate-level equivalence of qta_pe against the RTL ({} cycles)", opt.equiv_cycles);
    EquivResult eq = run_pe_equivalence(design.rtl_files, pe.netlist_v, pe.netlist_json, cell_verilog,
                                        work / "equiv", opt.seed, opt.equiv_cycles);
    write_text(staged.path() / "equiv.rpt", header + "\n" + eq.message + "\n");
    summary["equiv"] = to_json(eq);
    equiv_failed = !eq.pass;
  }
  summary["yosys_check_problems"] = {{"pe", pe.check_problems}, {"top", top.check_problems}};
  summary["times_s"] = {{"yosys_pe", pe.seconds}, {"yosys_top", top.seconds},
                        {"sta_pe", pe_t.seconds}, {"sta_top", top_t.seconds}};
  summary["times_s"]["total"] = seconds_since(t_start);
  write_text(staged.path() / "summary.json", summary.dump(2) + "\n");
  staged.commit();
  if (equiv_failed)
    throw qta::CheckFailed("synth: the PE netlist is not equivalent to the RTL: " + summary["equiv"]["message"].get<std::string>() +
                           " (reports in " + opt.out.string() + ")");
  spdlog::info("synth: PE {:.0f} um^2 ({:.0f} GE), {} {:.0f} um^2, clock {:.1f} MHz; wrote {}",
               pe_block.stat_area_um2, pe_block.total.area_um2 / pe_area.nand2_um2, design.top,
               top_area.top_um2, top_t.achievable_mhz, opt.out.string());
  return summary;
}
}  // namespace

namespace {

// Total area (with submodules) of every instance of one RTL module, e.g. qta_quantizer: its
// qta_requant lanes are inside that total, not added again.
double module_area(const nlohmann::json& area, const std::string& rtl_module) {
  double sum = 0;
  for (const auto& b : area.at("blocks"))
    if (b.at("rtl_module") == rtl_module) sum += b.at("total").at("area_um2").get<double>() * b.at("instances").get<double>();
  return sum;
}

}  // namespace

namespace {
nlohmann::json run_sweep_staged(const std::vector<std::pair<int, int>>& sizes, const SynthOptions& base,
                                GenerateFn generate, qta::AtomicDir& staged);
}  // namespace

nlohmann::json run_sweep(const std::vector<std::pair<int, int>>& sizes, const SynthOptions& base, GenerateFn generate) {
  validate_inputs_without_rtl(base);
  qta::AtomicDir staged = staged_out(base.out);
  try {
    return run_sweep_staged(sizes, base, generate, staged);
  } catch (const qta::CheckFailed& e) {
    fs::path kept = base.out;
    kept += ".failed";
    if (!staged.keep_as(kept)) throw;
    throw qta::CheckFailed(std::string(e.what()) + "\n(the sweep so far, with the failed size's logs, kept in " +
                           kept.string() + ")");
  }
}

namespace {
nlohmann::json run_sweep_staged(const std::vector<std::pair<int, int>>& sizes, const SynthOptions& base,
                                GenerateFn generate, qta::AtomicDir& staged) {
  nlohmann::json rows = nlohmann::json::array();
  std::string table = fmt::format("{:<9} {:>6} {:>12} {:>12} {:>12} {:>14} {:>16} {:>11} {:>9} {:>8}\n", "size",
                                  "PEs", "PE um^2", "array um^2", "quant. um^2", "top um^2 (FF)",
                                  "top um^2 (SRAM)", "top kGE", "clock MHz", "synth s");
  for (const auto& [r, c] : sizes) {
    std::string size = fmt::format("{}x{}", r, c);
    fs::path gen = staged.path() / (size + ".gen");
    generate(r, c, gen, base.command);
    SynthOptions opt = base;
    opt.rtl_dir = gen;
    opt.out = staged.path() / size;
    // The PE does not change with the array size: its energy and equivalence are measured by
    // the single-configuration runs, the sweep reports area and clock.
    opt.energy = false;
    opt.equiv = false;
    spdlog::info("synth sweep: {}", size);
    nlohmann::json sum = run_synth(opt);
    std::error_code ec;
    fs::remove_all(gen, ec);
    const auto& area = sum.at("area");
    nlohmann::json row = {{"size", size},
                          {"rows", r},
                          {"cols", c},
                          {"pes", r * c},
                          {"pe_um2", sum.at("pe").at("area_um2")},
                          {"array_um2", module_area(area, "qta_array")},
                          {"quantizer_um2", module_area(area, "qta_quantizer")},
                          {"top_area_um2", area.at("top_area_um2")},
                          {"top_with_sram_estimate_um2", area.at("top_with_sram_estimate_um2")},
                          {"top_nand2_eq", area.at("top_nand2_eq")},
                          {"achievable_clock_mhz", sum.at("timing").at("achievable_clock_mhz")},
                          {"critical_path_group", sum.at("timing").at("critical_path").at("group")},
                          {"synth_seconds", sum.at("times_s").at("total")}};
    table += fmt::format("{:<9} {:>6} {:>12.0f} {:>12.0f} {:>12.0f} {:>14.0f} {:>16.0f} {:>11.1f} {:>9.1f} {:>8.0f}\n",
                         size, r * c, row["pe_um2"].get<double>(), row["array_um2"].get<double>(),
                         row["quantizer_um2"].get<double>(), row["top_area_um2"].get<double>(),
                         row["top_with_sram_estimate_um2"].get<double>(), row["top_nand2_eq"].get<double>() / 1000,
                         row["achievable_clock_mhz"].get<double>(), row["synth_seconds"].get<double>());
    rows.push_back(row);
  }
  nlohmann::json out = {{"command", base.command}, {"liberty", base.liberty}, {"sizes", rows}};
  std::string rpt = "# qta synth sweep: area and clock against array size\n# command: " + base.command +
                    "\n# top um^2 (FF): buffers synthesized as flip-flops (or macros as the SRAM estimate, see each area.rpt);"
                    "\n# top um^2 (SRAM): every buffer replaced by the per-bit SRAM estimate (docs/synthesis.md)\n\n" + table;
  write_text(staged.path() / "sweep.rpt", rpt);
  write_text(staged.path() / "sweep.json", out.dump(2) + "\n");
  write_text(staged.path() / "area_scaling.svg", area_scaling_svg(rows));
  staged.commit();
  std::printf("%s", table.c_str());
  spdlog::info("synth sweep: wrote {}/sweep.rpt, sweep.json, area_scaling.svg", base.out.string());
  return out;
}
}  // namespace

std::string area_scaling_svg(const nlohmann::json& rows) {
  qta::svg::LineChart c;
  c.title = "qta synth: area against array size";
  c.comment = "Generated by the sweep of qta synth: area against array size (log-log).";
  c.x.label = "array size, rows x cols (log scale of the number of PEs)";
  c.x.log = true;
  c.y.label = "area (mm²)";
  c.y.log = true;
  // A tick per size, sizes of the same PE count (16x16, 8x32) on one tick.
  std::map<double, std::string> ticks;
  for (const auto& r : rows) {
    std::string& t = ticks[r.at("pes").get<double>()];
    t += (t.empty() ? "" : ", ") + r.at("size").get<std::string>();
  }
  c.x.ticks.assign(ticks.begin(), ticks.end());
  for (const auto& [key, name] : {std::pair{"top_with_sram_estimate_um2", "accelerator (SRAM est.)"},
                                  std::pair{"array_um2", "PE array"}}) {
    qta::svg::LineSeries s;
    s.name = name;
    for (const auto& r : rows) {
      const double mm2 = r.at(key).get<double>() / 1e6;
      s.x.push_back(r.at("pes").get<double>());
      s.y.push_back(mm2);
      s.point_titles.push_back(fmt::format("{}: {:.4f} mm^2", r.at("size").get<std::string>(), mm2));
    }
    c.series.push_back(std::move(s));
  }
  return qta::svg::line_chart(c).svg;
}

std::vector<std::pair<int, int>> parse_sweep(const std::string& spec) {
  static const std::regex item_re(R"(^\s*(\d{1,4})\s*[xX]\s*(\d{1,4})\s*$)");
  std::vector<std::pair<int, int>> sizes;
  if (spec.find_first_not_of(" ,") == std::string::npos)
    throw qta::UsageError("--sweep: '" + spec + "' lists no array size (valid: ROWSxCOLS items separated by commas, e.g. 4x4,8x8,16x16)");
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    std::string item = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::smatch m;
    if (!std::regex_match(item, m, item_re))
      throw qta::UsageError("--sweep: '" + item + "' in '" + spec +
                            "' is not an array size (valid: ROWSxCOLS with integers 1..128, items separated by commas, e.g. 4x4,8x8,16x16)");
    int r = std::stoi(m[1]), c = std::stoi(m[2]);
    if (r < 1 || r > 128 || c < 1 || c > 128)
      throw qta::UsageError("--sweep: '" + item + "' has a dimension outside 1..128 (valid: ROWSxCOLS with rows and cols 1..128, the generator's range)");
    sizes.emplace_back(r, c);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return sizes;
}

}  // namespace qta::synth
