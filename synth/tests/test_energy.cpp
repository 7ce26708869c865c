// Energy model: VCD toggle counting (scope, vectors, aliases, x values) and the energy
// arithmetic of switching, internal and leakage energy, on hand-made inputs with hand-worked
// expected values.
#include <gtest/gtest.h>

#include "energy.h"
#include "flow_util.h"
#include "liberty.h"
#include "test_util.h"

namespace qta::synth {
namespace {

constexpr const char* kVcd = R"($timescale 1ps $end
$scope module TOP $end
 $scope module dut $end
  $var wire 1 ! clk $end
  $var wire 2 " d [1:0] $end
  $var wire 2 " d_alias [1:0] $end
  $scope module sub $end
   $var wire 1 # clk $end
  $upscope $end
 $upscope $end
$upscope $end
$enddefinitions $end
#0
0!
bx "
0#
#1
1!
b0 "
1#
#2
0!
b1 "
#3
1!
b10 "
)";

TEST(EnergyVcd, CountsRisesAndFallsPerBitInTheScopeOnly) {
  auto dir = test::scratch_dir("energy_vcd");
  write_text(dir / "t.vcd", kVcd);
  auto t = read_vcd_toggles(dir / "t.vcd", "TOP.dut");
  // clk: 0 -> 1 -> 0 -> 1.
  EXPECT_EQ(t.at({"clk", 0}).rises, 2);
  EXPECT_EQ(t.at({"clk", 0}).falls, 1);
  // d: xx -> 00 (not a transition) -> 01 (bit 0 rises; "b1" is left-extended with 0) -> 10.
  EXPECT_EQ(t.at({"d", 0}).rises, 1);
  EXPECT_EQ(t.at({"d", 0}).falls, 1);
  EXPECT_EQ(t.at({"d", 1}).rises, 1);
  EXPECT_EQ(t.at({"d", 1}).falls, 0);
  EXPECT_EQ(t.at({"d_alias", 1}).rises, 1) << "a second variable with the same id code";
  EXPECT_EQ(t.size(), 5u) << "TOP.dut.sub.clk is outside the scope";
}

TEST(EnergyArithmetic, SwitchingInternalAndLeakageByHand) {
  auto dir = test::scratch_dir("energy_arith");
  // INVX1: A cap 0.01 pF, area 16, leakage 2 nW, output rise 0.05 pJ / fall 0.03 pJ (scalar).
  test::write_file(dir / "t.lib",
                   "library(t) {\n  leakage_power_unit : \"1nW\";\n  capacitive_load_unit (1,pf);\n"
                   "  nom_voltage : 2.0;\n"
                   "  cell (INVX1) { area : 16; cell_leakage_power : 2;\n"
                   "    pin(A) { direction : input; capacitance : 0.01; }\n"
                   "    pin(Y) { direction : output; function : \"(!A)\";\n"
                   "      internal_power() { related_pin : \"A\"; rise_power(scalar) { values(\"0.05\"); }\n"
                   "                         fall_power(scalar) { values(\"0.03\"); } } } }\n}\n");
  Liberty lib = read_liberty((dir / "t.lib").string());
  // Net d drives two inverters (load 0.02 pF); their outputs y0, y1 are untraced.
  nlohmann::json net = nlohmann::json::parse(R"({"modules": {"m": {
    "ports": {"d_i": {"direction": "input", "bits": [2]}},
    "netnames": {"d_i": {"bits": [2]}, "y0": {"bits": [3]}, "y1": {"bits": [4]}},
    "cells": {"u0": {"type": "INVX1", "connections": {"A": [2], "Y": [3]}},
              "u1": {"type": "INVX1", "connections": {"A": [2], "Y": [4]}}}}}})");
  std::map<std::pair<std::string, int>, Toggles> t;
  t[{"d_i", 0}] = {3, 2};
  t[{"y0", 0}] = {2, 3};
  EnergyOptions opt;
  opt.period_ns = 10;
  EnergyResult r = energy_from_toggles(net, "m", lib, t, /*cycles=*/100, /*macs=*/50, opt);
  // Switching: d_i 5 toggles * 1/2 * 0.02 pF * 4 V^2 = 0.2 pJ; y0 has no load.
  EXPECT_NEAR(r.switching_pj, 0.2, 1e-12);
  // Internal: y0 rises twice (0.05) and falls 3 times (0.03); y1 is untraced.
  EXPECT_NEAR(r.internal_pj, 2 * 0.05 + 3 * 0.03, 1e-12);
  // Leakage: 2 cells * 2 nW * 100 cycles * 10 ns = 4e-15 J = 0.004 pJ.
  EXPECT_NEAR(r.leakage_pj, 0.004, 1e-12);
  EXPECT_EQ(r.nets, 3);
  EXPECT_EQ(r.nets_not_traced, 1);
  EXPECT_EQ(r.nets_with_activity, 2);
  EXPECT_NEAR(r.pj_per_mac(), (0.2 + 0.19 + 0.004) / 50, 1e-12);
}

}  // namespace
}  // namespace qta::synth
