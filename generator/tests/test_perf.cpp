// The cost formula of docs/interfaces.md section 4 and the LoRA step shapes of section 3.
#include <gtest/gtest.h>

#include <stdexcept>

#include "qta/perf/perf.h"

namespace {

using namespace qta::perf;

TEST(Perf, WsAndOsCyclesFollowTheFormulaByHand) {
  const Array a{8, 8};
  // 8x8x8: one WS tile: 8 + 8 + 8 + 8 - 1 = 31; one OS tile: 8 + 8 + 8 - 1 + 8 = 31.
  EXPECT_EQ(ws_cycles({8, 8, 8}, a), 31);
  EXPECT_EQ(os_cycles({8, 8, 8}, a), 31);
  // 13x11x19: WS ceil(19/8)=3 * ceil(11/8)=2 = 6 tiles, pipelined with P = max(13, 8, 2) = 13:
  //           LOAD 8, 5 periods of 13, the last tile's 13 rows, drain 8+8-1: 101 (the wave-1
  //           array: 6 tiles of 8+13+8+8-1 = 36 -> 216); OS 2 * 2 tiles of 19+8+8-1+8 = 42 -> 168.
  EXPECT_EQ(ws_cycles({13, 11, 19}, a), 101);
  EXPECT_EQ(ws_period({13, 11, 19}, a), 13);
  Array wave1 = a;
  wave1.ws_pipelined = false;
  EXPECT_EQ(ws_cycles({13, 11, 19}, wave1), 216);
  EXPECT_EQ(os_cycles({13, 11, 19}, a), 168);
  EXPECT_EQ(os_cycles({13, 11, 19}, wave1), 168) << "OS is the same on both arrays";
  // The period is at least R (the weight load) and 2 (a partial sum's write before its read).
  EXPECT_EQ(ws_cycles({3, 8, 24}, a), 8 + 2 * 8 + 3 + 15);
  const Array one{1, 4};
  EXPECT_EQ(ws_period({1, 4, 5}, one), 2);
  EXPECT_EQ(ws_cycles({1, 4, 5}, one), 1 + 4 * 2 + 1 + 1 + 4 - 1);
  // Non-square 16x4 array, 100x4x3: WS 1*1*(16+100+16+4-1)=135; OS 7*1*(3+16+4-1+16)=266.
  const Array b{16, 4};
  EXPECT_EQ(ws_cycles({100, 4, 3}, b), 135);
  EXPECT_EQ(os_cycles({100, 4, 3}, b), 266);
}

TEST(Perf, AutoPicksTheCheaperAndWsOnTies) {
  const Array a{8, 8};
  EXPECT_EQ(auto_dataflow({8, 8, 8}, a), Dataflow::WS);  // tie
  EXPECT_EQ(auto_dataflow({13, 11, 19}, a), Dataflow::WS);  // 101 < 168
  EXPECT_EQ(auto_dataflow({4096, 4, 320}, a), Dataflow::WS);  // long M, thin N
  // M <= R and K just past a multiple of R: WS pays a nearly empty K tile, OS does not.
  EXPECT_EQ(auto_dataflow({8, 8, 17}, a), Dataflow::OS);  // WS 8+2*8+8+15 = 47, OS 17+23 = 40
  Array wave1 = a;
  wave1.ws_pipelined = false;
  EXPECT_EQ(auto_dataflow({13, 11, 19}, wave1), Dataflow::OS) << "the wave-1 array: 216 > 168";
  EXPECT_EQ(auto_dataflow({320, 4, 4096}, wave1), Dataflow::OS);  // huge K
  for (const Gemm& g : {Gemm{3, 5, 7}, Gemm{64, 64, 64}, Gemm{1, 300, 2}})
    EXPECT_EQ(auto_cycles(g, a), std::min(ws_cycles(g, a), os_cycles(g, a)));
}

TEST(Perf, UtilizationIsMacsOverPeCycles) {
  const Array a{8, 8};
  EXPECT_DOUBLE_EQ(utilization({8, 8, 8}, a, 31), 512.0 / (64.0 * 31));
  EXPECT_EQ(utilization({8, 8, 8}, a, 0), 0.0);
}

TEST(Perf, RtlTotalAddsRequantPassControlAndTheDynamicScale) {
  const Array a{8, 8};
  EXPECT_EQ(rtl_total_cycles({8, 8, 8}, a, Dataflow::WS, ScaleMode::Explicit), 31 + 8 + 5);
  EXPECT_EQ(rtl_total_cycles({13, 11, 19}, a, Dataflow::OS, ScaleMode::Explicit), 168 + 18 + 5);
  EXPECT_EQ(rtl_total_cycles({8, 8, 8}, a, Dataflow::WS, ScaleMode::Dynamic), 31 + 8 + 5 + 34);
  EXPECT_EQ(rtl_total_cycles({13, 11, 19}, a, Dataflow::OS, ScaleMode::Dynamic), 168 + 18 + 5 + 34);
  EXPECT_EQ(kScaleCycles, 34) << "docs/interfaces.md section 4 and docs/rtl.md print this number";
  EXPECT_EQ(rtl_total_cycles({8, 8, 8}, a, Dataflow::WS), rtl_total_cycles({8, 8, 8}, a, Dataflow::WS, ScaleMode::Dynamic))
      << "the default is the training case";
  EXPECT_STREQ(scale_mode_name(ScaleMode::Dynamic), "dynamic");
  EXPECT_STREQ(scale_mode_name(ScaleMode::Explicit), "explicit");
}

TEST(Perf, LoraStepsHaveTheSection3Shapes) {
  const auto steps = lora_steps(4096, 320, 640, 4);
  ASSERT_EQ(steps.size(), 8u);
  auto find = [&](const std::string& n) {
    for (const auto& s : steps)
      if (s.name == n) return s.gemm;
    ADD_FAILURE() << n;
    return Gemm{};
  };
  auto eq = [](Gemm g, int64_t m, int64_t n, int64_t k) { return g.m == m && g.n == n && g.k == k; };
  EXPECT_TRUE(eq(find("fwd_xw"), 4096, 640, 320));
  EXPECT_TRUE(eq(find("fwd_xa"), 4096, 4, 320));
  EXPECT_TRUE(eq(find("fwd_hbt"), 4096, 640, 4));
  EXPECT_TRUE(eq(find("bwd_dyb"), 4096, 4, 640));
  EXPECT_TRUE(eq(find("bwd_dywt"), 4096, 320, 640));
  EXPECT_TRUE(eq(find("bwd_gat"), 4096, 320, 4));
  EXPECT_TRUE(eq(find("bwd_xtg"), 320, 4, 4096));
  EXPECT_TRUE(eq(find("bwd_dytht"), 640, 4, 4096));
}

}  // namespace

