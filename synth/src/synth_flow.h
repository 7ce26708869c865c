// `qta synth`: the whole flow on one generated configuration (area, timing, energy, optional
// gate-level equivalence of the PE) and the sweep over array sizes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "area.h"
#include "liberty.h"
#include "yosys_flow.h"

namespace qta::synth {

inline constexpr const char* kDefaultLiberty = "/usr/share/qflow/tech/osu018/osu018_stdcells.lib";
inline constexpr const char* kDefaultCellVerilog = "/usr/share/qflow/tech/osu018/osu018_stdcells.v";

// Valid ranges of the numeric options (checked by the CLI's number parser and again by
// validate_inputs_without_rtl): period (0, 1e6] ns, SRAM bit cell (0, 1000] um^2 (a 6T cell is
// 0.02..5 um^2 from 5 nm to 180 nm), array efficiency (0, 1], energy cycles 100..10^7.
inline constexpr double kMaxPeriodNs = 1e6;
inline constexpr double kMaxSramBitUm2 = 1000;
inline constexpr int kMinEnergyCycles = 100, kMaxEnergyCycles = 10000000;

struct SynthOptions {
  std::filesystem::path rtl_dir;  // a generated configuration (manifest.json, rtl/, qta_top.f)
  std::filesystem::path out;
  std::string liberty = kDefaultLiberty;
  std::string cell_verilog;       // cell models for gate-level simulation; "" = OSU's with OSU lib
  double period_ns = 10.0;        // constrained clock for STA and leakage energy
  bool energy = true;
  int energy_cycles = 4000;
  uint64_t seed = 1;
  bool equiv = false;             // also run the Verilator equivalence check of the PE
  int equiv_cycles = 2000;
  SramModel sram;
  std::string command;            // the command line, recorded in summary.json
};

// Runs the flow on opt.rtl_dir and writes area.rpt, timing.rpt, summary.json (and energy.rpt,
// equiv.rpt, work/ with scripts, logs and netlists) into opt.out, atomically. Returns the
// summary it wrote.
nlohmann::json run_synth(const SynthOptions& opt);

// The Yosys options of the flow: ABC mapped for the period with buffering (abc -D -constr,
// constraint file written into `work`), `insbuf` with the liberty's buffer.
YosysOptions flow_yosys_options(const std::string& liberty, const RequiredCells& req, double period_ns,
                                const std::filesystem::path& work);

// Checks the inputs that do not need the tools (liberty readable and complete, directory
// generated); throws qta::UsageError naming the bad value.
void validate_inputs(const SynthOptions& opt);
// The same without the directory (used before generating one).
void validate_inputs_without_rtl(const SynthOptions& opt);

// "4x4,8x8,16x16" -> {{4,4},{8,8},{16,16}}. Throws qta::UsageError naming the bad item.
std::vector<std::pair<int, int>> parse_sweep(const std::string& spec);

// Writes sweep.rpt, sweep.json, area_scaling.svg and one subdirectory per size into `out`.
// `generate` writes a configuration of R x C into the directory it is given.
using GenerateFn = void (*)(int rows, int cols, const std::filesystem::path& dir, const std::string& command);
nlohmann::json run_sweep(const std::vector<std::pair<int, int>>& sizes, const SynthOptions& base,
                         GenerateFn generate);

// area_scaling.svg of a sweep: area against the number of PEs, log-log, the whole accelerator
// (buffers as the SRAM estimate) and the PE array alone. `rows`: sweep.json's "sizes" (fields
// size, pes, top_with_sram_estimate_um2, array_um2).
std::string area_scaling_svg(const nlohmann::json& rows);

}  // namespace qta::synth
