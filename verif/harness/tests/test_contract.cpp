// Tests whose outcomes are fixed on purpose (pass, fail, skip, expect_fail that passes), run by
// check_contract.py to verify the runner contract: exit code, final line, results.xml, test
// selection, seeds and WAVES. Not meant to be run on its own as a pass/fail check.
#include "counter_tb.h"
#include "qta/harness/verilated_model.h"

using namespace qta::harness;
using qta::harness::testing::CounterTb;

QTA_TEST(passes) {
  CounterTb tb(dut);
  co_await tb.start_and_reset(true);
  co_await ClockCycles(tb.clk, 3);
  QTA_CHECK_EQ(tb.count.value(), 3u);
}

QTA_TEST(fails_a_check) {
  co_await Timer(5, Unit::ns);
  QTA_CHECK_EQ(1 + 1, 3);
}

QTA_TEST(skipped, .skip = true) { co_return; }

QTA_TEST(expect_fail_but_passes, .expect_fail = true) { co_await Timer(1, Unit::ns); }

// Prints the test seed, the never-reset register (random under +verilator+rand+reset+2, from
// Verilator's seed) and the first draw of dut.rng().
QTA_TEST(reports_seed_and_random_state) {
  CounterTb tb(dut);
  co_await Timer(1, Unit::ns);
  dut.log().info("SEED {} {} {:#010x} {}", dut.test_name(), dut.seed(), tb.noreset.value(), dut.rng()());
}

Task<> never_awaited() {
  co_await Timer(1, Unit::ns);
}

// Creates a coroutine and drops it without co_await: the harness warns (Python's RuntimeWarning).
QTA_TEST(drops_a_coroutine) {
  never_awaited();
  co_await Timer(1, Unit::ns);
}

QTA_TEST_MAIN(Vcounter)
