// `qta synth`: area, timing and energy of a generated configuration (synth/README.md).
#include <CLI/CLI.hpp>

#include <map>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "qta/cli.h"
#include "qta/options.h"
#include "synth_flow.h"

#ifdef QTA_HAVE_GEN
#include "qta/gen/generate.h"
#endif

namespace fs = std::filesystem;

namespace {

struct SynthArgs {
  qta::synth::SynthOptions opt;
  std::string rtl, out, sweep;
  std::string config_file;          // --config: a file or a named configuration
  std::map<std::string, std::string> fields;  // the configuration schema's flags (--rows, --cols, ...)
  bool generate_mode() const {
    return !config_file.empty() || !fields.empty();  // fields holds only the flags given
  }
};

#ifdef QTA_HAVE_GEN
void generate_config(int rows, int cols, const fs::path& dir, const std::string& command) {
  // Default configuration at the requested size (buffer depths derived from it). The
  // configuration's validation names any bad field.
  qta::gen::ConfigFields f;
  f.rows = rows;
  f.cols = cols;
  qta::gen::generate(qta::gen::Config::validate(f), dir, command);
}
qta::gen::Config config_of(const SynthArgs& a) { return qta::gen::config_from_flags(a.config_file, a.fields); }
void add_config_flags(CLI::App& sub, SynthArgs& a) { qta::gen::add_config_flags(sub, a.fields, a.config_file); }
constexpr bool kHaveGen = true;
#else
void generate_config(int, int, const fs::path&, const std::string&) {
  throw qta::UsageError(
      "synth: --rows/--cols/--sweep need the generator, which this build of qta does not include; "
      "generate the configuration with `qta gen` and pass its directory with --rtl DIR");
}
void add_config_flags(CLI::App& sub, SynthArgs& a) {
  sub.add_option("--config", a.config_file, "needs the generator (not in this build)");
  for (const char* f : {"rows", "cols"})
    sub.add_option_function<std::string>(std::string("--") + f, [&a, f](const std::string& v) { a.fields[f] = v; },
                                         "needs the generator (not in this build)");
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
  int modes = (!a.rtl.empty()) + a.generate_mode() + (!a.sweep.empty());
  if (modes != 1)
    throw qta::UsageError(
        "synth: give exactly one of --rtl DIR, a configuration (--config FILE|NAME and/or field flags such as "
        "--rows R --cols C), or --sweep SIZES");
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
  if (!kHaveGen) generate_config(0, 0, {}, {});
#ifdef QTA_HAVE_GEN
  const qta::gen::Config config = config_of(a);  // validated before any tool runs
#endif
  qta::synth::validate_inputs_without_rtl(a.opt);
  fs::path gen_dir = fs::path(a.out).parent_path() / ("." + fs::path(a.out).filename().string() + ".gen");
  std::error_code ec;
  fs::remove_all(gen_dir, ec);
#ifdef QTA_HAVE_GEN
  qta::gen::generate(config, gen_dir, a.opt.command);
#endif
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
  qta::add_text_option(*sub, "--rtl", args->rtl, "a directory written by `qta gen` (manifest.json, rtl/, qta_top.f)", {},
                       "a directory path");
  add_config_flags(*sub, *args);  // generate that configuration first (--config, --rows, --cols, ...)
  qta::add_text_option(*sub, "--sweep", args->sweep, "array sizes, e.g. 4x4,8x8,16x16: area and clock table + SVG plot",
                       {}, "array sizes such as 4x4,8x8");
  qta::add_text_option(*sub, "--out", args->out, "output directory (written atomically)", {}, "a directory path");
  qta::add_text_option(*sub, "--liberty", args->opt.liberty, "Liberty file", {}, "a Liberty file");
  qta::add_text_option(*sub, "--cell-verilog", args->opt.cell_verilog,
                       "Verilog models of the liberty's cells for gate-level simulation (default: OSU's, with the OSU liberty)",
                       {}, "a Verilog file");
  qta::RealRange period{0, qta::synth::kMaxPeriodNs, true};
  qta::add_real_option(*sub, "--period", args->opt.period_ns, period, "clock period constraint in ns (STA, leakage)");
  sub->add_flag("!--no-energy", args->opt.energy, "skip the gate-level energy estimate");
  qta::add_int_option(*sub, "--energy-cycles", args->opt.energy_cycles, qta::synth::kMinEnergyCycles,
                      qta::synth::kMaxEnergyCycles, "cycles of the energy simulation");
  qta::add_seed_option(*sub, "--seed", args->opt.seed, "seed of the random operands (energy, equivalence)");
  sub->add_flag("--equiv", args->opt.equiv, "also check the PE netlist against the RTL with Verilator");
  qta::add_real_option(*sub, "--sram-bit-um2", args->opt.sram.bitcell_um2,
                       qta::RealRange{0, qta::synth::kMaxSramBitUm2, true}, "SRAM estimate: bit-cell area in um^2");
  qta::add_real_option(*sub, "--sram-efficiency", args->opt.sram.array_efficiency, qta::RealRange{0, 1, true},
                       "SRAM estimate: array efficiency");
  sub->callback([args] { run(*args); });
}
