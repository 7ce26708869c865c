// Gate-level equivalence of the PE: the Yosys/OSU netlist of qta_pe simulated by Verilator
// against the RTL qta_pe on the same random inputs (fixture PE; the generated 4x4 PE when
// QTA_EQUIV_GEN_DIR names a generated directory). A netlist with one gate swapped must fail.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

#include "equiv.h"
#include "flow_util.h"
#include "gen_dir.h"
#include "liberty.h"
#include "synth_flow.h"
#include "test_util.h"
#include "yosys_flow.h"

namespace qta::synth {
namespace {
namespace fs = std::filesystem;

constexpr uint64_t kSeed = 20251125;
constexpr long kCycles = 3000;

EquivResult check_dir(const fs::path& gen, const std::string& name, bool mutate) {
  auto work = test::scratch_dir(name);
  GeneratedDesign d = read_generated_dir(gen);
  // The options `qta synth` uses (buffering and sizing for a 10 ns clock, insbuf).
  Liberty lib = read_liberty(kDefaultLiberty);
  YosysOptions yopt = flow_yosys_options(kDefaultLiberty, check_required_cells(lib), 10.0, work);
  YosysResult y = run_yosys(d.rtl_files, "qta_pe", yopt, work, "pe");
  fs::path netlist = y.netlist_v;
  if (mutate) {  // one NAND2 becomes a NOR2: a real gate-level bug the check must see
    std::string text = read_text(netlist);
    auto pos = text.find("NAND2X1 ");
    EXPECT_NE(pos, std::string::npos);
    text.replace(pos, 8, "NOR2X1  ");
    netlist = work / "pe.mutated.v";
    write_text(netlist, text);
  }
  EquivResult r = run_pe_equivalence(d.rtl_files, netlist, y.netlist_json, kDefaultCellVerilog,
                                     work / "equiv", kSeed, kCycles);
  std::printf("[equiv %s] %s\n  verilator+build %.1f s, simulation of %ld cycles %.2f s (dir %s)\n",
              name.c_str(), r.message.c_str(), r.verilate_build_s, kCycles, r.run_s, r.dir.c_str());
  return r;
}

TEST(PeEquivalence, CellModelsPatchedForVerilator) {
  std::string text = verilator_cell_models(read_text(kDefaultCellVerilog));
  EXPECT_EQ(text.find("primitive udp_dff"), std::string::npos);
  EXPECT_NE(text.find("module udp_dff"), std::string::npos);
  EXPECT_NE(text.find("udp_dff i_udp"), std::string::npos);
  EXPECT_NE(text.find("module DFFPOSX1"), std::string::npos);
}

TEST(PeEquivalence, FixtureNetlistMatchesRtlCycleByCycle) {
  EquivResult r = check_dir(test::fixture_dir(), "equiv_fixture", false);
  EXPECT_TRUE(r.pass) << r.message << "\nreproduce: " << (r.dir / "bench/build/equiv_sim").string() << " " << kSeed << " " << kCycles;
}

TEST(PeEquivalence, SwappedGateIsDetected) {
  EquivResult r = check_dir(test::fixture_dir(), "equiv_mutated", true);
  EXPECT_FALSE(r.pass) << "a NAND2 -> NOR2 swap in the PE netlist was not detected: " << r.message;
  EXPECT_NE(r.message.find("EQUIV FAIL"), std::string::npos) << r.message;
}

TEST(PeEquivalence, GeneratedPeMatchesRtl) {
  const char* dir = std::getenv("QTA_EQUIV_GEN_DIR");
  if (!dir || !*dir) GTEST_SKIP() << "QTA_EQUIV_GEN_DIR not set (CTest sets it when qta_gen exists)";
  EquivResult r = check_dir(dir, "equiv_generated", false);
  EXPECT_TRUE(r.pass) << r.message;
}

}  // namespace
}  // namespace qta::synth
