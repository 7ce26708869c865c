// `qta synth`: area, timing and energy of a generated configuration (synth/README.md).
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "qta/cli.h"
#include "synth_flow.h"

#ifdef QTA_HAVE_GEN
#include "qta/gen/generate.h"
#endif

namespace fs = std::filesystem;

namespace {

struct SynthArgs {
  qta::synth::SynthOptions opt;
  std::string rtl, out, sweep;
  int rows = 0, cols = 0;
};

#ifdef QTA_HAVE_GEN
void generate_config(int rows, int cols, const fs::path& dir, const std::string& command) {
  // Default configuration at the requested size; buffers grown to one tile if the default
  // depth is too small for it. The generator validates and names any bad field.
  qta::gen::Config cfg;
  cfg.rows = rows;
  cfg.cols = cols;
  cfg.input_depth = std::max(cfg.input_depth, qta::gen::min_input_depth(rows, cols));
  cfg.weight_depth = std::max(cfg.weight_depth, qta::gen::min_weight_depth(rows, cols));
  cfg.output_depth = std::max(cfg.output_depth, qta::gen::min_output_depth(rows, cols));
  qta::gen::validate(cfg);
  qta::gen::generate(cfg, dir, command);
}
constexpr bool kHaveGen = true;
#else
void generate_config(int, int, const fs::path&, const std::string&) {
  throw qta::UsageError(
      "synth: --rows/--cols/--sweep need the generator, which this build of qta does not include; "
      "generate the configuration with `qta gen` and pass its directory with --rtl DIR");
}
constexpr bool kHaveGen = false;
#endif

// Yosys and OpenSTA run inside the work directory, so every path handed to them is made absolute
// (a relative --out, --rtl or --liberty would otherwise resolve against the wrong directory).
std::string absolute_path(const std::string& p) {
  if (p.empty()) return p;
  fs::path a = fs::absolute(fs::path(p)).lexically_normal();
  if (!a.has_filename() && a.has_parent_path()) a = a.parent_path();  // "out/dir/" -> "out/dir"
  return a.string();
}

void run(SynthArgs& a) {
  a.opt.command = qta::invocation();
  if (a.out.empty()) throw qta::UsageError("synth: --out DIR is required");
  a.out = absolute_path(a.out);
  a.rtl = absolute_path(a.rtl);
  a.opt.liberty = absolute_path(a.opt.liberty);
  a.opt.cell_verilog = absolute_path(a.opt.cell_verilog);
  a.opt.out = a.out;
  int modes = (!a.rtl.empty()) + (a.rows || a.cols) + (!a.sweep.empty());
  if (modes != 1)
    throw qta::UsageError("synth: give exactly one of --rtl DIR, --rows R --cols C, or --sweep SIZES");
  if (!a.sweep.empty()) {
    auto sizes = qta::synth::parse_sweep(a.sweep);
    if (!kHaveGen) generate_config(0, 0, {}, {});
    qta::synth::run_sweep(sizes, a.opt, &generate_config);
    return;
  }
  if (!a.rtl.empty()) {
    a.opt.rtl_dir = a.rtl;
    qta::synth::run_synth(a.opt);
    return;
  }
  if (a.rows < 1 || a.cols < 1)
    throw qta::UsageError("synth: --rows and --cols must both be given, positive (got --rows " +
                          std::to_string(a.rows) + " --cols " + std::to_string(a.cols) + ")");
  qta::synth::validate_inputs_without_rtl(a.opt);
  fs::path gen_dir = fs::path(a.out).parent_path() / ("." + fs::path(a.out).filename().string() + ".gen");
  std::error_code ec;
  fs::remove_all(gen_dir, ec);
  generate_config(a.rows, a.cols, gen_dir, a.opt.command);
  a.opt.rtl_dir = gen_dir;
  try {
    qta::synth::run_synth(a.opt);
  } catch (...) {
    fs::remove_all(gen_dir, ec);
    throw;
  }
  fs::remove_all(gen_dir, ec);
}

}  // namespace

void qta::register_synth_cli(CLI::App& app, int& /*exit_code*/) {
  auto args = std::make_shared<SynthArgs>();
  CLI::App* sub = app.add_subcommand(
      "synth", "Synthesize a generated configuration (Yosys + OpenSTA): area, timing, energy per MAC");
  sub->add_option("--rtl", args->rtl, "a directory written by `qta gen` (manifest.json, rtl/, qta_top.f)");
  sub->add_option("--rows", args->rows, "generate an R x C configuration first (needs the generator)");
  sub->add_option("--cols", args->cols, "columns of the generated configuration");
  sub->add_option("--sweep", args->sweep, "array sizes, e.g. 4x4,8x8,16x16: area and clock table + SVG plot");
  sub->add_option("--out", args->out, "output directory (written atomically)");
  sub->add_option("--liberty", args->opt.liberty, "Liberty file")->capture_default_str();
  sub->add_option("--cell-verilog", args->opt.cell_verilog,
                  "Verilog models of the liberty's cells for gate-level simulation (default: OSU's, with the OSU liberty)");
  sub->add_option("--period", args->opt.period_ns, "clock period constraint in ns (STA, leakage)")->capture_default_str();
  sub->add_flag("!--no-energy", args->opt.energy, "skip the gate-level energy estimate");
  sub->add_option("--energy-cycles", args->opt.energy_cycles, "cycles of the energy simulation")->capture_default_str();
  sub->add_option("--seed", args->opt.seed, "seed of the random operands (energy, equivalence)")->capture_default_str();
  sub->add_flag("--equiv", args->opt.equiv, "also check the PE netlist against the RTL with Verilator");
  sub->add_option("--sram-bit-um2", args->opt.sram.bitcell_um2, "SRAM estimate: bit-cell area in um^2")->capture_default_str();
  sub->add_option("--sram-efficiency", args->opt.sram.array_efficiency, "SRAM estimate: array efficiency (0..1]")->capture_default_str();
  sub->callback([args] { run(*args); });
}