TEST(Perf, BreakdownAddsUpToTheRtlTotalForEveryShapeAndDataflow) {
  // The loss breakdown of `qta perf` is a decomposition of rtl_total_cycles, not a second model.
  int checked = 0;
  for (int64_t r : {1, 3, 8, 64})
    for (int64_t c : {1, 5, 8, 64})
      for (int64_t m : {1, 4, 77, 200})
        for (int64_t n : {1, 4, 320})
          for (int64_t k : {1, 7, 1280})
            for (Dataflow d : {Dataflow::WS, Dataflow::OS})
              for (ScaleMode sm : {ScaleMode::Explicit, ScaleMode::Dynamic}) {
                const Gemm g{m, n, k};
                for (bool pipelined : {true, false}) {
                  Array a{r, c};
                  a.ws_pipelined = pipelined;
                  const Breakdown b = breakdown(g, a, d, sm);
                  ASSERT_EQ(b.total(), rtl_total_cycles(g, a, d, sm))
                      << r << "x" << c << " array, " << m << "x" << n << "x" << k << " " << scale_mode_name(sm)
                      << (pipelined ? "" : " wave-1");
                  ASSERT_GE(b.underfill, -1e-9) << "stream cycles never beat the ideal";
                }
                ++checked;
              }
  EXPECT_EQ(checked, 4 * 4 * 4 * 3 * 3 * 2 * 2);
  // By hand: 64x4x1280 on 8x8, WS: ceil(1280/8) * ceil(4/8) = 160 tiles, P = 64 = M: the skew
  // once, the first load, no stall; the wave-1 array: 160 tiles of 8 + 64 + 8 + 8 - 1.
  const Breakdown b = breakdown({64, 4, 1280}, {8, 8}, Dataflow::WS);
  EXPECT_DOUBLE_EQ(b.ideal, 64.0 * 4 * 1280 / 64);
  EXPECT_DOUBLE_EQ(b.underfill, 160.0 * 64 - 5120);
  EXPECT_EQ(b.skew, 15);
  EXPECT_EQ(b.load_shift, 8);
  Array w1{8, 8};
  w1.ws_pipelined = false;
  const Breakdown b1 = breakdown({64, 4, 1280}, w1, Dataflow::WS);
  EXPECT_EQ(b1.skew, 160 * 15);
  EXPECT_EQ(b1.load_shift, 160 * 8);
  // M < R: the weight load sets the period, and the stall counts as load_shift.
  EXPECT_EQ(breakdown({3, 8, 24}, {8, 8}, Dataflow::WS).load_shift, 8 + 2 * (8 - 3));
  EXPECT_EQ(b.requant_control, 32 + 5 + kScaleCycles) << "the dynamic scale's derivation counts as requant_control";
  EXPECT_EQ(breakdown({64, 4, 1280}, {8, 8}, Dataflow::WS, ScaleMode::Explicit).requant_control, 32 + 5);
}

