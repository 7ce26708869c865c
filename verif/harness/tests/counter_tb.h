// Testbench helpers shared by the harness's own tests on the counter DUT (rtl/counter.v).
#pragma once

#include "Vcounter.h"
#include "qta/harness/harness.h"

namespace qta::harness::testing {

struct CounterTb {
  explicit CounterTb(Dut& dut)
      : top(dut.top<Vcounter>()),
        clk(dut.signal(top.clk_i, "clk_i", 1)),
        rst_n(dut.signal(top.rst_ni, "rst_ni", 1)),
        en(dut.signal(top.en_i, "en_i", 1)),
        count(dut.signal(top.count_o, "count_o", 8)),
        wrap(dut.signal(top.wrap_o, "wrap_o", 1)),
        noreset(dut.signal(top.noreset_o, "noreset_o", 32)),
        wide_in(dut.signal(top.wide_i, "wide_i", 96)),
        wide_out(dut.signal(top.wide_o, "wide_o", 96)),
        finish(dut.signal(top.finish_i, "finish_i", 1)),
        stop(dut.signal(top.stop_i, "stop_i", 1)) {}

  // Starts a 10 ns clock and holds reset for two cycles; returns right after the rising edge that
  // releases reset (count_o is 0, en_i is `enable`).
  Task<> start_and_reset(bool enable) {
    Clock(clk, 10, Unit::ns).start();
    rst_n.set(0);
    en.set(enable ? 1 : 0);
    co_await ClockCycles(clk, 2);
    rst_n.set(1);
  }

  Vcounter& top;
  Signal clk, rst_n, en, count, wrap, noreset, wide_in, wide_out, finish, stop;
};

}  // namespace qta::harness::testing
