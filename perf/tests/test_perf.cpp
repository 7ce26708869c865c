// The cost formula of docs/interfaces.md section 4 and the LoRA step shapes of section 3.
#include <gtest/gtest.h>

#include <stdexcept>

#include "qta/gen/config.h"
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

Array grouped(int64_t rows, int64_t cols, int64_t col_groups) {
  Array a{rows, cols};
  a.col_groups = col_groups;
  return a;
}

TEST(Perf, WscCyclesFollowTheFormulaByHand) {
  // R + (ceil(K/R) - 1) * P + Mg + R + Cg - 1, Mg = ceil(M/G), Cg = C/G, P = max(Mg, R, 2).
  // 64x64, 4 groups of 16 columns, 4096x4x320 (fwd_xa at rank 4): Mg = 1024, 5 K tiles, P = 1024:
  // 64 + 4 * 1024 + 1024 + 64 + 16 - 1 = 5263 (WS: 64 + 4 * 4096 + 4096 + 64 + 63 = 20671).
  const Array p64 = grouped(64, 64, 4);
  EXPECT_EQ(wsc_period({4096, 4, 320}, p64), 1024);
  EXPECT_EQ(wsc_cycles({4096, 4, 320}, p64), 5263);
  EXPECT_EQ(ws_cycles({4096, 4, 320}, p64), 20671);
  // 8x8, 4 groups of 2 columns, 13x2x19: Mg = 4, 3 K tiles, P = max(4, 8, 2) = 8 (the weight load):
  // 8 + 2 * 8 + 4 + 8 + 2 - 1 = 37.
  const Array a = grouped(8, 8, 4);
  EXPECT_EQ(wsc_period({13, 2, 19}, a), 8);
  EXPECT_EQ(wsc_cycles({13, 2, 19}, a), 37);
  // 1x4, 4 groups of one column, 5x1x3: Mg = 2, 3 K tiles, P = max(2, 1, 2) = 2: 1 + 2 * 2 + 2 + 1 + 1 - 1 = 8.
  EXPECT_EQ(wsc_period({5, 1, 3}, grouped(1, 4, 4)), 2);
  EXPECT_EQ(wsc_cycles({5, 1, 3}, grouped(1, 4, 4)), 8);
  // 16x8, 2 groups of 4 columns, 100x4x3: Mg = 50, one K tile: 16 + 50 + 16 + 4 - 1 = 85 (WS 139).
  EXPECT_EQ(wsc_cycles({100, 4, 3}, grouped(16, 8, 2)), 85);
  EXPECT_EQ(ws_cycles({100, 4, 3}, grouped(16, 8, 2)), 16 + 100 + 16 + 8 - 1);
  // compute_cycles dispatches; the RTL total adds the requantization pass ceil(M*N/C), 5 and SCALE.
  EXPECT_EQ(compute_cycles({13, 2, 19}, a, Dataflow::WSC), 37);
  EXPECT_EQ(compute_cycles({13, 2, 19}, a, Dataflow::WS), ws_cycles({13, 2, 19}, a));
  EXPECT_EQ(compute_cycles({13, 2, 19}, a, Dataflow::OS), os_cycles({13, 2, 19}, a));
  EXPECT_THROW(compute_cycles({13, 2, 19}, a, Dataflow::AUTO), std::invalid_argument);
  EXPECT_EQ(rtl_total_cycles({13, 2, 19}, a, Dataflow::WSC, ScaleMode::Explicit), 37 + 4 + 5);
  EXPECT_EQ(rtl_total_cycles({13, 2, 19}, a, Dataflow::WSC), 37 + 4 + 5 + kScaleCycles);
  // Where it does not fit, it has no cycle count.
  EXPECT_THROW(wsc_cycles({13, 3, 19}, a), std::invalid_argument);
  EXPECT_THROW(wsc_cycles({13, 1, 19}, Array{8, 8}), std::invalid_argument);
  EXPECT_THROW(breakdown({13, 3, 19}, a, Dataflow::WSC), std::invalid_argument);
  // Column groups leave WS and OS alone.
  for (const Gemm& g : {Gemm{13, 11, 19}, Gemm{4096, 4, 320}, Gemm{1, 1, 1}}) {
    EXPECT_EQ(ws_cycles(g, p64), ws_cycles(g, Array{64, 64}));
    EXPECT_EQ(os_cycles(g, p64), os_cycles(g, Array{64, 64}));
  }
}

TEST(Perf, WscFitsUpToOneColumnGroup) {
  for (int64_t c : {4, 8, 16, 64, 128})
    for (int64_t groups : {2, 4, 8, 16}) {
      if (c % groups != 0) continue;
      const Array a = grouped(8, c, groups);
      const int64_t cg = c / groups;
      EXPECT_TRUE(wsc_fits({100, cg, 50}, a)) << c << " / " << groups;
      EXPECT_TRUE(wsc_fits({1, 1, 1}, a)) << c << " / " << groups;
      EXPECT_FALSE(wsc_fits({100, cg + 1, 50}, a)) << c << " / " << groups;
      Array wave1 = a;
      wave1.ws_pipelined = false;
      EXPECT_FALSE(wsc_fits({1, 1, 1}, wave1)) << "the wave-1 array has no column groups";
    }
  for (int64_t c : {1, 8, 64}) EXPECT_FALSE(wsc_fits({1, 1, 1}, Array{8, c})) << "col_groups 1: never";
}