TEST(Perf, PoliciesHonourTheConfiguredDataflows) {
  const Gemm g{4096, 320, 4};  // OS wins on both dataflows
  const Array a{8, 8};
  EXPECT_EQ(policy_dataflow(Policy::AutoWsOs, g, a, true, true), auto_dataflow(g, a));
  EXPECT_EQ(policy_dataflow(Policy::AutoWsOs, g, a, true, false), Dataflow::WS) << "a WS-only build's AUTO is WS";
  EXPECT_EQ(policy_dataflow(Policy::AutoWsOs, g, a, false, true), Dataflow::OS);
  EXPECT_FALSE(policy_supported(Policy::OsOnly, true, false));
  EXPECT_THROW(policy_dataflow(Policy::OsOnly, g, a, true, false), std::invalid_argument);
  EXPECT_STREQ(policy_name(Policy::AutoWsOs), "auto_ws_os");
}

TEST(Perf, QueueTimingOverlapsTheRequantizationWithTheNextCompute) {
  const Array a{8, 8};
  // One descriptor alone is rtl_total_cycles.
  const QueueTiming one = queue_timing({{{13, 11, 19}, Dataflow::WS, ScaleMode::Dynamic, false}}, a);
  ASSERT_EQ(one.cycles.size(), 1u);
  EXPECT_EQ(one.cycles[0], rtl_total_cycles({13, 11, 19}, a, Dataflow::WS));
  EXPECT_EQ(one.total, one.cycles[0]);
  // Two 8x8x8 EXPLICIT, compute 31, requantization 8: CHECK 1, CLEAR 2, hand-over 34, DONE
  // 34 + 8 + 2 = 44; the second is accepted at 35, CHECK 36, CLEAR 37, hand-over 69, DONE 79.
  const QueueTiming two = queue_timing(
      {{{8, 8, 8}, Dataflow::WS, ScaleMode::Explicit, false}, {{8, 8, 8}, Dataflow::WS, ScaleMode::Explicit, false}}, a);
  EXPECT_EQ(two.cycles, (std::vector<int64_t>{44, 44}));
  EXPECT_EQ(two.total, 79);
  EXPECT_EQ(two.added, (std::vector<int64_t>{44, 35}));
  // qta_finish-bound: 64x64x1 DYNAMIC, compute 8 + 7*64 + 64 + 15 = 535, finish 34 + 512 + 2.
  // First: hand-over 538, DONE 1086. Second: CLEAR 541, compute ends 1076, FLUSH waits until
  // qta_finish is idle at 1087, DONE 1087 + 548 = 1635.
  const QueuedGemm big{{64, 64, 1}, Dataflow::WS, ScaleMode::Dynamic, false};
  const QueueTiming b2 = queue_timing({big, big}, a);
  EXPECT_EQ(ws_cycles({64, 64, 1}, a), 535);
  EXPECT_EQ(b2.cycles, (std::vector<int64_t>{1086, 1635 - 540 + 1}));
  EXPECT_EQ(b2.total, 1635);
  // The second overlapping the first's words: held before CLEAR until qta_finish is idle
  // (1087), CLEAR 1088, hand-over 1088 + 536 = 1624, DONE 2172.
  QueuedGemm held = big;
  held.waits = true;
  const QueueTiming h = queue_timing({big, held}, a);
  EXPECT_EQ(h.cycles[1], 2172 - 540 + 1);
  EXPECT_EQ(h.total, 2172);
  // The wave-1 array: one after the other, the next CHECK two cycles after a DONE (IDLE between).
  Array w1 = a;
  w1.two_stage = false;
  EXPECT_EQ(queue_timing({big, big}, w1).total, 2 * 1086 + 1);
}

