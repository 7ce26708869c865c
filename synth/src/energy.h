// Energy per operation of the PE from a gate-level simulation of its synthesized netlist.
//
// Method (docs/synthesis.md, "Energy"): the Yosys-mapped qta_pe netlist, with the liberty's
// cell models, is compiled by Verilator with tracing and driven by synth/sim/energy_tb.cpp
// with a realistic operand stream (int8 values of quantized Gaussian tensors, the control
// pattern of a WS or an OS tile). The VCD it writes gives every net's rising and falling
// transitions. Energy over the run is
//   switching  sum over nets  (rises + falls) * 1/2 * C_net * V^2,
//              C_net = input-pin capacitances of the cells it drives (+ the neighbour PE's
//              input pin for a_o/b_o/psum_o), no wire capacitance;
//   internal   sum over cell outputs of the liberty's rise_power/fall_power (averaged over the
//              related pins) at the output's load and a nominal input transition, plus the
//              passive tables of input pins (clock pins of the flip-flops);
//   leakage    sum of cell_leakage_power * simulated time at the constrained clock period.
// Zero-delay simulation: glitches are not seen, so the estimate is a lower bound on dynamic
// energy (see the documentation for the known errors).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "liberty.h"

namespace qta::synth {

struct EnergyOptions {
  std::string mode = "ws";      // "ws" or "os": which tile pattern the testbench drives
  long cycles = 4000;           // simulated cycles after reset
  uint64_t seed = 1;
  double period_ns = 10.0;      // for leakage
  double input_slew_ns = 0.1;   // nominal input transition for the internal-power tables
  int tile = 16;                // WS: cycles per weight; OS: K of one output tile
  int psum_depth = 4;           // WS: products summed above this PE (its row in the column)
};

struct EnergyResult {
  std::string mode;
  long cycles = 0, macs = 0;
  uint64_t seed = 0;
  double switching_pj = 0, internal_pj = 0, leakage_pj = 0;
  double clock_pj = 0;          // part of switching + internal spent on the clock net and pins
  long nets = 0, nets_with_activity = 0, nets_not_traced = 0;
  double total_pj() const { return switching_pj + internal_pj + leakage_pj; }
  double pj_per_mac() const { return macs ? total_pj() / static_cast<double>(macs) : 0; }
  double build_s = 0, run_s = 0;
  std::filesystem::path dir;
};

// Toggle counts of one VCD: (signal name, bit index) -> rises/falls, for the variables
// declared directly in `scope` (dot-separated, e.g. "TOP.qta_pe_energy.u_gate").
struct Toggles {
  long rises = 0, falls = 0;
};
std::map<std::pair<std::string, int>, Toggles> read_vcd_toggles(const std::filesystem::path& vcd,
                                                                 const std::string& scope);

// Builds the gate-level model of `module` (qta_pe) from its netlist in `work_dir`, runs the
// testbench, and computes the energy. Throws qta::CheckFailed on a tool failure.
EnergyResult run_pe_energy(const std::filesystem::path& netlist_v, const std::filesystem::path& netlist_json,
                           const Liberty& lib, const std::string& cell_verilog,
                           const std::filesystem::path& work_dir, const EnergyOptions& opt);

// Energy of already counted toggles (the part that needs no simulator; unit-tested).
EnergyResult energy_from_toggles(const nlohmann::json& netlist_json, const std::string& module,
                                 const Liberty& lib,
                                 const std::map<std::pair<std::string, int>, Toggles>& toggles,
                                 long cycles, long macs, const EnergyOptions& opt);

nlohmann::json to_json(const EnergyResult& e);
std::string energy_report_text(const std::vector<EnergyResult>& runs, const Liberty& lib);

}  // namespace qta::synth