TEST(Perf, AutoPicksAmongWsWscAndOsWithTiesToWsThenWscThenOs) {
  const Array p64 = grouped(64, 64, 4);
  EXPECT_EQ(auto_dataflow({4096, 4, 320}, p64), Dataflow::WSC);  // 5263 < WS 20671 < OS 32704
  EXPECT_EQ(auto_dataflow({4096, 4, 320}, Array{64, 64}), Dataflow::WS) << "no column groups";
  EXPECT_EQ(auto_dataflow({4096, 320, 4}, p64), Dataflow::WS) << "N = 320 does not fit a group";
  EXPECT_EQ(auto_cycles({4096, 4, 320}, p64), 5263);
  // WS and OS tie where WSC does not fit (N = 8 > 2): WS, as without groups.
  EXPECT_EQ(auto_dataflow({8, 8, 8}, grouped(8, 8, 4)), Dataflow::WS);
  // 16x8, 2 groups of 4. 9x1x1: WS 16 + 9 + 16 + 7 = 48, WSC (Mg 5) 16 + 5 + 16 + 3 = 40, OS 1 + 16 +
  // 7 + 16 = 40: the tie goes to WSC. 11x1x1: WSC (Mg 6) 41, OS 40: OS.
  const Array b = grouped(16, 8, 2);
  ASSERT_EQ(wsc_cycles({9, 1, 1}, b), 40);
  ASSERT_EQ(os_cycles({9, 1, 1}, b), 40);
  EXPECT_EQ(auto_dataflow({9, 1, 1}, b), Dataflow::WSC);
  ASSERT_EQ(wsc_cycles({11, 1, 1}, b), 41);
  EXPECT_EQ(auto_dataflow({11, 1, 1}, b), Dataflow::OS);
  // Without OS: WS against WSC only; without WS: OS (WSC needs WS).
  EXPECT_EQ(auto_dataflow({11, 1, 1}, b, true, false), Dataflow::WSC);
  EXPECT_EQ(auto_dataflow({8, 8, 17}, grouped(8, 8, 4), true, false), Dataflow::WS) << "OS would win (40 < 47)";
  EXPECT_EQ(auto_dataflow({8, 8, 17}, grouped(8, 8, 4)), Dataflow::OS);
  EXPECT_EQ(auto_dataflow({4096, 4, 320}, p64, false, true), Dataflow::OS);
  EXPECT_THROW(auto_dataflow({1, 1, 1}, p64, false, false), std::invalid_argument);
  // WSC never loses to WS where it fits (Mg <= M, Cg < C), and AUTO is the minimum, ties in the order
  // WS, WSC, OS, on every shape and both dataflow sets.
  for (const Array& arr : {grouped(8, 8, 4), grouped(16, 8, 2), grouped(4, 16, 4), grouped(64, 64, 4)})
    for (int64_t m : {1, 3, 9, 11, 77, 320})
      for (int64_t n : {1, 2, 4, 5, 16, 17})
        for (int64_t k : {1, 7, 17, 64, 320})
          for (bool has_os : {true, false}) {
            const Gemm g{m, n, k};
            const int64_t ws = ws_cycles(g, arr), os = os_cycles(g, arr);
            const bool fits = wsc_fits(g, arr);
            if (fits) {
              EXPECT_LT(wsc_cycles(g, arr), ws);
            }
            int64_t best = ws;
            Dataflow want = Dataflow::WS;
            if (fits && wsc_cycles(g, arr) < best) best = wsc_cycles(g, arr), want = Dataflow::WSC;
            if (has_os && os < best) want = Dataflow::OS;
            EXPECT_EQ(auto_dataflow(g, arr, true, has_os), want)
                << arr.rows << "x" << arr.cols << "/" << arr.col_groups << " " << m << "x" << n << "x" << k;
          }
}

// An array with col_groups column groups (WSC) and row_groups row groups (WSR).
Array grouped(int64_t rows, int64_t cols, int64_t col_groups, int64_t row_groups) {
  Array a = grouped(rows, cols, col_groups);
  a.row_groups = row_groups;
  return a;
}

