#include "energy.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "equiv.h"
#include "flow_util.h"
#include "qta/cli.h"
#include "wrapper.h"

namespace qta::synth {
namespace fs = std::filesystem;

std::map<std::pair<std::string, int>, Toggles> read_vcd_toggles(const fs::path& vcd, const std::string& scope) {
  std::ifstream in(vcd);
  if (!in) throw qta::CheckFailed("energy: cannot read the VCD " + vcd.string());
  struct Var {
    std::string name;
    int msb = 0, lsb = 0, width = 1;
    std::string value;  // current value, msb first
  };
  std::map<std::string, std::vector<size_t>> by_id;  // VCD id code -> vars in the scope
  std::vector<Var> vars;
  std::vector<std::string> scopes;
  std::map<std::pair<std::string, int>, Toggles> out;
  std::string tok;
  // Header.
  while (in >> tok) {
    if (tok == "$scope") {
      std::string kind, name;
      in >> kind >> name;
      scopes.push_back(name);
    } else if (tok == "$upscope") {
      if (!scopes.empty()) scopes.pop_back();
    } else if (tok == "$var") {
      std::string type, id, ref, range;
      int width = 0;
      in >> type >> width >> id >> ref >> range;
      std::string here;
      for (const auto& s : scopes) here += (here.empty() ? "" : ".") + s;
      int msb = width - 1, lsb = 0;
      if (range != "$end") {
        if (std::sscanf(range.c_str(), "[%d:%d]", &msb, &lsb) == 1) lsb = msb;
        std::string end;
        in >> end;
      }
      if (here == scope) {
        vars.push_back({ref, msb, lsb, width, std::string(static_cast<size_t>(width), 'x')});
        by_id[id].push_back(vars.size() - 1);
      }
    } else if (tok == "$enddefinitions") {
      break;
    }
  }
  auto apply = [&](const std::string& id, std::string value) {
    auto it = by_id.find(id);
    if (it == by_id.end()) return;
    for (size_t vi : it->second) {
      Var& v = vars[vi];
      // VCD drops leading zeros of vectors: left-extend with 0 (or x/z as the VCD rules say).
      if (static_cast<int>(value.size()) < v.width) {
        char pad = value[0] == '1' ? '0' : value[0];
        value = std::string(v.width - value.size(), pad) + value;
      }
      for (int k = 0; k < v.width; ++k) {
        char old_c = v.value[k], new_c = value[k];
        if (old_c == new_c) continue;
        int bit = v.msb >= v.lsb ? v.msb - k : v.msb + k;
        if (old_c == '0' && new_c == '1') ++out[{v.name, bit}].rises;
        else if (old_c == '1' && new_c == '0') ++out[{v.name, bit}].falls;
        v.value[k] = new_c;
      }
    }
  };
  std::string line;
  while (in >> tok) {
    if (tok.empty() || tok[0] == '#' || tok[0] == '$') continue;
    char c = tok[0];
    if (c == 'b' || c == 'B') {
      std::string id;
      in >> id;
      apply(id, tok.substr(1));
    } else if (c == '0' || c == '1' || c == 'x' || c == 'X' || c == 'z' || c == 'Z') {
      apply(tok.substr(1), std::string(1, static_cast<char>(std::tolower(c))));
    }
  }
  // Every traced variable appears in the result, also those that never toggled.
  for (const auto& v : vars)
    for (int k = 0; k < v.width; ++k) {
      int bit = v.msb >= v.lsb ? v.msb - k : v.msb + k;
      out.try_emplace({v.name, bit});
    }
  return out;
}

namespace {

// Average of a pin's internal-power tables for one direction of its own transition.
double table_energy(const std::vector<InternalPower>& power, bool rise, bool passive, double load_pf,
                    double slew_ns) {
  double sum = 0;
  int n = 0;
  for (const auto& ip : power) {
    if (passive != ip.related_pin.empty()) continue;
    const auto& t = rise ? ip.rise : ip.fall;
    if (!t) continue;
    sum += t->lookup(load_pf, slew_ns);
    ++n;
  }
  return n ? sum / n : 0.0;
}

}  // namespace

EnergyResult energy_from_toggles(const nlohmann::json& netlist, const std::string& module, const Liberty& lib,
                                 const std::map<std::pair<std::string, int>, Toggles>& toggles, long cycles,
                                 long macs, const EnergyOptions& opt) {
  const auto& m = netlist.at("modules").at(module);
  EnergyResult r;
  r.mode = opt.mode;
  r.cycles = cycles;
  r.macs = macs;
  r.seed = opt.seed;
  const double v2 = lib.nom_voltage * lib.nom_voltage;  // pF * V^2 = pJ

  // Net bit -> toggles (the first traced name of the bit), and its load capacitance.
  std::map<long, Toggles> bit_toggles;
  std::map<long, std::string> bit_name;
  std::set<long> all_bits;
  for (const auto& [name, net] : m.at("netnames").items()) {
    const auto& bits = net.at("bits");
    for (size_t k = 0; k < bits.size(); ++k) {
      if (!bits[k].is_number()) continue;
      long b = bits[k].get<long>();
      all_bits.insert(b);
      auto it = toggles.find({name, static_cast<int>(k)});
      if (it != toggles.end() && !bit_toggles.count(b)) {
        bit_toggles[b] = it->second;
        bit_name[b] = name;
      }
    }
  }
  std::map<long, double> cap;
  std::set<long> clock_bits;
  for (const auto& [inst, cell] : m.at("cells").items()) {
    const LibCell* lc = lib.cell(cell.at("type").get<std::string>());
    if (!lc) continue;
    for (const auto& [pin, bits] : cell.at("connections").items()) {
      const LibPin* lp = lc->pin(pin);
      if (!lp || lp->direction != "input") continue;
      for (const auto& b : bits)
        if (b.is_number()) {
          cap[b.get<long>()] += lp->capacitance;
          if (lp->clock) clock_bits.insert(b.get<long>());
        }
    }
  }
  // Outputs toward a neighbour PE (x_o -> x_i) also drive the neighbour's input pins.
  const auto& ports = m.at("ports");
  for (const auto& [name, port] : ports.items()) {
    if (port.at("direction") != "output" || name.size() < 3 || name.substr(name.size() - 2) != "_o") continue;
    std::string in_name = name.substr(0, name.size() - 2) + "_i";
    if (!ports.contains(in_name)) continue;
    const auto& ob = port.at("bits");
    const auto& ib = ports.at(in_name).at("bits");
    for (size_t k = 0; k < ob.size() && k < ib.size(); ++k)
      if (ob[k].is_number() && ib[k].is_number()) cap[ob[k].get<long>()] += cap[ib[k].get<long>()];
  }

  r.nets = static_cast<long>(all_bits.size());
  for (long b : all_bits) {
    auto it = bit_toggles.find(b);
    if (it == bit_toggles.end()) {
      ++r.nets_not_traced;
      continue;
    }
    long n = it->second.rises + it->second.falls;
    if (n) ++r.nets_with_activity;
    double e = 0.5 * cap[b] * v2 * static_cast<double>(n);
    r.switching_pj += e;
    if (clock_bits.count(b)) r.clock_pj += e;
  }

  // Internal energy of the cells: output transitions at their load, passive input tables.
  for (const auto& [inst, cell] : m.at("cells").items()) {
    const LibCell* lc = lib.cell(cell.at("type").get<std::string>());
    if (!lc) continue;
    for (const auto& [pin, bits] : cell.at("connections").items()) {
      const LibPin* lp = lc->pin(pin);
      if (!lp || bits.empty() || !bits[0].is_number()) continue;
      long b = bits[0].get<long>();
      auto it = bit_toggles.find(b);
      if (it == bit_toggles.end()) continue;
      bool passive = lp->direction == "input";
      double load = passive ? 0.0 : cap[b];
      double e = static_cast<double>(it->second.rises) * table_energy(lp->power, true, passive, load, opt.input_slew_ns) +
                 static_cast<double>(it->second.falls) * table_energy(lp->power, false, passive, load, opt.input_slew_ns);
      r.internal_pj += e;
      if (passive && lp->clock) r.clock_pj += e;
    }
  }

  // Leakage over the simulated time.
  double leak_w = 0;
  for (const auto& [inst, cell] : m.at("cells").items())
    if (const LibCell* lc = lib.cell(cell.at("type").get<std::string>())) leak_w += lc->leakage * lib.leakage_unit_w;
  r.leakage_pj = leak_w * static_cast<double>(cycles) * opt.period_ns * 1e-9 * 1e12;
  return r;
}

EnergyResult run_pe_energy(const fs::path& netlist_v, const fs::path& netlist_json, const Liberty& lib,
                           const std::string& cell_verilog, const fs::path& work_dir, const EnergyOptions& opt) {
  if (opt.mode != "ws" && opt.mode != "os")
    throw qta::UsageError("energy: mode '" + opt.mode + "' is not a dataflow (valid: ws, os)");
  if (!qta::find_program("verilator")) throw qta::UsageError("energy: verilator is not on PATH (scripts/bootstrap.sh installs it)");
  fs::create_directories(work_dir);
  auto json = nlohmann::json::parse(read_text(netlist_json));
  const std::string module = "qta_pe";
  if (!json.at("modules").contains(module))
    throw qta::CheckFailed("energy: no module qta_pe in " + netlist_json.string());

  // Wrapper: the netlist's ports flattened onto in_i / out_o (outputs kept so that Verilator
  // does not drop the logic that drives them), from synth/templates.
  const BusLayout ports = bus_layout(json, module);
  if (!ports.has_clk) throw qta::CheckFailed("energy: qta_pe has no clk_i port");
  // The test bench drives the inputs and only counts toggles: the header lists no outputs.
  write_wrapper(ports, {"qta_pe_energy", "energy_ports.h", "qta_energy", "out_o", "out_o", false}, work_dir);
  write_text(work_dir / "cells_verilator.v", verilator_cell_models(read_text(cell_verilog)));
  write_text(work_dir / "qta_pe_gate.v", "`timescale 1ns/10ps\n" + read_text(netlist_v));

  EnergyResult r;
  r.dir = work_dir;
  const fs::path sim = work_dir / "bench/build/energy_sim";
  if (!fs::exists(sim)) {  // the model does not depend on the mode: built once per netlist
    BenchSpec bench;
    bench.target = "energy_sim";
    bench.top = "qta_pe_energy";
    bench.verilog = {work_dir / "qta_pe_gate.v", work_dir / "cells_verilator.v", work_dir / "qta_pe_energy.sv"};
    bench.cxx = {fs::path(QTA_SOURCE_DIR) / "synth/sim/energy_tb.cpp"};
    bench.include_dir = work_dir;
    bench.trace_vcd = true;
    bench.verilator_args = {"--trace-underscore", "-Wno-fatal", "-Wno-lint", "-Wno-style", "-Wno-TIMESCALEMOD",
                            "-Wno-MULTITOP"};
    build_bench(bench, work_dir, work_dir / "verilator.log", &r.build_s);
  }
  fs::path vcd = work_dir / ("energy_" + opt.mode + ".vcd");
  ToolRun run = run_tool_checked({sim.string(), std::to_string(opt.seed), std::to_string(opt.cycles), opt.mode,
                                  std::to_string(opt.tile), std::to_string(opt.psum_depth), vcd.string()},
                                 work_dir, work_dir / ("energy_" + opt.mode + ".log"));
  std::string log = read_text(work_dir / ("energy_" + opt.mode + ".log"));
  long cycles = 0, macs = 0;
  auto pos = log.find("ENERGY RUN");
  if (pos == std::string::npos || std::sscanf(log.c_str() + pos, "ENERGY RUN cycles=%ld macs=%ld", &cycles, &macs) != 2)
    throw qta::CheckFailed("energy: the testbench did not report its run (see " + (work_dir / ("energy_" + opt.mode + ".log")).string() + ")");
  auto toggles = read_vcd_toggles(vcd, "TOP.qta_pe_energy.u_gate");
  if (toggles.empty()) throw qta::CheckFailed("energy: no signal of scope TOP.qta_pe_energy.u_gate in " + vcd.string());
  EnergyResult e = energy_from_toggles(json, module, lib, toggles, cycles, macs, opt);
  e.build_s = r.build_s;
  e.run_s = run.seconds;
  e.dir = work_dir;
  std::error_code ec;
  fs::remove(vcd, ec);  // tens of MB; the log and the model stay to rerun it
  return e;
}

nlohmann::json to_json(const EnergyResult& e) {
  return {{"mode", e.mode},
          {"cycles", e.cycles},
          {"macs", e.macs},
          {"seed", e.seed},
          {"pj_per_mac", e.pj_per_mac()},
          {"switching_pj", e.switching_pj},
          {"internal_pj", e.internal_pj},
          {"leakage_pj", e.leakage_pj},
          {"clock_pj", e.clock_pj},
          {"total_pj", e.total_pj()},
          {"nets", e.nets},
          {"nets_with_activity", e.nets_with_activity},
          {"nets_not_traced", e.nets_not_traced},
          {"simulation_s", e.run_s}};
}

std::string energy_report_text(const std::vector<EnergyResult>& runs, const Liberty& lib) {
  std::ostringstream s;
  s << fmt::format("Energy per INT8 MAC of qta_pe (gate-level, {} at {} V), method: docs/synthesis.md\n",
                   lib.name, lib.nom_voltage);
  s << fmt::format("{:<5} {:>8} {:>8} {:>11} {:>13} {:>12} {:>11} {:>10} {:>14}\n", "mode", "cycles", "MACs",
                   "pJ/MAC", "switching pJ", "internal pJ", "leakage pJ", "clock pJ", "nets toggled");
  for (const auto& r : runs)
    s << fmt::format("{:<5} {:>8} {:>8} {:>11.4f} {:>13.2f} {:>12.2f} {:>11.4f} {:>10.2f} {:>8}/{:<5}\n", r.mode,
                     r.cycles, r.macs, r.pj_per_mac(), r.switching_pj, r.internal_pj, r.leakage_pj, r.clock_pj,
                     r.nets_with_activity, r.nets);
  for (const auto& r : runs)
    if (r.nets_not_traced)
      s << fmt::format("note ({}): {} of {} nets had no trace data and count as idle\n", r.mode, r.nets_not_traced,
                       r.nets);
  s << "Not included: glitches (zero-delay simulation), wire capacitance, the quantizer and buffers.\n";
  return s.str();
}

}  // namespace qta::synth
