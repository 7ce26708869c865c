// WideStreamDriver / WideStreamMonitor on an 80-bit FIFO (rtl/stream_fifo.v with W=80): data
// wider than 64 bits travels as 32-bit words.
#include "Vstream_fifo.h"
#include "qta/harness/components.h"
#include "qta/harness/harness.h"
#include "qta/harness/scoreboard.h"
#include "qta/harness/verilated_model.h"

using namespace qta::harness;

QTA_TEST(wide_fifo_passes_80_bit_words_in_order, .timeout = 100, .timeout_unit = Unit::us) {
  auto& top = dut.top<Vstream_fifo>();
  Signal clk = dut.signal(top.clk_i, "clk_i", 1), rst_n = dut.signal(top.rst_ni, "rst_ni", 1);
  StreamBus in{clk, dut.signal(top.in_valid_i, "in_valid_i", 1), dut.signal(top.in_ready_o, "in_ready_o", 1),
               dut.signal(top.in_data_i, "in_data_i", 80)};
  StreamBus out{clk, dut.signal(top.out_valid_o, "out_valid_o", 1), dut.signal(top.out_ready_i, "out_ready_i", 1),
                dut.signal(top.out_data_o, "out_data_o", 80)};
  Clock(clk, 10, Unit::ns).start();
  rst_n.set(0);
  in.valid.set(0);
  co_await ClockCycles(clk, 2);
  rst_n.set(1);

  auto& rng = dut.rng();
  WideStreamDriver driver("wide.in", in);
  WideStreamMonitor monitor("wide.out", out);
  Scoreboard<Words> sb("wide", dut.seed());
  sb.connect(monitor);
  monitor.start();
  start_soon(drive_ready(clk, out.ready, 50, [&rng] { return rng(); }));
  for (int i = 0; i < 100; ++i) {
    Words w{static_cast<uint32_t>(rng()), static_cast<uint32_t>(rng()), static_cast<uint32_t>(rng() & 0xffff)};
    sb.expect(w);
    driver.append(w);
  }
  co_await driver.wait_idle();
  while (sb.outstanding() > 0) co_await RisingEdge(clk);
  sb.check();
  QTA_CHECK_EQ(sb.matched(), 100u);
  QTA_CHECK_EQ(monitor.count(), 100u);
}

QTA_TEST_MAIN(Vstream_fifo)