TEST(Perf, WsrCyclesFollowTheFormulaByHand) {
  // R + (ceil(N/C) - 1) * P + Mg + R + C - 1, Mg = ceil(M/GR), P = max(Mg, R, 2).
  // 64x64, 4 row groups of 16 rows, 4096x320x4 (fwd_hbt at rank 4): Mg = 1024, 5 N tiles, P = 1024:
  // 64 + 4 * 1024 + 1024 + 64 + 63 = 5311 (WS: 5 tiles of P = 4096: 64 + 4 * 4096 + 4096 + 64 + 63 = 20671).
  const Array p64 = grouped(64, 64, 1, 4);
  EXPECT_EQ(wsr_period({4096, 320, 4}, p64), 1024);
  EXPECT_EQ(wsr_cycles({4096, 320, 4}, p64), 5311);
  EXPECT_EQ(ws_cycles({4096, 320, 4}, p64), 20671);
  // 8x8, 2 row groups of 4 rows, 13x11x3: Mg = 7, 2 N tiles, P = max(7, 8, 2) = 8 (the weight load):
  // 8 + 1 * 8 + 7 + 8 + 8 - 1 = 38 (WS: 2 tiles of P = 13: 8 + 13 + 13 + 15 = 49).
  const Array a = grouped(8, 8, 1, 2);
  EXPECT_EQ(wsr_period({13, 11, 3}, a), 8);
  EXPECT_EQ(wsr_cycles({13, 11, 3}, a), 38);
  EXPECT_EQ(ws_cycles({13, 11, 3}, a), 49);
  // 2x4, 2 row groups of one row, 3x9x1: Mg = 2, 3 N tiles, P = max(2, 2, 2) = 2: 2 + 2 * 2 + 2 + 2 + 3 = 13.
  EXPECT_EQ(wsr_period({3, 9, 1}, grouped(2, 4, 1, 2)), 2);
  EXPECT_EQ(wsr_cycles({3, 9, 1}, grouped(2, 4, 1, 2)), 13);
  // 16x8, 4 row groups of 4 rows, 100x4x3: Mg = 25, one N tile: 16 + 25 + 16 + 8 - 1 = 64 (WS 139).
  EXPECT_EQ(wsr_cycles({100, 4, 3}, grouped(16, 8, 1, 4)), 64);
  EXPECT_EQ(ws_cycles({100, 4, 3}, grouped(16, 8, 1, 4)), 139);
  // M rows not a multiple of GR: 101 rows in 4 groups, Mg = 26.
  EXPECT_EQ(wsr_cycles({101, 4, 3}, grouped(16, 8, 1, 4)), 65);
  // compute_cycles dispatches; the RTL total adds the requantization pass ceil(M*N/C), 5 and SCALE.
  EXPECT_EQ(compute_cycles({13, 11, 3}, a, Dataflow::WSR), 38);
  EXPECT_EQ(rtl_total_cycles({13, 11, 3}, a, Dataflow::WSR, ScaleMode::Explicit), 38 + 18 + 5);
  EXPECT_EQ(rtl_total_cycles({13, 11, 3}, a, Dataflow::WSR), 38 + 18 + 5 + kScaleCycles);
  // Where it does not fit, it has no cycle count: K > R / GR, no row groups, the wave-1 array.
  EXPECT_THROW(wsr_cycles({13, 11, 5}, a), std::invalid_argument);
  EXPECT_THROW(compute_cycles({13, 11, 5}, a, Dataflow::WSR), std::invalid_argument);
  EXPECT_THROW(wsr_cycles({13, 11, 1}, Array{8, 8}), std::invalid_argument);
  Array wave1 = a;
  wave1.ws_pipelined = false;
  EXPECT_THROW(wsr_cycles({13, 11, 1}, wave1), std::invalid_argument);
  EXPECT_THROW(breakdown({13, 11, 5}, a, Dataflow::WSR), std::invalid_argument);
  // Row groups leave WS, OS and WSC alone.
  for (const Gemm& g : {Gemm{13, 11, 19}, Gemm{4096, 4, 320}, Gemm{4096, 320, 4}, Gemm{1, 1, 1}}) {
    EXPECT_EQ(ws_cycles(g, grouped(64, 64, 4, 4)), ws_cycles(g, Array{64, 64}));
    EXPECT_EQ(os_cycles(g, grouped(64, 64, 4, 4)), os_cycles(g, Array{64, 64}));
    if (wsc_fits(g, grouped(64, 64, 4))) {
      EXPECT_EQ(wsc_cycles(g, grouped(64, 64, 4, 4)), wsc_cycles(g, grouped(64, 64, 4)));
    }
  }
}

TEST(Perf, WsrFitsUpToOneRowGroup) {
  for (int64_t r : {2, 4, 8, 16, 64, 128})
    for (int64_t groups : {2, 4, 8, 16}) {
      if (r % groups != 0) continue;
      const Array a = grouped(r, 8, 1, groups);
      const int64_t rg = r / groups;
      EXPECT_TRUE(wsr_fits({100, 50, rg}, a)) << r << " / " << groups;
      EXPECT_TRUE(wsr_fits({1, 1, 1}, a)) << r << " / " << groups;
      EXPECT_TRUE(wsr_fits({4096, 1280, rg}, a)) << "N and M do not matter";
      EXPECT_FALSE(wsr_fits({100, 50, rg + 1}, a)) << r << " / " << groups;
      Array wave1 = a;
      wave1.ws_pipelined = false;
      EXPECT_FALSE(wsr_fits({1, 1, 1}, wave1)) << "the wave-1 array has no row groups";
    }
  for (int64_t r : {1, 8, 64}) EXPECT_FALSE(wsr_fits({1, 1, 1}, Array{r, 8})) << "row_groups 1: never";
  EXPECT_FALSE(wsr_fits({1, 1, 1}, grouped(8, 8, 4))) << "column groups are not row groups";
}

