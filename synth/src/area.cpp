#include "area.h"

#include <algorithm>
#include <functional>
#include <sstream>

#include <fmt/format.h>

namespace qta::synth {

std::string block_kind(const std::string& base, const std::string& top) {
  auto has = [&](const char* s) { return base.find(s) != std::string::npos; };
  if (base == top) return "top";
  if (base == "qta_pe") return "pe";
  if (base == "qta_array") return "array";
  if (has("quant")) return "quantizer";
  if (has("sched")) return "scheduler";
  if (has("buffer") || has("fifo") || has("mem") || has("sram")) return "buffer";
  return "other";
}

namespace {

void add_cells(CellTally& t, const std::string& type, long count, const Liberty& lib) {
  const LibCell* c = lib.cell(type);
  if (!c) return;
  t.by_type[type] += count;
  t.cells += count;
  t.area_um2 += c->area * static_cast<double>(count);
  if (c->is_sequential()) {
    t.flip_flops += count;
    t.ff_area_um2 += c->area * static_cast<double>(count);
  }
}

void add_tally(CellTally& t, const CellTally& sub, long times) {
  for (const auto& [type, n] : sub.by_type) t.by_type[type] += n * times;
  t.cells += sub.cells * times;
  t.flip_flops += sub.flip_flops * times;
  t.area_um2 += sub.area_um2 * static_cast<double>(times);
  t.ff_area_um2 += sub.ff_area_um2 * static_cast<double>(times);
}

}  // namespace

AreaSummary summarize_area(const YosysResult& y, const Liberty& lib, const RequiredCells& req,
                           const SramModel& sram) {
  AreaSummary a;
  a.liberty_name = lib.name;
  a.nand2_cell = req.nand2;
  a.dff_cell = req.dff;
  a.nand2_um2 = lib.cell(req.nand2)->area;
  a.top = y.top;
  a.sram = sram;

  std::map<std::string, BlockArea> blocks;
  std::function<const CellTally&(const std::string&)> total_of = [&](const std::string& name) -> const CellTally& {
    BlockArea& b = blocks[name];
    if (!b.module.empty()) return b.total;
    if (auto macro = y.macros.find(name); macro != y.macros.end()) {
      b.module = name;
      b.base = base_module_name(name);
      b.block = "buffer";
      b.sram_macro = true;
      b.memory_bits = macro->second;
      return b.total;
    }
    const ModuleStat& m = y.modules.at(name);
    b.module = name;
    b.base = m.base;
    b.block = block_kind(m.base, base_module_name(y.top));
    b.stat_area_um2 = m.area_um2;
    for (const auto& [type, n] : m.cells) add_cells(b.own, type, n, lib);
    b.total = b.own;
    for (const auto& [type, n] : m.cells)
      if (y.modules.count(type) || y.macros.count(type)) {
        const CellTally& sub = total_of(type);
        add_tally(blocks[name].total, sub, n);
      }
    return blocks[name].total;
  };
  total_of(y.top);
  // Instances of each module below the top.
  std::function<void(const std::string&, long)> count = [&](const std::string& name, long times) {
    blocks[name].instances += times;
    if (y.macros.count(name)) return;
    for (const auto& [type, n] : y.modules.at(name).cells)
      if (y.modules.count(type) || y.macros.count(type)) count(type, times * n);
  };
  count(y.top, 1);

  for (auto& [name, b] : blocks) {
    if (b.block == "buffer") {
      if (!b.sram_macro) {
        long bits = y.modules.at(name).memory_bits;
        b.memory_bits = bits > 0 ? bits : b.total.flip_flops;
        a.buffers_flop_um2 += b.total.area_um2 * static_cast<double>(b.instances);
      } else {
        a.buffer_macro_bits += b.memory_bits * b.instances;
      }
      b.sram_estimate_um2 = sram.area_um2(b.memory_bits);
      a.buffer_bits += b.memory_bits * b.instances;
      a.buffers_sram_um2 += b.sram_estimate_um2 * static_cast<double>(b.instances);
    }
    a.blocks.push_back(b);
  }
  std::sort(a.blocks.begin(), a.blocks.end(), [&](const BlockArea& x, const BlockArea& z) {
    if ((x.module == y.top) != (z.module == y.top)) return x.module == y.top;
    return x.total.area_um2 > z.total.area_um2;
  });
  a.top_um2 = a.blocks.front().total.area_um2;
  a.top_with_sram_um2 = a.top_um2 - a.buffers_flop_um2 + a.buffers_sram_um2;
  return a;
}

namespace {

nlohmann::json tally_json(const CellTally& t, double nand2) {
  return {{"area_um2", t.area_um2},
          {"nand2_eq", t.area_um2 / nand2},
          {"cells", t.cells},
          {"flip_flops", t.flip_flops},
          {"flip_flop_area_um2", t.ff_area_um2},
          {"flip_flop_area_share", t.area_um2 > 0 ? t.ff_area_um2 / t.area_um2 : 0.0},
          {"cells_by_type", t.by_type}};
}

}  // namespace

nlohmann::json to_json(const AreaSummary& a) {
  nlohmann::json blocks = nlohmann::json::array();
  for (const auto& b : a.blocks) {
    nlohmann::json j = {{"module", b.module},
                        {"rtl_module", b.base},
                        {"block", b.block},
                        {"instances", b.instances},
                        {"yosys_stat_area_um2", b.stat_area_um2},
                        {"own", tally_json(b.own, a.nand2_um2)},
                        {"total", tally_json(b.total, a.nand2_um2)}};
    if (b.block == "buffer") {
      j["implementation"] = b.sram_macro ? "sram_macro_estimate" : "flip_flops";
      j["storage_bits"] = b.memory_bits;
      j["sram_estimate_um2"] = b.sram_estimate_um2;
    }
    blocks.push_back(j);
  }
  return {{"liberty", a.liberty_name},
          {"nand2_cell", a.nand2_cell},
          {"nand2_area_um2", a.nand2_um2},
          {"top", a.top},
          {"top_area_um2", a.top_um2},
          {"top_nand2_eq", a.top_um2 / a.nand2_um2},
          {"buffers_as_flip_flops_um2", a.buffers_flop_um2},
          {"buffer_bits_kept_as_sram_macros", a.buffer_macro_bits},
          {"buffer_bits", a.buffer_bits},
          {"buffers_as_sram_estimate_um2", a.buffers_sram_um2},
          {"top_with_sram_estimate_um2", a.top_with_sram_um2},
          {"sram_model", {{"bitcell_um2", a.sram.bitcell_um2},
                          {"array_efficiency", a.sram.array_efficiency},
                          {"formula", "bits * bitcell_um2 / array_efficiency"}}},
          {"blocks", blocks}};
}

std::string area_report_text(const AreaSummary& a, const std::string& title) {
  std::ostringstream o;
  const double g = a.nand2_um2;
  o << title << "\n";
  o << fmt::format("liberty {}; gate equivalent = {} ({} um^2); flip-flop cell {}\n\n", a.liberty_name,
                   a.nand2_cell, g, a.dff_cell);
  o << fmt::format("{:<12} {:<44} {:>6} {:>12} {:>10} {:>12} {:>10} {:>7} {:>6}\n", "block", "module",
                   "inst", "own um^2", "own GE", "total um^2", "total GE", "cells", "FF%");
  for (const auto& b : a.blocks) {
    std::string mod = b.module.size() > 44 ? b.base + " (" + b.module.substr(0, 20) + "..)" : b.module;
    o << fmt::format("{:<12} {:<44} {:>6} {:>12.1f} {:>10.1f} {:>12.1f} {:>10.1f} {:>7} {:>5.1f}%\n",
                     b.block, mod, b.instances, b.own.area_um2, b.own.area_um2 / g, b.total.area_um2,
                     b.total.area_um2 / g, b.total.cells,
                     b.total.area_um2 > 0 ? 100.0 * b.total.ff_area_um2 / b.total.area_um2 : 0.0);
  }
  o << "\n(own = cells of the module itself; total = with every submodule instance; FF% = flip-flop "
       "share of total area)\n\n";
  o << fmt::format("Whole design ({}), as synthesized:            {:>12.1f} um^2  {:>10.1f} GE\n", a.top,
                   a.top_um2, a.top_um2 / g);
  o << fmt::format("  of which buffers, as flip-flops (synthesized): {:>12.1f} um^2  ({} storage bits)\n",
                   a.buffers_flop_um2, a.buffer_bits - a.buffer_macro_bits);
  if (a.buffer_macro_bits > 0)
    o << fmt::format("  not included: buffers kept as SRAM macros      {:>12} bits (too deep for flip-flops)\n",
                     a.buffer_macro_bits);
  o << fmt::format("All buffers as SRAM (ESTIMATE, {} bits):       {:>12.1f} um^2  ({} um^2/bit / {} efficiency)\n",
                   a.buffer_bits, a.buffers_sram_um2, a.sram.bitcell_um2, a.sram.array_efficiency);
  o << fmt::format("Whole design, logic synthesized + SRAM buffers (ESTIMATE): {:>12.1f} um^2  {:>10.1f} GE\n\n",
                   a.top_with_sram_um2, a.top_with_sram_um2 / g);
  o << "Cells by type (whole design):\n";
  const auto& top = a.blocks.front().total;
  for (const auto& [type, n] : top.by_type) o << fmt::format("  {:<12} {:>8}\n", type, n);
  for (const auto& b : a.blocks) {
    if (b.module == a.top || b.sram_macro) continue;
    o << "\nCells by type, " << b.module << " (own):\n";
    for (const auto& [type, n] : b.own.by_type) o << fmt::format("  {:<12} {:>8}\n", type, n);
  }
  return o.str();
}

}  // namespace qta::synth
