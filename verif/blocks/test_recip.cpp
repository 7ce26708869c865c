// Block test of qta_recip (the on-chip dynamic multiplier, DW = QTA_RECIP_DW, AW = QTA_RECIP_AW)
// against qta::golden::requant_multiplier: every bit length of amax with the values at and
// next to each power of two, the accumulator limits 2^(AW-1) - 1 and 2^(AW-1), the largest
// register value 2^AW - 1, amax = 0 and 1, and thousands of random values; every derivation
// takes exactly perf::kScaleCycles cycles from start_i to done_o inclusive, the result holds
// until the next start, and start_i during a derivation is ignored.
#include <cstdint>
#include <vector>

#include "Vqta_recip.h"
#include "qta/golden/requant.h"
#include "qta/harness/harness.h"
#include "qta/harness/verilated_model.h"
#include "qta/perf/perf.h"

using namespace qta::harness;
namespace golden = qta::golden;

namespace {
constexpr int kDw = QTA_RECIP_DW;
constexpr int kAw = QTA_RECIP_AW;

struct RecipTb {
  explicit RecipTb(Dut& dut)
      : top(dut.top<Vqta_recip>()),
        clk(dut.signal(top.clk_i, "clk_i", 1)),
        rst_n(dut.signal(top.rst_ni, "rst_ni", 1)),
        start(dut.signal(top.start_i, "start_i", 1)),
        amax(dut.signal(top.amax_i, "amax_i", kAw)),
        done(dut.signal(top.done_o, "done_o", 1)),
        m0(dut.signal(top.m0_o, "m0_o", 32)),
        shift(dut.signal(top.shift_o, "shift_o", 6)) {}
  Vqta_recip& top;
  Signal clk, rst_n, start, amax, done, m0, shift;
};

Task<> reset(RecipTb& tb) {
  tb.rst_n.set(0);
  tb.start.set(0);
  tb.amax.set(0);
  Clock(tb.clk, 10, Unit::ns).start();
  co_await ClockCycles(tb.clk, 2);
  co_await FallingEdge(tb.clk);
  tb.rst_n.set(1);
}

// One derivation: start_i for one cycle (or held for the whole derivation, with amax_i changed
// after the first cycle, when `disturb`), done_o exactly in cycle kScaleCycles, then the result.
Task<> derive(Dut& dut, RecipTb& tb, uint64_t amax, bool disturb = false) {
  const golden::FixedPoint want = golden::requant_multiplier(int64_t(amax), kDw);
  co_await FallingEdge(tb.clk);
  tb.amax.set(amax);
  tb.start.set(1);
  for (int64_t cycle = 1;; ++cycle) {
    co_await ReadOnly();
    const bool done = tb.done.value() != 0;
    if (done != (cycle == qta::perf::kScaleCycles))
      QTA_FAIL("amax {}: done_o = {} in cycle {} after start_i; expected done_o only in cycle {} (perf::kScaleCycles; "
               "seed {})", amax, done, cycle, qta::perf::kScaleCycles, dut.seed());
    co_await FallingEdge(tb.clk);
    if (!disturb) tb.start.set(0);
    if (disturb) tb.amax.set(amax ^ ((uint64_t{1} << kAw) - 1));  // another amax, start still high
    if (done) break;
  }
  tb.start.set(0);
  for (int idle = 0; idle < (disturb ? 3 : 1); ++idle) {  // the result, and it holds while idle
    co_await RisingEdge(tb.clk);
    co_await ReadOnly();
    if (tb.m0.value() != uint64_t(uint32_t(want.m0)) || int(tb.shift.value()) != want.n)
      QTA_FAIL("amax {} (q = {}, acc_width {}): m0_o = {}, shift_o = {} {} cycle(s) after done_o; golden "
               "requant_multiplier gives m0 = {}, n = {} (seed {})", amax, kDw, kAw, tb.m0.value(), tb.shift.value(),
               idle + 1, want.m0, want.n, dut.seed());
  }
}
}  // namespace

QTA_TEST(recip_every_bit_length_and_its_boundaries_match_golden, .timeout = 100, .timeout_unit = Unit::ms) {
  RecipTb tb(dut);
  co_await reset(tb);
  std::vector<uint64_t> values = {0, 1, 2, 3, (uint64_t{1} << (kAw - 1)) - 1, uint64_t{1} << (kAw - 1),
                                  (uint64_t{1} << kAw) - 1};
  for (int la = 1; la <= kAw; ++la) {
    const uint64_t lo = uint64_t{1} << (la - 1), hi = (uint64_t{1} << la) - 1;
    for (uint64_t v : {lo, lo + 1, hi - 1, hi, (lo + hi) / 2})
      if (v >= lo && v <= hi) values.push_back(v);
  }
  for (uint64_t v : values) co_await derive(dut, tb, v);
  dut.log().info("{} boundary values of amax (q = {}, acc_width = {}) match golden", values.size(), kDw, kAw);
}

QTA_TEST(recip_thousands_of_random_amax_match_golden, .timeout = 500, .timeout_unit = Unit::ms) {
  RecipTb tb(dut);
  co_await reset(tb);
  // Every value when the register is narrow enough, else a bit length uniform in 1..AW and a
  // value uniform within it (so short and long amax are equally represented).
  int n = 0;
  if (kAw <= 12) {
    for (uint64_t v = 0; v < (uint64_t{1} << kAw); ++v, ++n) co_await derive(dut, tb, v);
  } else {
    for (; n < 6000; ++n) {
      const int la = 1 + int(dut.rng()() % uint64_t(kAw));
      const uint64_t v = (uint64_t{1} << (la - 1)) | (dut.rng()() & ((uint64_t{1} << (la - 1)) - 1));
      co_await derive(dut, tb, v);
    }
  }
  dut.log().info("{} values of amax (q = {}, acc_width = {}) match golden", n, kDw, kAw);
}

QTA_TEST(recip_ignores_start_while_busy_and_holds_its_result, .timeout = 10, .timeout_unit = Unit::ms) {
  RecipTb tb(dut);
  co_await reset(tb);
  for (int i = 0; i < 50; ++i) {
    const uint64_t v = 1 + dut.rng()() % ((uint64_t{1} << kAw) - 1);
    co_await derive(dut, tb, v, /*disturb=*/true);
  }
}

QTA_TEST_MAIN(Vqta_recip)
