// Block test of qta_quantizer (8 lanes, AW = 32, DW = 8) against the golden model: every lane's
// requantized value for round-half-to-even and stochastic rounding, the LFSR stepping once per
// element in lane order and 8 steps per consumed group, and saturation. (amax is qta_amax's:
// test_amax.cpp.)
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "Vqta_quantizer.h"
#include "qta/golden/lfsr.h"
#include "qta/golden/requant.h"
#include "qta/harness/harness.h"
#include "qta/harness/verilated_model.h"

using namespace qta::harness;
namespace golden = qta::golden;

namespace {
constexpr int kLanes = 8;

struct QuantTb {
  explicit QuantTb(Dut& dut)
      : top(dut.top<Vqta_quantizer>()),
        clk(dut.signal(top.clk_i, "clk_i", 1)),
        rst_n(dut.signal(top.rst_ni, "rst_ni", 1)),
        start(dut.signal(top.start_i, "start_i", 1)),
        seed(dut.signal(top.seed_i, "seed_i", 32)),
        m0(dut.signal(top.m0_i, "m0_i", 32)),
        n(dut.signal(top.n_i, "n_i", 6)),
        sr(dut.signal(top.sr_i, "sr_i", 1)),
        step(dut.signal(top.step_i, "step_i", 1)),
        acc(dut.signal(top.acc_i, "acc_i", kLanes * 32)),
        q(dut.signal(top.q_o, "q_o", kLanes * 8)) {}

  Vqta_quantizer& top;
  Signal clk, rst_n, start, seed, m0, n, sr, step, acc, q;
};

// One run: `groups` groups of 8 accumulators, dynamic multiplier for `amax_target` (scaled by
// `boost` to force saturation), rounding `mode`.
Task<> run_quantizer(Dut& dut, golden::Rounding mode, int64_t amax_target, int boost, int groups) {
  QuantTb tb(dut);
  tb.rst_n.set(0);
  tb.start.set(0);
  tb.step.set(0);
  tb.acc.set_words(std::vector<uint32_t>(kLanes, 0));
  Clock(tb.clk, 10, Unit::ns).start();
  co_await ClockCycles(tb.clk, 2);
  co_await FallingEdge(tb.clk);
  tb.rst_n.set(1);

  golden::FixedPoint m = golden::requant_multiplier(amax_target, 8);
  m.n -= boost;  // 2^boost times the dynamic multiplier
  const uint32_t seed = uint32_t(dut.rng()()) | 1u;
  tb.start.set(1);
  tb.seed.set(seed);
  tb.m0.set(uint32_t(m.m0));
  tb.n.set(uint64_t(m.n));
  tb.sr.set(mode == golden::Rounding::SR);
  co_await RisingEdge(tb.clk);
  co_await FallingEdge(tb.clk);
  tb.start.set(0);

  uint32_t state = seed;
  for (int g = 0; g < groups; ++g) {
    std::vector<uint32_t> words(kLanes);
    std::vector<int32_t> values(kLanes);
    for (int l = 0; l < kLanes; ++l) {
      int64_t v = int64_t(dut.rng()() % uint64_t(2 * amax_target + 1)) - amax_target;
      if (g == 0 && l == 0) v = -amax_target;  // the extreme itself
      values[size_t(l)] = int32_t(v);
      words[size_t(l)] = uint32_t(int32_t(v));
    }
    tb.acc.set_words(words);
    tb.step.set(1);
    co_await ReadOnly();
    const std::vector<uint32_t> qw = tb.q.words();
    for (int l = 0; l < kLanes; ++l) {
      state = golden::lfsr_step(state);
      const int32_t want = golden::requantize_one(values[size_t(l)], m, mode, state, 8);
      const int8_t got = int8_t((qw[size_t(l / 4)] >> (8 * (l % 4))) & 0xff);
      if (got != want)
        QTA_FAIL("group {} lane {}: acc {} with m0 {} n {} ({}): got {}, expected {} (seed {})", g, l,
                 values[size_t(l)], m.m0, m.n, golden::rounding_name(mode), got, want, dut.seed());
    }
    co_await RisingEdge(tb.clk);
    co_await FallingEdge(tb.clk);
  }
}
}  // namespace

QTA_TEST(quantizer_rne_every_lane_matches_golden, .timeout = 1, .timeout_unit = Unit::ms) {
  co_await run_quantizer(dut, golden::Rounding::RNE, 1 + int64_t(dut.rng()() % 2000000), 0, 300);
}

QTA_TEST(quantizer_sr_lfsr_order_matches_golden, .timeout = 1, .timeout_unit = Unit::ms) {
  co_await run_quantizer(dut, golden::Rounding::SR, 1 + int64_t(dut.rng()() % 2000000), 0, 300);
}

QTA_TEST(quantizer_small_amax_many_ties, .timeout = 1, .timeout_unit = Unit::ms) {
  // amax 254 gives M = 1/2: every odd accumulator is a tie.
  co_await run_quantizer(dut, golden::Rounding::RNE, 254, 0, 200);
}

QTA_TEST(quantizer_saturates_at_plus_minus_qmax, .timeout = 1, .timeout_unit = Unit::ms) {
  co_await run_quantizer(dut, golden::Rounding::RNE, 100000, 3, 100);
  co_await run_quantizer(dut, golden::Rounding::SR, 100000, 3, 100);
}

QTA_TEST(quantizer_full_range_accumulators, .timeout = 1, .timeout_unit = Unit::ms) {
  co_await run_quantizer(dut, golden::Rounding::RNE, 2147483647, 0, 100);
  co_await run_quantizer(dut, golden::Rounding::SR, 2147483647, 0, 100);
}

QTA_TEST_MAIN(Vqta_quantizer)
