// Area per block from a Yosys run: um^2, NAND2 gate equivalents, cell counts by type,
// flip-flop share, buffers separately with an SRAM estimate (docs/synthesis.md "Area").
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "liberty.h"
#include "yosys_flow.h"

namespace qta::synth {

// SRAM per-bit model: area = bits * bitcell_um2 / array_efficiency. Defaults are for a
// 0.18 um 6T cell (published 180 nm 6T cells: 4.4 .. 5.6 um^2) and the array efficiency of a
// small compiled macro (half of it periphery: decoders, sense amplifiers, I/O).
struct SramModel {
  double bitcell_um2 = 5.0;
  double array_efficiency = 0.5;
  double area_um2(long bits) const { return static_cast<double>(bits) * bitcell_um2 / array_efficiency; }
};

struct CellTally {
  std::map<std::string, long> by_type;  // liberty cells only
  long cells = 0, flip_flops = 0;
  double area_um2 = 0, ff_area_um2 = 0;
};

struct BlockArea {
  std::string module;    // Yosys module name
  std::string base;      // RTL module name
  std::string block;     // pe, array, quantizer, scheduler, buffer, top, other
  long instances = 0;    // instances in the design below the top (top: 1)
  double stat_area_um2 = 0;  // own cells, as printed by Yosys `stat -liberty`
  CellTally own, total;      // own cells; including every submodule instance
  long memory_bits = 0;      // storage bits (RTL memory, else its flip-flops): buffers only
  double sram_estimate_um2 = 0;
  bool sram_macro = false;   // not synthesized: a black box whose area is the SRAM estimate
};

struct AreaSummary {
  std::string liberty_name, nand2_cell, dff_cell;
  double nand2_um2 = 0;
  std::string top;
  std::vector<BlockArea> blocks;  // top first, then by decreasing total area
  double top_um2 = 0;             // whole design as synthesized (buffers as flip-flops)
  double buffers_flop_um2 = 0;    // every buffer instance synthesized as flip-flops
  long buffer_macro_bits = 0;     // bits of buffers kept as SRAM macros (not in top_um2)
  long buffer_bits = 0;
  double buffers_sram_um2 = 0;    // the same bits in SRAM (estimate, SramModel)
  double top_with_sram_um2 = 0;   // top_um2 - buffers_flop_um2 + buffers_sram_um2 (all buffers)
  SramModel sram;
};

std::string block_kind(const std::string& base, const std::string& top);

AreaSummary summarize_area(const YosysResult& y, const Liberty& lib, const RequiredCells& req,
                           const SramModel& sram);

nlohmann::json to_json(const AreaSummary& a);
std::string area_report_text(const AreaSummary& a, const std::string& title);

}  // namespace qta::synth
