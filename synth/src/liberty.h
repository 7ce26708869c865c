// A small reader for Liberty (.lib) files: the parts the synthesis flow and the energy
// model need (units, cell area, leakage, pin capacitance and function, flip-flop and latch
// groups, internal power tables). Not a full Liberty implementation: timing arcs are left
// to OpenSTA.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace qta::synth {

// One Liberty group `name (args) { ... }` with its simple attributes `key : value ;`,
// complex attributes `key (v, ...) ;` and subgroups, in file order.
struct LibGroup {
  std::string name;
  std::vector<std::string> args;
  std::map<std::string, std::string> attrs;
  std::map<std::string, std::vector<std::string>> complex_attrs;
  std::vector<LibGroup> groups;

  const std::string* attr(const std::string& key) const;
  double number(const std::string& key, double fallback) const;
};

// Parses Liberty text; throws std::runtime_error with the line number on a syntax error.
LibGroup parse_liberty_text(const std::string& text);

// A 1-D or 2-D lookup table. `axis1` is the first index (variable_1 of the template).
struct LutTable {
  std::string var1, var2;  // template variable names (e.g. total_output_net_capacitance)
  std::vector<double> axis1, axis2;
  std::vector<double> values;  // row-major, axis1 major
  // Bilinear interpolation, clamped at the table edges. `load` and `slew` are matched to
  // the template variables by name.
  double lookup(double load_pf, double slew_ns) const;
};

struct InternalPower {
  std::string related_pin;  // empty for a passive (input pin) table
  std::optional<LutTable> rise, fall;
};

struct LibPin {
  std::string name;
  std::string direction;  // input, output, inout
  double capacitance = 0;
  std::string function;  // Liberty boolean expression, empty for inputs
  std::string three_state;
  bool clock = false;
  std::vector<InternalPower> power;
};

struct LibSequential {
  std::string kind;  // "ff" or "latch"
  std::string iq, iqn;
  std::string next_state, clocked_on;  // ff
  std::string data_in, enable;         // latch
  std::string clear, preset;
};

struct LibCell {
  std::string name;
  double area = 0;
  double leakage = 0;  // in the library's leakage unit
  std::vector<LibPin> pins;
  std::optional<LibSequential> seq;

  const LibPin* pin(const std::string& name) const;
  bool is_sequential() const { return seq.has_value(); }
};

struct Liberty {
  std::string path, name;
  double nom_voltage = 0;
  std::string time_unit, leakage_power_unit, capacitive_load_unit;
  double leakage_unit_w = 1e-9;  // leakage_power_unit in watts
  std::map<std::string, LibCell> cells;

  const LibCell* cell(const std::string& name) const;
};

// Reads and interprets a Liberty file. Throws qta::UsageError if the file is missing or
// unparsable (bad input to the flow).
Liberty read_liberty(const std::string& path);

// The cells the flow needs: a 2-input NAND named for gate equivalents and a positive-edge
// D flip-flop for dfflibmap. Throws qta::UsageError naming what is missing.
struct RequiredCells {
  std::string nand2;
  std::string dff;
  // Optional: the smallest non-inverting buffer, for `insbuf` (ports assigned to each other
  // become buffers, since OpenSTA's reader rejects `assign {a, b} = ...`). Empty if none.
  std::string buf, buf_in, buf_out;
};
RequiredCells check_required_cells(const Liberty& lib);

}  // namespace qta::synth
