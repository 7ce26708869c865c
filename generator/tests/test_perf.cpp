// The cost formula of docs/interfaces.md section 4 and the LoRA step shapes of section 3.
#include <gtest/gtest.h>

#include "qta/perf/perf.h"

namespace {

using namespace qta::perf;

TEST(Perf, WsAndOsCyclesFollowTheFormulaByHand) {
  const Array a{8, 8};
  // 8x8x8: one WS tile: 8 + 8 + 8 + 8 - 1 = 31; one OS tile: 8 + 8 + 8 - 1 + 8 = 31.
  EXPECT_EQ(ws_cycles({8, 8, 8}, a), 31);
  EXPECT_EQ(os_cycles({8, 8, 8}, a), 31);
  // 13x11x19: WS ceil(19/8)=3 * ceil(11/8)=2 tiles of 8+13+8+8-1 = 36 -> 216;
  //           OS ceil(13/8)=2 * 2 tiles of 19+8+8-1+8 = 42 -> 168.
  EXPECT_EQ(ws_cycles({13, 11, 19}, a), 216);
  EXPECT_EQ(os_cycles({13, 11, 19}, a), 168);
  // Non-square 16x4 array, 100x4x3: WS 1*1*(16+100+16+4-1)=135; OS 7*1*(3+16+4-1+16)=266.
  const Array b{16, 4};
  EXPECT_EQ(ws_cycles({100, 4, 3}, b), 135);
  EXPECT_EQ(os_cycles({100, 4, 3}, b), 266);
}

TEST(Perf, AutoPicksTheCheaperAndWsOnTies) {
  const Array a{8, 8};
  EXPECT_EQ(auto_dataflow({8, 8, 8}, a), Dataflow::WS);  // tie
  EXPECT_EQ(auto_dataflow({13, 11, 19}, a), Dataflow::OS);
  EXPECT_EQ(auto_dataflow({4096, 4, 320}, a), Dataflow::WS);  // long M, thin N
  EXPECT_EQ(auto_dataflow({320, 4, 4096}, a), Dataflow::OS);  // huge K
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
                const Array a{r, c};
                const Breakdown b = breakdown(g, a, d, sm);
                ASSERT_EQ(b.total(), rtl_total_cycles(g, a, d, sm))
                    << r << "x" << c << " array, " << m << "x" << n << "x" << k << " " << scale_mode_name(sm);
                ASSERT_GE(b.underfill, -1e-9) << "stream cycles never beat the ideal";
                ++checked;
              }
  EXPECT_EQ(checked, 4 * 4 * 4 * 3 * 3 * 2 * 2);
  // By hand: 64x4x1280 on 8x8, WS: ceil(1280/8) * ceil(4/8) = 160 tiles of 8 + 64 + 8 + 8 - 1.
  const Breakdown b = breakdown({64, 4, 1280}, {8, 8}, Dataflow::WS);
  EXPECT_DOUBLE_EQ(b.ideal, 64.0 * 4 * 1280 / 64);
  EXPECT_DOUBLE_EQ(b.underfill, 160.0 * 64 - 5120);
  EXPECT_EQ(b.skew, 160 * 15);
  EXPECT_EQ(b.load_shift, 160 * 8);
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
