// Helpers shared by the synth tests: the fixture, a scratch directory, tiny liberty files.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace qta::synth::test {

inline std::filesystem::path fixture_dir() {
  return std::filesystem::path(QTA_SOURCE_DIR) / "synth/tests/fixtures/gen_tiny";
}

// A fresh directory under the build tree, removed by the next run of the same test.
inline std::filesystem::path scratch_dir(const std::string& name) {
  auto d = std::filesystem::path(QTA_BINARY_DIR) / "synth-test-scratch" / name;
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

// A syntactically valid liberty with the named cells (subset of: INV, NAND2, DFF).
inline std::string tiny_liberty(bool nand2, bool dff) {
  std::string s = "library(tiny) {\n  time_unit : \"1ns\";\n  leakage_power_unit : \"1nW\";\n"
                  "  capacitive_load_unit (1,pf);\n  nom_voltage : 1.8;\n"
                  "  cell (INVX1) { area : 16; pin(A) { direction : input; capacitance : 0.01; }\n"
                  "    pin(Y) { direction : output; function : \"(!A)\"; } }\n";
  if (nand2)
    s += "  cell (NAND2X1) { area : 24; pin(A) { direction : input; capacitance : 0.01; }\n"
         "    pin(B) { direction : input; capacitance : 0.01; }\n"
         "    pin(Y) { direction : output; function : \"(!(A B))\"; } }\n";
  if (dff)
    s += "  cell (DFFPOSX1) { area : 96; ff (DS0000,P0002) { next_state : \"D\"; clocked_on : \"CLK\"; }\n"
         "    pin(CLK) { direction : input; capacitance : 0.02; clock : true; }\n"
         "    pin(D) { direction : input; capacitance : 0.01; }\n"
         "    pin(Q) { direction : output; function : \"DS0000\"; } }\n";
  return s + "}\n";
}

}  // namespace qta::synth::test
