// Block test of qta_pe (the checked-in default configuration's PE, DW = 8, AW = 32) in both
// dataflows, against the behaviour docs/rtl.md specifies, cycle by cycle:
//   WS: psum_o = psum_i + a_i * w one cycle later; the weight chain b shifts every cycle, cap_i
//       copies b_i into the shadow while the active weight computes, and the cycle with swap_i
//       already multiplies with the shadow, which is the active weight from then on; a, swap and
//       cap move on to the right one cycle later.
//   OS: the accumulator sums a_i * b_i over K cycles, clear zeroes it, shift loads psum_i.
#include <cstdint>

#include "Vqta_pe.h"
#include "qta/harness/harness.h"
#include "qta/harness/verilated_model.h"

using namespace qta::harness;

namespace {
struct PeTb {
  explicit PeTb(Dut& dut)
      : top(dut.top<Vqta_pe>()),
        clk(dut.signal(top.clk_i, "clk_i", 1)),
        rst_n(dut.signal(top.rst_ni, "rst_ni", 1)),
        mode_os(dut.signal(top.mode_os_i, "mode_os_i", 1)),
        clear(dut.signal(top.clear_i, "clear_i", 1)),
        cap(dut.signal(top.cap_i, "cap_i", 1)),
        swap(dut.signal(top.swap_i, "swap_i", 1)),
        shift(dut.signal(top.shift_i, "shift_i", 1)),
        a(dut.signal(top.a_i, "a_i", 8)),
        b(dut.signal(top.b_i, "b_i", 8)),
        psum(dut.signal(top.psum_i, "psum_i", 32)),
        a_o(dut.signal(top.a_o, "a_o", 8)),
        cap_o(dut.signal(top.cap_o, "cap_o", 1)),
        swap_o(dut.signal(top.swap_o, "swap_o", 1)),
        b_o(dut.signal(top.b_o, "b_o", 8)),
        psum_o(dut.signal(top.psum_o, "psum_o", 32)) {}

  Task<> reset(bool os) {
    for (const Signal* s : {&clear, &cap, &swap, &shift, &a, &b, &psum}) s->set(0);
    mode_os.set(os);
    rst_n.set(0);
    Clock(clk, 10, Unit::ns).start();
    co_await ClockCycles(clk, 2);
    co_await FallingEdge(clk);
    rst_n.set(1);
  }
  // Drives the inputs for one cycle (from a falling edge) and returns after the next rising edge
  // with the outputs settled.
  Task<> cycle() {
    co_await RisingEdge(clk);
    co_await ReadOnly();
  }

  Vqta_pe& top;
  Signal clk, rst_n, mode_os, clear, cap, swap, shift, a, b, psum, a_o, cap_o, swap_o, b_o, psum_o;
};

int8_t random_i8(Dut& dut) { return int8_t(int(dut.rng()() % 255) - 127); }
}  // namespace

QTA_TEST(pe_ws_multiplies_stationary_weight_and_adds_partial_sum, .timeout = 100, .timeout_unit = Unit::us) {
  PeTb tb(dut);
  co_await tb.reset(false);
  // Random cap / swap patterns, including both in one cycle and swaps with no capture since the
  // last one, against the reference: the product uses the shadow in a swap cycle, the active
  // weight otherwise; the capture and the swap read the shadow's old value.
  int8_t active = 0, shadow = 0;
  for (int i = 0; i < 600; ++i) {
    const int8_t av = random_i8(dut), bv = random_i8(dut);
    const int32_t ps = int32_t(dut.rng()());
    const bool cap_now = dut.rng()() % 3 == 0, swap_now = dut.rng()() % 4 == 0;
    tb.a.set_signed(av);
    tb.b.set_signed(bv);
    tb.psum.set(uint32_t(ps));
    tb.cap.set(cap_now);
    tb.swap.set(swap_now);
    co_await tb.cycle();
    const int8_t w = swap_now ? shadow : active;
    const int32_t want = int32_t(uint32_t(ps) + uint32_t(int32_t(av) * int32_t(w)));
    if (int32_t(tb.psum_o.value()) != want)
      QTA_FAIL("cycle {}: psum_o = {}, expected psum_i {} + a {} * w {} = {} (swap {}, seed {})", i,
               int32_t(tb.psum_o.value()), ps, av, w, want, swap_now, dut.seed());
    QTA_CHECK_EQ(int8_t(tb.a_o.value()), av);
    QTA_CHECK_EQ(int8_t(tb.b_o.value()), bv);  // the chain shifts every cycle
    QTA_CHECK_EQ(tb.cap_o.value(), uint64_t(cap_now));
    QTA_CHECK_EQ(tb.swap_o.value(), uint64_t(swap_now));
    if (swap_now) active = shadow;
    if (cap_now) shadow = bv;
    co_await FallingEdge(tb.clk);
  }
}

QTA_TEST(pe_os_accumulates_clears_and_shifts, .timeout = 100, .timeout_unit = Unit::us) {
  PeTb tb(dut);
  co_await tb.reset(true);
  for (int tile = 0; tile < 20; ++tile) {
    tb.clear.set(1);
    co_await tb.cycle();
    QTA_CHECK_EQ(tb.psum_o.value(), 0u);
    co_await FallingEdge(tb.clk);
    tb.clear.set(0);
    const int k = 1 + int(dut.rng()() % 300);
    int64_t acc = 0;
    for (int i = 0; i < k; ++i) {
      const int8_t av = random_i8(dut), bv = (tile % 4 == 0) ? int8_t(-127) : random_i8(dut);
      tb.a.set_signed(tile % 4 == 0 ? -127 : av);
      tb.b.set_signed(bv);
      co_await tb.cycle();
      acc += int64_t(tile % 4 == 0 ? -127 : av) * bv;
      if (int32_t(tb.psum_o.value()) != int32_t(acc))
        QTA_FAIL("tile {} step {} of {}: accumulator {} expected {} (seed {})", tile, i, k,
                 int32_t(tb.psum_o.value()), acc, dut.seed());
      QTA_CHECK_EQ(int8_t(tb.b_o.value()), bv);  // operand B moves down
      co_await FallingEdge(tb.clk);
    }
    // Read-out: shift loads the accumulator from above.
    const int32_t from_above = int32_t(dut.rng()());
    tb.shift.set(1);
    tb.psum.set(uint32_t(from_above));
    co_await tb.cycle();
    QTA_CHECK_EQ(int32_t(tb.psum_o.value()), from_above);
    co_await FallingEdge(tb.clk);
    tb.shift.set(0);
  }
}

QTA_TEST_MAIN(Vqta_pe)
