// Gate-level equivalence of the PE: the Yosys-mapped qta_pe netlist with the liberty's cell
// models, simulated by Verilator against the RTL qta_pe on the same random inputs, every
// output compared before and after every clock edge (synth/sim/equiv_tb.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace qta::synth {

struct EquivResult {
  bool pass = false;
  long cycles = 0;
  uint64_t seed = 0;
  std::string message;         // the simulator's verdict line(s)
  double verilate_build_s = 0; // verilator + C++ build
  double run_s = 0;
  std::filesystem::path dir;
};

// Verilator 5.006 cannot read the OSU models' UDP tables (udp_dff, udp_tlat, udp_mux2):
// returns the model text with the tables replaced by behavioural modules of the same ports
// and behaviour, and the UDP instances named. Other cells are kept as written.
std::string verilator_cell_models(const std::string& osu_cell_verilog_text);

// Builds and runs the check in `work_dir`. `rtl_files`: the generated design's sources (qta_pe
// and its helpers); `netlist_v`/`netlist_json`: the PE synthesized alone.
EquivResult run_pe_equivalence(const std::vector<std::filesystem::path>& rtl_files,
                               const std::filesystem::path& netlist_v,
                               const std::filesystem::path& netlist_json,
                               const std::string& cell_verilog, const std::filesystem::path& work_dir,
                               uint64_t seed, long cycles);

nlohmann::json to_json(const EquivResult& e);

}  // namespace qta::synth
