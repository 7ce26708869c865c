// The gate-level (and RTL) qta_pe wrapped for Verilator: its ports laid out on flat buses, the
// values of the wrapper templates synth/templates/qta_pe_{equiv,energy}.sv.mustache and
// ports.h.mustache (the test benches read the layout from the rendered header).
#pragma once

#include <filesystem>
#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace qta::synth {

// One port of the wrapped module on its bus: inputs on in_i, outputs on the output bus, each
// at `offset`; clk_i stays a port of its own.
struct BusPort {
  std::string name;
  bool input = false;
  bool clock = false;
  int offset = 0, width = 0;
};

struct BusLayout {
  std::vector<BusPort> ports;  // in the netlist's (alphabetical) order
  bool has_clk = false;
  int in_bits = 0, out_bits = 0;
};

// The ports of `module` in a Yosys JSON netlist.
BusLayout bus_layout(const nlohmann::json& netlist, const std::string& module);

// Bus width for `bits`: at least 96 and a multiple of 32, so that the test bench always sees
// Verilator's VlWide word arrays.
int padded_bus_width(int bits);

// One wrapper: synth/templates/<module>.sv.mustache and its port header.
struct WrapperSpec {
  std::string module;            // qta_pe_equiv, qta_pe_energy
  std::string header;            // the port header's file name (equiv_ports.h)
  std::string ns;                // its namespace (qta_equiv)
  std::string rtl_bus, gate_bus; // the output buses of the RTL and the netlist instance
  bool header_outputs = true;    // the header lists the outputs too
};

// Template values: module, namespace, in_msb, out_msb, ports (name, rtl, gate, last), pad (msb,
// lsb: the unused output bits, absent when there are none), inputs / outputs (name, offset,
// width; inputs holds one entry "none" when there are no inputs), has_outputs, in_bits, out_bits.
kainjow::mustache::data wrapper_data(const BusLayout& layout, const WrapperSpec& spec);

// Renders work_dir/<module>.sv and work_dir/<header>.
void write_wrapper(const BusLayout& layout, const WrapperSpec& spec, const std::filesystem::path& work_dir);

}  // namespace qta::synth
