#include "wrapper.h"

#include <fmt/format.h>

#include <algorithm>

#include "flow_util.h"

namespace qta::synth {

using kainjow::mustache::data;

BusLayout bus_layout(const nlohmann::json& netlist, const std::string& module) {
  BusLayout l;
  for (const auto& [name, p] : netlist.at("modules").at(module).at("ports").items()) {
    BusPort b;
    b.name = name;
    b.width = static_cast<int>(p.at("bits").size());
    b.clock = name == "clk_i";
    b.input = p.at("direction").get<std::string>() == "input";
    if (b.clock) {
      l.has_clk = true;
    } else if (b.input) {
      b.offset = l.in_bits;
      l.in_bits += b.width;
    } else {
      b.offset = l.out_bits;
      l.out_bits += b.width;
    }
    l.ports.push_back(b);
  }
  return l;
}

int padded_bus_width(int bits) { return std::max(96, (bits + 31) / 32 * 32); }

data wrapper_data(const BusLayout& l, const WrapperSpec& spec) {
  const int in_w = padded_bus_width(l.in_bits), out_w = padded_bus_width(l.out_bits);
  data d;
  d.set("module", spec.module);
  d.set("namespace", spec.ns);
  d.set("has_outputs", spec.header_outputs);
  d.set("in_msb", std::to_string(in_w - 1));
  d.set("out_msb", std::to_string(out_w - 1));
  d.set("in_bits", std::to_string(l.in_bits));
  d.set("out_bits", std::to_string(l.out_bits));
  data ports{data::type::list}, inputs{data::type::list}, outputs{data::type::list};
  for (size_t i = 0; i < l.ports.size(); ++i) {
    const BusPort& p = l.ports[i];
    const std::string range = fmt::format("[{}:{}]", p.offset + p.width - 1, p.offset);
    data c;
    c.set("name", p.name);
    c.set("rtl", p.clock ? p.name : (p.input ? "in_i" : spec.rtl_bus) + range);
    c.set("gate", p.clock ? p.name : (p.input ? "in_i" : spec.gate_bus) + range);
    c.set("last", i + 1 == l.ports.size());
    ports << c;
    if (p.clock) continue;
    data entry;
    entry.set("name", p.name);
    entry.set("offset", std::to_string(p.offset));
    entry.set("width", std::to_string(p.width));
    (p.input ? inputs : outputs) << entry;
  }
  if (inputs.list_value().empty()) {  // a C++ array needs an element: a named placeholder
    data none;
    none.set("name", "none");
    none.set("offset", "0");
    none.set("width", "0");
    inputs << none;
  }
  d.set("ports", ports);
  d.set("inputs", inputs);
  d.set("outputs", outputs);
  if (l.out_bits < out_w) {
    data pad;
    pad.set("msb", std::to_string(out_w - 1));
    pad.set("lsb", std::to_string(l.out_bits));
    d.set("pad", pad);
  } else {
    d.set("pad", false);
  }
  return d;
}

void write_wrapper(const BusLayout& layout, const WrapperSpec& spec, const std::filesystem::path& work_dir) {
  const data values = wrapper_data(layout, spec);
  write_text(work_dir / (spec.module + ".sv"), render_template(templates_dir() / (spec.module + ".sv.mustache"), values));
  write_text(work_dir / spec.header, render_template(templates_dir() / "ports.h.mustache", values));
}

}  // namespace qta::synth
