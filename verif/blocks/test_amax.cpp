// Block test of qta_amax (8 lanes, AW = 32; built a second time as 16 lanes in 2 groups, the
// WSR row groups' split of the tree, QTA_AMAX_LANES / -GGROUPS): amax_o is max |acc| over the valid lanes since
// clear_i, against a direct computation, with random values, random valid masks, values that
// differ only in sign (k(x) = 2|x| - (x < 0) must still give the larger magnitude), the extremes
// -2^31 (|x| = 2^31) and 2^31 - 1, and clear_i between runs.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "Vqta_amax.h"
#include "qta/harness/harness.h"
#include "qta/harness/verilated_model.h"

using namespace qta::harness;

namespace {
#ifndef QTA_AMAX_LANES
#define QTA_AMAX_LANES 8
#endif
constexpr int kLanes = QTA_AMAX_LANES;
static_assert(kLanes <= 32, "valid masks are 32-bit here");
constexpr uint32_t kAllLanes = kLanes == 32 ? 0xffffffffu : (uint32_t{1} << kLanes) - 1;

struct AmaxTb {
  explicit AmaxTb(Dut& dut)
      : top(dut.top<Vqta_amax>()),
        clk(dut.signal(top.clk_i, "clk_i", 1)),
        rst_n(dut.signal(top.rst_ni, "rst_ni", 1)),
        clear(dut.signal(top.clear_i, "clear_i", 1)),
        valid(dut.signal(top.valid_i, "valid_i", kLanes)),
        acc(dut.signal(top.acc_i, "acc_i", kLanes * 32)),
        amax(dut.signal(top.amax_o, "amax_o", 32)) {}
  Vqta_amax& top;
  Signal clk, rst_n, clear, valid, acc, amax;
};

// `groups` groups of lanes drawn by `draw`, then clear_i; amax_o checked after every group.
template <class Draw>
Task<> run(Dut& dut, AmaxTb& tb, int groups, Draw draw) {
  co_await FallingEdge(tb.clk);
  tb.clear.set(1);
  tb.valid.set(0);
  co_await RisingEdge(tb.clk);
  co_await FallingEdge(tb.clk);
  tb.clear.set(0);
  int64_t want = 0;
  for (int g = 0; g < groups; ++g) {
    std::vector<uint32_t> words(kLanes);
    const uint32_t valid = (g % 3 == 2) ? uint32_t(dut.rng()()) & kAllLanes : kAllLanes;
    for (int l = 0; l < kLanes; ++l) {
      const int32_t v = draw(g, l);
      words[size_t(l)] = uint32_t(v);
      if (valid >> l & 1) want = std::max<int64_t>(want, std::llabs(int64_t(v)));
    }
    tb.acc.set_words(words);
    tb.valid.set(valid);
    co_await RisingEdge(tb.clk);
    co_await ReadOnly();
    if (int64_t(tb.amax.value()) != want)
      QTA_FAIL("after group {}: amax_o = {}, expected {} (seed {})", g, tb.amax.value(), want, dut.seed());
    co_await FallingEdge(tb.clk);
  }
  tb.valid.set(0);
}

Task<> start(AmaxTb& tb) {
  tb.rst_n.set(0);
  tb.clear.set(0);
  tb.valid.set(0);
  tb.acc.set_words(std::vector<uint32_t>(kLanes, 0));
  Clock(tb.clk, 10, Unit::ns).start();
  co_await ClockCycles(tb.clk, 2);
  co_await FallingEdge(tb.clk);
  tb.rst_n.set(1);
  co_await ReadOnly();
  if (tb.amax.value() != 0) QTA_FAIL("amax_o = {} after reset, expected 0", tb.amax.value());
}
}  // namespace

QTA_TEST(amax_random_values_and_masks, .timeout = 1, .timeout_unit = Unit::ms) {
  AmaxTb tb(dut);
  co_await start(tb);
  for (int64_t range : {int64_t{100}, int64_t{1} << 20, int64_t{1} << 31}) {
    co_await run(dut, tb, 200, [&](int, int) {
      return int32_t(int64_t(dut.rng()() % uint64_t(2 * range - 1)) - (range - 1));
    });
  }
}

QTA_TEST(amax_same_magnitude_both_signs_and_the_extremes, .timeout = 1, .timeout_unit = Unit::ms) {
  AmaxTb tb(dut);
  co_await start(tb);
  // Neighbours in magnitude with either sign: -5 beats 4, 5 beats -4, -5 and 5 tie.
  const int32_t pairs[][2] = {{-5, 4}, {4, -5}, {5, -4}, {-5, 5}, {-1, 0}, {0, -1}, {-2147483647, 2147483647},
                              {INT32_MIN, 2147483647}, {2147483647, INT32_MIN}, {-1073741824, 1073741823}};
  for (const auto& p : pairs)
    co_await run(dut, tb, 2, [&](int g, int l) { return l == 3 ? p[g] : int32_t(dut.rng()() % 3) - 1; });
  // The most negative value alone, in every lane position.
  for (int lane = 0; lane < kLanes; ++lane)
    co_await run(dut, tb, 1, [&](int, int l) { return l == lane ? INT32_MIN : 0; });
}

QTA_TEST_MAIN(Vqta_amax)