TEST(Perf, AutoPicksWsrForThinKWithTiesToWsThenWscThenWsrThenOs) {
  const Array p64 = grouped(64, 64, 4, 4);
  // The thin-K LoRA GEMMs (fwd_hbt, bwd_gat at rank 4) run on the row groups, the thin-N ones on
  // the column groups.
  EXPECT_EQ(auto_dataflow({4096, 320, 4}, p64), Dataflow::WSR);  // 5311 < WS 20671 < OS 62400
  EXPECT_EQ(auto_cycles({4096, 320, 4}, p64), 5311);
  EXPECT_EQ(auto_dataflow({4096, 320, 16}, p64), Dataflow::WSR) << "K = R / GR still fits";
  EXPECT_EQ(auto_dataflow({4096, 320, 17}, p64), Dataflow::WS) << "K = 17 > 16 does not fit a row group";
  EXPECT_EQ(auto_dataflow({4096, 4, 320}, p64), Dataflow::WSC);
  EXPECT_EQ(auto_dataflow({4096, 320, 4}, grouped(64, 64, 4)), Dataflow::WS) << "no row groups";
  EXPECT_EQ(auto_dataflow({4096, 320, 4}, p64, false, true), Dataflow::OS) << "WSR needs WS";
  EXPECT_EQ(auto_dataflow({4096, 320, 4}, p64, true, false), Dataflow::WSR);
  // Ties. 8x8 in 2 row groups, 1x8x1: WS 8 + 1 + 8 + 7 = 24, WSR (Mg 1) 24, OS 1 + 8 + 7 + 8 = 24: WS.
  ASSERT_EQ(wsr_cycles({1, 8, 1}, grouped(8, 8, 1, 2)), 24);
  ASSERT_EQ(ws_cycles({1, 8, 1}, grouped(8, 8, 1, 2)), 24);
  ASSERT_EQ(os_cycles({1, 8, 1}, grouped(8, 8, 1, 2)), 24);
  EXPECT_EQ(auto_dataflow({1, 8, 1}, grouped(8, 8, 1, 2)), Dataflow::WS);
  // 16x8, 2 column groups of 4, 4 row groups of 4. 17x1x1: WS 16 + 17 + 16 + 7 = 56, WSC (Mg 9)
  // 16 + 9 + 16 + 3 = 44, WSR (Mg 5) 16 + 5 + 16 + 7 = 44, OS 2 * 40 = 80: the tie goes to WSC.
  // 19x1x1: WSC (Mg 10) 45, WSR (Mg 5) 44: WSR.
  const Array b = grouped(16, 8, 2, 4);
  ASSERT_EQ(wsc_cycles({17, 1, 1}, b), 44);
  ASSERT_EQ(wsr_cycles({17, 1, 1}, b), 44);
  EXPECT_EQ(auto_dataflow({17, 1, 1}, b), Dataflow::WSC);
  ASSERT_EQ(wsc_cycles({19, 1, 1}, b), 45);
  ASSERT_EQ(wsr_cycles({19, 1, 1}, b), 44);
  EXPECT_EQ(auto_dataflow({19, 1, 1}, b), Dataflow::WSR);
  // 16x8, 4 row groups, no column groups. 4x1x1: WSR (Mg 1) 16 + 1 + 16 + 7 = 40, OS 1 + 16 + 7 +
  // 16 = 40: the tie goes to WSR. 5x1x1: WSR (Mg 2) 41, OS 40: OS.
  const Array c = grouped(16, 8, 1, 4);
  ASSERT_EQ(wsr_cycles({4, 1, 1}, c), 40);
  ASSERT_EQ(os_cycles({4, 1, 1}, c), 40);
  EXPECT_EQ(auto_dataflow({4, 1, 1}, c), Dataflow::WSR);
  ASSERT_EQ(wsr_cycles({5, 1, 1}, c), 41);
  EXPECT_EQ(auto_dataflow({5, 1, 1}, c), Dataflow::OS);
  EXPECT_EQ(auto_dataflow({5, 1, 1}, c, true, false), Dataflow::WSR);
  // WSR never costs more than WS where it fits (Mg <= M, one K tile either way), and AUTO is the
  // minimum, ties in the order WS, WSC, WSR, OS, on every shape, grouping and both dataflow sets.
  int wsr_picked = 0;
  for (const Array& arr : {grouped(8, 8, 4, 2), grouped(16, 8, 2, 4), grouped(4, 16, 4, 2), grouped(16, 16, 1, 4),
                           grouped(64, 64, 4, 4), grouped(64, 64, 1, 8)})
    for (int64_t m : {1, 3, 4, 5, 9, 11, 17, 19, 77, 320})
      for (int64_t n : {1, 2, 4, 5, 16, 17, 320})
        for (int64_t k : {1, 2, 3, 4, 5, 8, 16, 17, 320})
          for (bool has_os : {true, false}) {
            const Gemm g{m, n, k};
            const int64_t ws = ws_cycles(g, arr), os = os_cycles(g, arr);
            const bool fits_c = wsc_fits(g, arr), fits_r = wsr_fits(g, arr);
            if (fits_r) {
              EXPECT_LE(wsr_cycles(g, arr), ws) << m << "x" << n << "x" << k;
            }
            int64_t best = ws;
            Dataflow want = Dataflow::WS;
            if (fits_c && wsc_cycles(g, arr) < best) best = wsc_cycles(g, arr), want = Dataflow::WSC;
            if (fits_r && wsr_cycles(g, arr) < best) best = wsr_cycles(g, arr), want = Dataflow::WSR;
            if (has_os && os < best) want = Dataflow::OS;
            const Dataflow got = auto_dataflow(g, arr, true, has_os);
            EXPECT_EQ(got, want) << arr.rows << "x" << arr.cols << "/" << arr.col_groups << "/" << arr.row_groups << " "
                                 << m << "x" << n << "x" << k;
            wsr_picked += got == Dataflow::WSR;
          }
  EXPECT_GT(wsr_picked, 100);
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

// requant_lanes: the requantization pass takes ceil(M*N / requant_lanes) cycles (0: cols), in
// one descriptor's total and in the queue, where a wider pass hides behind the next compute.
TEST(Perf, RequantLanesShortenTheRequantizationPass) {
  Array a{8, 8};
  EXPECT_EQ(a.finish_lanes(), 8);
  a.requant_lanes = 32;
  EXPECT_EQ(a.finish_lanes(), 32);
  // 13x11x19 OS: 168 compute, ceil(143 / 32) = 5 (8 lanes: 18), 5 control, 34 scale.
  EXPECT_EQ(rtl_total_cycles({13, 11, 19}, a, Dataflow::OS, ScaleMode::Explicit), 168 + 5 + 5);
  EXPECT_EQ(rtl_total_cycles({13, 11, 19}, a, Dataflow::OS), 168 + 5 + 5 + 34);
  EXPECT_EQ(breakdown({13, 11, 19}, a, Dataflow::OS, ScaleMode::Explicit).requant_control, 5 + 5);
  // The finish-bound pair of the queue test below (64x64x1 DYNAMIC, compute 535): with 32 lanes
  // the pass is 128 cycles, so the second descriptor no longer waits: hand-over 538, DONE
  // 538 + 34 + 128 + 2 = 702; the second CLEAR 541, hand-over 1077, DONE 1241.
  const QueuedGemm big{{64, 64, 1}, Dataflow::WS, ScaleMode::Dynamic, false};
  const QueueTiming t = queue_timing({big, big}, a);
  EXPECT_EQ(t.cycles[0], 702);
  EXPECT_EQ(t.total, 1241);
  const Array eight{8, 8};
  EXPECT_LT(t.total, queue_timing({big, big}, eight).total);
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
  // WSC, on every column grouping of the arrays above and every shape whose N fits a group.
  int wsc_checked = 0;
  for (int64_t r : {1, 3, 8, 64})
    for (int64_t c : {4, 8, 64})
      for (int64_t groups : {2, 4, 8, 16})
        for (int64_t m : {1, 4, 77, 200, 4096})
          for (int64_t n : {1, 2, 4, 16})
            for (int64_t k : {1, 7, 64, 1280})
              for (ScaleMode sm : {ScaleMode::Explicit, ScaleMode::Dynamic}) {
                const Array a = grouped(r, c, groups);
                const Gemm g{m, n, k};
                if (c % groups != 0 || !wsc_fits(g, a)) continue;
                const Breakdown b = breakdown(g, a, Dataflow::WSC, sm);
                ASSERT_EQ(b.total(), rtl_total_cycles(g, a, Dataflow::WSC, sm))
                    << r << "x" << c << "/" << groups << " array, " << m << "x" << n << "x" << k;
                ASSERT_GE(b.underfill, -1e-9) << "stream cycles never beat the ideal";
                ++wsc_checked;
              }
  EXPECT_GT(wsc_checked, 500);
  // WSR, on every row grouping of these arrays (with and without column groups) and every shape
  // whose K fits a group.
  int wsr_checked = 0;
  for (int64_t r : {2, 8, 16, 64})
    for (int64_t c : {1, 5, 8, 64})
      for (int64_t groups : {2, 4, 8, 16})
        for (int64_t col_groups : {1, 4})
          for (int64_t m : {1, 4, 77, 200, 4096})
            for (int64_t n : {1, 4, 64, 320})
              for (int64_t k : {1, 2, 4, 16})
                for (ScaleMode sm : {ScaleMode::Explicit, ScaleMode::Dynamic}) {
                  if (r % groups != 0 || c % col_groups != 0) continue;
                  const Array a = grouped(r, c, col_groups, groups);
                  const Gemm g{m, n, k};
                  if (!wsr_fits(g, a)) continue;
                  const Breakdown b = breakdown(g, a, Dataflow::WSR, sm);
                  ASSERT_EQ(b.total(), rtl_total_cycles(g, a, Dataflow::WSR, sm))
                      << r << "x" << c << "/" << col_groups << "/" << groups << " array, " << m << "x" << n << "x" << k;
                  ASSERT_GE(b.underfill, -1e-9) << "stream cycles never beat the ideal";
                  ++wsr_checked;
                }
  EXPECT_GT(wsr_checked, 500);
  EXPECT_THROW(breakdown({8, 8, 8}, Array{8, 8}, Dataflow::AUTO), std::invalid_argument) << "resolve AUTO first";
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
  // WSC by hand. 4096x4x320 on 64x64 in 4 groups: ideal 4096 * 4 * 320 / 4096 = 1280; stream 5 K
  // tiles of Mg = 1024 rows = 5120, so underfill 3840; skew R + Cg - 1 = 79 once; load_shift: the
  // first load, 64, and no stall (P = Mg): 5120 + 79 + 64 = 5263 = wsc_cycles.
  const Breakdown w = breakdown({4096, 4, 320}, grouped(64, 64, 4), Dataflow::WSC, ScaleMode::Explicit);
  EXPECT_DOUBLE_EQ(w.ideal, 1280.0);
  EXPECT_DOUBLE_EQ(w.underfill, 5120.0 - 1280);
  EXPECT_EQ(w.skew, 79);
  EXPECT_EQ(w.load_shift, 64);
  EXPECT_EQ(w.requant_control, 256 + 5);
  // 13x2x19 on 8x8 in 4 groups: 3 K tiles of Mg = 4 rows, P = R = 8: underfill 12 - 13*2*19/64,
  // skew 8 + 2 - 1 = 9, load_shift 8 + 2 * (8 - 4) = 16 (the weight load stretches each period).
  const Breakdown w2 = breakdown({13, 2, 19}, grouped(8, 8, 4), Dataflow::WSC);
  EXPECT_DOUBLE_EQ(w2.underfill, 12.0 - 13.0 * 2 * 19 / 64);
  EXPECT_EQ(w2.skew, 9);
  EXPECT_EQ(w2.load_shift, 16);
  // WSR by hand. 4096x320x4 on 64x64 in 4 row groups: ideal 4096 * 320 * 4 / 4096 = 1280; stream
  // 5 N tiles of Mg = 1024 rows = 5120, so underfill 3840; skew R + C - 1 = 127 once; load_shift:
  // the first load, 64, and no stall (P = Mg): 5120 + 127 + 64 = 5311 = wsr_cycles.
  const Breakdown r = breakdown({4096, 320, 4}, grouped(64, 64, 4, 4), Dataflow::WSR, ScaleMode::Explicit);
  EXPECT_DOUBLE_EQ(r.ideal, 1280.0);
  EXPECT_DOUBLE_EQ(r.underfill, 5120.0 - 1280);
  EXPECT_EQ(r.skew, 127);
  EXPECT_EQ(r.load_shift, 64);
  EXPECT_EQ(r.requant_control, 4096 * 320 / 64 + 5);
  // 13x11x3 on 8x8 in 2 row groups: 2 N tiles of Mg = 7 rows, P = R = 8: underfill 14 - 13*11*3/64,
  // skew 8 + 8 - 1 = 15, load_shift 8 + 1 * (8 - 7) = 9 (the weight load stretches the period).
  const Breakdown r2 = breakdown({13, 11, 3}, grouped(8, 8, 1, 2), Dataflow::WSR);
  EXPECT_DOUBLE_EQ(r2.underfill, 14.0 - 13.0 * 11 * 3 / 64);
  EXPECT_EQ(r2.skew, 15);
  EXPECT_EQ(r2.load_shift, 9);
  EXPECT_EQ(r2.requant_control, 18 + 5 + kScaleCycles);
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

TEST(Perf, AutoWsOsWscRunsWscAndAutoWsOsDoesNot) {
  const Array a = grouped(64, 64, 4);
  EXPECT_STREQ(policy_name(Policy::AutoWsOsWsc), "auto_ws_os_wsc");
  EXPECT_TRUE(policy_supported(Policy::AutoWsOsWsc, true, false));
  EXPECT_TRUE(policy_supported(Policy::AutoWsOsWsc, false, true));
  // The RTL's AUTO and AutoWsOsWsc keep the column groups; every other policy runs the array
  // without them.
  EXPECT_EQ(policy_array(Policy::Auto, a).col_groups, 4);
  EXPECT_EQ(policy_array(Policy::AutoWsOsWsc, a).col_groups, 4);
  for (Policy p : {Policy::WsOnly, Policy::OsOnly, Policy::AutoWsOs, Policy::Wave1WsOnly, Policy::Wave1AutoWsOs})
    EXPECT_EQ(policy_array(p, a).col_groups, 1) << policy_name(p);
  const Gemm thin{4096, 4, 320};
  for (Policy p : {Policy::Auto, Policy::AutoWsOsWsc}) {
    EXPECT_EQ(policy_dataflow(p, thin, a, true, true), Dataflow::WSC) << policy_name(p);
    EXPECT_EQ(policy_dataflow(p, thin, a, true, false), Dataflow::WSC) << "WS with column groups";
    EXPECT_EQ(policy_dataflow(p, thin, a, false, true), Dataflow::OS) << policy_name(p);
  }
  EXPECT_EQ(policy_dataflow(Policy::AutoWsOs, thin, a, true, true), Dataflow::WS);
  EXPECT_EQ(policy_dataflow(Policy::WsOnly, thin, a, true, true), Dataflow::WS);
  // Column groups never cost cycles, alone or queued; on an array without them AutoWsOsWsc is AutoWsOs.
  std::vector<QueuedGemm> q_three, q_two;
  for (const Step& s : lora_steps(4096, 320, 640, 4))
    for (const Array& arr : {a, Array{64, 64}}) {
      const Gemm& g = s.gemm;
      const Dataflow d3 = policy_dataflow(Policy::AutoWsOsWsc, g, arr, true, true);
      const Dataflow d2 = policy_dataflow(Policy::AutoWsOs, g, arr, true, true);
      EXPECT_LE(rtl_total_cycles(g, policy_array(Policy::AutoWsOsWsc, arr), d3),
                rtl_total_cycles(g, policy_array(Policy::AutoWsOs, arr), d2));
      if (arr.col_groups == 1) {
        EXPECT_EQ(d3, d2);
      }
      if (arr.col_groups == 4) {
        q_three.push_back({g, d3, ScaleMode::Dynamic, false});
        q_two.push_back({g, d2, ScaleMode::Dynamic, false});
      }
    }
  EXPECT_LT(queue_timing(q_three, policy_array(Policy::AutoWsOsWsc, a)).total,
            queue_timing(q_two, policy_array(Policy::AutoWsOs, a)).total);
}

TEST(Perf, AutoPolicyRunsWsrAndAutoWsOsWscDoesNot) {
  const Array a = grouped(64, 64, 4, 4);
  EXPECT_STREQ(policy_name(Policy::Auto), "auto_ws_os_wsc_wsr");
  EXPECT_TRUE(policy_supported(Policy::Auto, true, false));
  EXPECT_TRUE(policy_supported(Policy::Auto, false, true));
  EXPECT_FALSE(policy_supported(Policy::Auto, false, false));
  // Every policy has its own name.
  const std::vector<Policy> all = {Policy::WsOnly,      Policy::OsOnly, Policy::AutoWsOs,     Policy::AutoWsOsWsc,
                                   Policy::Auto,        Policy::Wave1WsOnly, Policy::Wave1AutoWsOs};
  for (size_t i = 0; i < all.size(); ++i)
    for (size_t j = i + 1; j < all.size(); ++j) EXPECT_STRNE(policy_name(all[i]), policy_name(all[j]));
  // Only the RTL's AUTO keeps the row groups; AutoWsOsWsc is the array without them, every other
  // policy the array without column and row groups; the Wave1 ones also the wave-1 array.
  EXPECT_EQ(policy_array(Policy::Auto, a).row_groups, 4);
  EXPECT_EQ(policy_array(Policy::Auto, a).col_groups, 4);
  EXPECT_EQ(policy_array(Policy::AutoWsOsWsc, a).row_groups, 1);
  EXPECT_EQ(policy_array(Policy::AutoWsOsWsc, a).col_groups, 4);
  for (Policy p : {Policy::WsOnly, Policy::OsOnly, Policy::AutoWsOs, Policy::Wave1WsOnly, Policy::Wave1AutoWsOs}) {
    EXPECT_EQ(policy_array(p, a).row_groups, 1) << policy_name(p);
    EXPECT_EQ(policy_array(p, a).col_groups, 1) << policy_name(p);
  }
  for (Policy p : {Policy::Wave1WsOnly, Policy::Wave1AutoWsOs}) {
    EXPECT_FALSE(policy_array(p, a).ws_pipelined) << policy_name(p);
    EXPECT_FALSE(policy_array(p, a).two_stage) << policy_name(p);
  }
  for (Policy p : {Policy::WsOnly, Policy::OsOnly, Policy::AutoWsOs, Policy::AutoWsOsWsc, Policy::Auto})
    EXPECT_TRUE(policy_array(p, a).ws_pipelined && policy_array(p, a).two_stage) << policy_name(p);
  const Gemm thin_k{4096, 320, 4}, thin_n{4096, 4, 320};
  EXPECT_EQ(policy_dataflow(Policy::Auto, thin_k, a, true, true), Dataflow::WSR);
  EXPECT_EQ(policy_dataflow(Policy::Auto, thin_k, a, true, false), Dataflow::WSR) << "WS with row groups";
  EXPECT_EQ(policy_dataflow(Policy::Auto, thin_k, a, false, true), Dataflow::OS);
  EXPECT_EQ(policy_dataflow(Policy::AutoWsOsWsc, thin_k, a, true, true), Dataflow::WS);
  EXPECT_EQ(policy_dataflow(Policy::AutoWsOs, thin_k, a, true, true), Dataflow::WS);
  EXPECT_EQ(policy_dataflow(Policy::Wave1AutoWsOs, thin_k, a, true, true),
            auto_dataflow(thin_k, policy_array(Policy::Wave1AutoWsOs, a)));
  EXPECT_EQ(policy_dataflow(Policy::Auto, thin_n, a, true, true), Dataflow::WSC);
  EXPECT_EQ(policy_dataflow(Policy::AutoWsOsWsc, thin_n, a, true, true), Dataflow::WSC);
  // Row groups never cost cycles, alone or queued; on an array without them Auto is AutoWsOsWsc.
  std::vector<QueuedGemm> q_four, q_three;
  for (const Step& s : lora_steps(4096, 320, 640, 4))
    for (const Array& arr : {a, grouped(64, 64, 4)}) {
      const Gemm& g = s.gemm;
      const Dataflow d4 = policy_dataflow(Policy::Auto, g, arr, true, true);
      const Dataflow d3 = policy_dataflow(Policy::AutoWsOsWsc, g, arr, true, true);
      EXPECT_LE(rtl_total_cycles(g, policy_array(Policy::Auto, arr), d4),
                rtl_total_cycles(g, policy_array(Policy::AutoWsOsWsc, arr), d3));
      if (arr.row_groups == 1) {
        EXPECT_EQ(d4, d3);
      }
      if (arr.row_groups == 4) {
        q_four.push_back({g, d4, ScaleMode::Dynamic, false});
        q_three.push_back({g, d3, ScaleMode::Dynamic, false});
      }
    }
  EXPECT_LT(queue_timing(q_four, policy_array(Policy::Auto, a)).total,
            queue_timing(q_three, policy_array(Policy::AutoWsOsWsc, a)).total);
}

TEST(Perf, ArrayOfReadsTheConfiguration) {
  const qta::gen::Config def;  // 8x8: col_groups derived 4
  const Array a = array_of(def);
  EXPECT_EQ(a.rows, 8);
  EXPECT_EQ(a.cols, 8);
  EXPECT_EQ(a.col_groups, 4);
  EXPECT_EQ(a.row_groups, 2) << "8 rows: row_groups derived 2";
  EXPECT_TRUE(a.ws_pipelined) << "the generated RTL";
  EXPECT_TRUE(a.two_stage);
  qta::gen::ConfigFields f;
  f.rows = 16;
  f.cols = 32;
  f.col_groups = 2;
  f.row_groups = 8;
  const Array b = array_of(qta::gen::Config::validate(f));
  EXPECT_EQ(b.rows, 16);
  EXPECT_EQ(b.cols, 32);
  EXPECT_EQ(b.col_groups, 2);
  EXPECT_EQ(b.row_groups, 8);
  f.row_groups = 0;  // derived: 4 for 16 rows
  EXPECT_EQ(array_of(qta::gen::Config::validate(f)).row_groups, 4);
  const Array ws_only = array_of(qta::gen::load_config(qta::gen::named_config_path("ws_only")));
  EXPECT_EQ(ws_only.col_groups, 1);
  EXPECT_EQ(ws_only.row_groups, 1);
  const Array paper = array_of(qta::gen::load_config(qta::gen::named_config_path("paper_64x64")));
  EXPECT_EQ(paper.rows, 64);
  EXPECT_EQ(paper.cols, 64);
  EXPECT_EQ(paper.col_groups, 4);
  EXPECT_EQ(paper.row_groups, 4);
  EXPECT_EQ(array_of(qta::gen::load_config(qta::gen::named_config_path("lora_64x64"))).row_groups, 4);
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
  // Column groups give op(A) G*R read lanes: 4096x4x320 on 64x64 in 4 groups, 4096 * 320 / 256 =
  // 5120 (WSC takes 5263); the other terms stay.
  EXPECT_DOUBLE_EQ(port_bound_cycles({4096, 4, 320}, grouped(64, 64, 4)), 4096.0 * 320 / 256);
  EXPECT_DOUBLE_EQ(port_bound_cycles({4096, 320, 4}, grouped(64, 64, 4)), 4096.0 * 320 / 64);
  // Row groups give the results GR*C write lanes: 4096x320x4 on 64x64 in 4 row groups, 4096 * 320 /
  // 256 = 5120 (WSR takes 5311); op(A)'s term stays (64 lanes without column groups), and the
  // thin-N GEMM is still bound by op(A).
  EXPECT_DOUBLE_EQ(port_bound_cycles({4096, 320, 4}, grouped(64, 64, 1, 4)), 4096.0 * 320 / 256);
  EXPECT_DOUBLE_EQ(port_bound_cycles({4096, 320, 4}, grouped(64, 64, 4, 4), 2), 4096.0 * 320 / (2 * 256));
  EXPECT_DOUBLE_EQ(port_bound_cycles({4096, 4, 320}, grouped(64, 64, 1, 4)), 4096.0 * 320 / 64);
  EXPECT_DOUBLE_EQ(port_bound_cycles({4096, 4, 320}, grouped(64, 64, 4, 4)), 4096.0 * 320 / 256);
  // 8 row groups: 512 write lanes, 4096 * 320 / 512 = 2560, still above op(A)'s 4096 * 4 / 64 = 256,
  // op(B)'s 4 * 320 / 64 = 20 and the PEs' 1280.
  EXPECT_DOUBLE_EQ(port_bound_cycles({4096, 320, 4}, grouped(64, 64, 1, 8)), 4096.0 * 320 / 512);
  // Neither dataflow of the generated array beats it, on any shape or array.
  int wsr_bounded = 0;
  for (int64_t r : {1, 8, 64})
    for (int64_t c : {1, 8, 64})
      for (int64_t m : {1, 4, 77, 4096})
        for (int64_t n : {1, 4, 320})
          for (int64_t k : {1, 4, 1280}) {
            const Array b{r, c};
            const double bound = port_bound_cycles({m, n, k}, b);
            EXPECT_LE(bound, double(ws_cycles({m, n, k}, b))) << r << "x" << c << " " << m << "x" << n << "x" << k;
            EXPECT_LE(bound, double(os_cycles({m, n, k}, b))) << r << "x" << c << " " << m << "x" << n << "x" << k;
            // Nor does WSC, against the bound of the array with column groups (more lanes of A).
            for (int64_t groups : {2, 4, 8}) {
              if (c % groups != 0 || !wsc_fits({m, n, k}, grouped(r, c, groups))) continue;
              const Array ga = grouped(r, c, groups);
              EXPECT_LE(port_bound_cycles({m, n, k}, ga), double(wsc_cycles({m, n, k}, ga)))
                  << r << "x" << c << "/" << groups << " " << m << "x" << n << "x" << k;
            }
            // Nor does WSR, against the bound of the array with row groups (more lanes of results).
            for (int64_t groups : {2, 4, 8}) {
              if (r % groups != 0 || !wsr_fits({m, n, k}, grouped(r, c, 1, groups))) continue;
              const Array ga = grouped(r, c, 1, groups);
              EXPECT_LE(port_bound_cycles({m, n, k}, ga), double(wsr_cycles({m, n, k}, ga)))
                  << r << "x" << c << "//" << groups << " " << m << "x" << n << "x" << k;
              ++wsr_bounded;
            }
          }
  EXPECT_GT(wsr_bounded, 50);
}