TEST(Perf, PortBoundIsTheLargestOfComputeAndOperandTraffic) {
  const Array a{64, 64};
  EXPECT_DOUBLE_EQ(port_bound_cycles({4096, 4, 320}, a), 4096.0 * 320 / 64) << "thin N: bound by op(A)'s traffic";
  EXPECT_DOUBLE_EQ(port_bound_cycles({4096, 320, 4}, a), 4096.0 * 320 / 64) << "thin K: bound by the results";
  EXPECT_DOUBLE_EQ(port_bound_cycles({4096, 320, 320}, a), 4096.0 * 320 * 320 / 4096) << "square: the PEs";
  // Wider ports divide the traffic terms, never the PEs' term.
  EXPECT_DOUBLE_EQ(port_bound_cycles({4096, 4, 320}, a, 4), 4096.0 * 320 / (4 * 64)) << "thin N, 4x the lanes";
  EXPECT_DOUBLE_EQ(port_bound_cycles({4096, 320, 4}, a, 2), 4096.0 * 320 / (2 * 64)) << "thin K, 2x the lanes";
  EXPECT_DOUBLE_EQ(port_bound_cycles({4096, 320, 320}, a, 4), 4096.0 * 320 * 320 / 4096) << "square: still the PEs";
  EXPECT_DOUBLE_EQ(port_bound_cycles({4096, 4, 320}, a, 64), 4096.0 * 4 * 320 / 4096) << "wide enough: the PEs";
  EXPECT_THROW(port_bound_cycles({4, 4, 4}, a, 0), std::invalid_argument);
  // Neither dataflow of the generated array beats it, on any shape or array.
  for (int64_t r : {1, 8, 64})
    for (int64_t c : {1, 8, 64})
      for (int64_t m : {1, 4, 77, 4096})
        for (int64_t n : {1, 4, 320})
          for (int64_t k : {1, 4, 1280}) {
            const Array b{r, c};
            const double bound = port_bound_cycles({m, n, k}, b);
            EXPECT_LE(bound, double(ws_cycles({m, n, k}, b))) << r << "x" << c << " " << m << "x" << n << "x" << k;
            EXPECT_LE(bound, double(os_cycles({m, n, k}, b))) << r << "x" << c << " " << m << "x" << n << "x" << k;
          }
}
