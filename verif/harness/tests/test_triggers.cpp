// The harness's own tests of triggers, tasks and phases on the counter DUT. Every test states
// what it checks in its name; a broken scheduler makes at least one QTA_CHECK fail.
#include <stdexcept>
#include <vector>

#include "counter_tb.h"
#include "qta/harness/seed.h"
#include "qta/harness/verilated_model.h"

using namespace qta::harness;
using qta::harness::testing::CounterTb;

// ---- time and Timer ----------------------------------------------------------------------------

QTA_TEST(timer_advances_sim_time_in_any_unit) {
  QTA_CHECK_EQ(dut.now_ns(), 0.0);
  co_await Timer(10, Unit::ns);
  QTA_CHECK_EQ(dut.now_ns(), 10.0);
  co_await Timer(2.5, "ns");
  QTA_CHECK_EQ(dut.now_ns(), 12.5);
  co_await Timer(500, Unit::ps);
  QTA_CHECK_EQ(dut.now_ns(), 13.0);
  co_await Timer(1, Unit::us);
  QTA_CHECK_EQ(dut.now_ns(), 1013.0);
  co_await Timer(7);  // simulator steps (1 ps here)
  QTA_CHECK_EQ(Scheduler::current().now(), 1013007u);
}

QTA_TEST(timer_rejects_fractional_steps_and_zero) {
  bool fractional = false, zero = false;
  try {
    Timer t(0.5, Unit::ps);
  } catch (const std::invalid_argument&) {
    fractional = true;
  }
  try {
    Timer t(0, Unit::ns);
  } catch (const std::invalid_argument&) {
    zero = true;
  }
  QTA_CHECK(fractional);
  QTA_CHECK(zero);
  co_return;
}

// ---- edges ---------------------------------------------------------------------------------------

QTA_TEST(rising_edge_shows_values_after_the_edge) {
  CounterTb tb(dut);
  co_await tb.start_and_reset(true);
  for (uint64_t i = 1; i <= 5; ++i) {
    co_await RisingEdge(tb.clk);
    // Verilator evaluates the edge before edge waiters run, so registers show their new value
    // (the same as cocotb on Verilator).
    QTA_CHECK_EQ(tb.count.value(), i);
    QTA_CHECK_EQ(static_cast<uint64_t>(dut.now_ns()) % 10, 0u);
  }
}

QTA_TEST(falling_edge_fires_half_a_period_after_rising) {
  CounterTb tb(dut);
  co_await tb.start_and_reset(false);
  const double rise = dut.now_ns();
  co_await FallingEdge(tb.clk);
  QTA_CHECK_EQ(dut.now_ns() - rise, 5.0);
  QTA_CHECK_EQ(tb.clk.value(), 0u);
  co_await RisingEdge(tb.clk);
  QTA_CHECK_EQ(dut.now_ns() - rise, 10.0);
}

QTA_TEST(value_change_fires_on_any_bit_change_of_a_bus) {
  CounterTb tb(dut);
  co_await tb.start_and_reset(true);
  std::vector<uint64_t> seen;
  for (int i = 0; i < 4; ++i) {
    co_await ValueChange(tb.count);
    seen.push_back(tb.count.value());
  }
  QTA_CHECK(seen == (std::vector<uint64_t>{1, 2, 3, 4}));
  co_await Edge(tb.clk);  // cocotb 1.x name
  QTA_CHECK_EQ(tb.clk.value(), 0u);
}

QTA_TEST(clock_cycles_waits_n_edges) {
  CounterTb tb(dut);
  co_await tb.start_and_reset(true);
  const double t0 = dut.now_ns();
  const uint64_t c0 = tb.count.value();
  co_await ClockCycles(tb.clk, 7);
  QTA_CHECK_EQ(dut.now_ns() - t0, 70.0);
  QTA_CHECK_EQ(tb.count.value() - c0, 7u);
  co_await ClockCycles(tb.clk, 2, false);  // falling edges
  QTA_CHECK_EQ(dut.now_ns() - t0, 85.0);
}

QTA_TEST(edges_of_a_bus_are_rejected) {
  CounterTb tb(dut);
  bool rejected = false;
  try {
    co_await RisingEdge(tb.count);
  } catch (const std::invalid_argument&) {
    rejected = true;
  }
  QTA_CHECK(rejected);
}

// ---- writes and phases -------------------------------------------------------------------------

QTA_TEST(writes_apply_at_the_next_eval_and_the_last_one_wins) {
  CounterTb tb(dut);
  co_await Timer(1, Unit::ns);
  tb.en.set(1);
  QTA_CHECK_EQ(tb.en.value(), 0u);  // deferred, like cocotb's `dut.en.value = 1`
  co_await ReadWrite();
  QTA_CHECK_EQ(tb.en.value(), 1u);
  tb.en.set(0);
  tb.en.set(1);
  tb.en.set(0);
  co_await ReadOnly();
  QTA_CHECK_EQ(tb.en.value(), 0u);
  QTA_CHECK_EQ(dut.now_ns(), 1.0);  // all in one time step
}

QTA_TEST(read_only_sees_settled_combinational_outputs) {
  CounterTb tb(dut);
  co_await Timer(1, Unit::ns);
  tb.wide_in.set_words({0x12345678u, 0u, 0xffff0000u});
  co_await ReadOnly();
  QTA_CHECK(tb.wide_out.words() == (std::vector<uint32_t>{0xedcba987u, 0xffffffffu, 0x0000ffffu}));
}

QTA_TEST(write_during_read_only_throws_phase_error) {
  CounterTb tb(dut);
  Clock(tb.clk, 10, Unit::ns).start();  // gives the simulation a next time step
  co_await Timer(1, Unit::ns);
  co_await ReadOnly();
  std::string message;
  try {
    tb.en.set(1);
  } catch (const PhaseError& e) {
    message = e.what();
  }
  QTA_CHECK(message.find("ReadOnly") != std::string::npos);
  QTA_CHECK(message.find("en_i") != std::string::npos);
  co_await ReadWrite();  // from ReadOnly: the next time step's ReadWrite
  QTA_CHECK_EQ(dut.now_ns(), 5.0);
  tb.en.set(1);  // allowed again
  co_await ReadOnly();
  QTA_CHECK_EQ(tb.en.value(), 1u);
}

QTA_TEST(uncaught_read_only_write_fails_the_test, .expect_error = error_of<PhaseError>()) {
  CounterTb tb(dut);
  co_await ReadOnly();
  tb.en.set(1);
}

QTA_TEST(next_time_step_waits_for_the_next_event_time) {
  CounterTb tb(dut);
  Clock(tb.clk, 10, Unit::ns).start();
  co_await Timer(2, Unit::ns);
  co_await NextTimeStep();
  QTA_CHECK_EQ(dut.now_ns(), 5.0);  // the clock's next toggle
}

QTA_TEST(writes_out_of_range_are_rejected) {
  CounterTb tb(dut);
  bool rejected = false;
  try {
    tb.en.set(2);
  } catch (const std::out_of_range&) {
    rejected = true;
  }
  QTA_CHECK(rejected);
  co_return;
}

// ---- First / Combine / with_timeout --------------------------------------------------------------

QTA_TEST(first_returns_the_index_of_the_trigger_that_fired) {
  CounterTb tb(dut);
  co_await tb.start_and_reset(false);
  const double t0 = dut.now_ns();
  std::size_t i = co_await First(Timer(100, Unit::ns), FallingEdge(tb.clk));
  QTA_CHECK_EQ(i, 1u);
  QTA_CHECK_EQ(dut.now_ns() - t0, 5.0);
  i = co_await First(Timer(3, Unit::ns), ClockCycles(tb.clk, 10));
  QTA_CHECK_EQ(i, 0u);
  QTA_CHECK_EQ(dut.now_ns() - t0, 8.0);
  // The losers were disarmed: nothing resumes this task early.
  co_await Timer(200, Unit::ns);
  QTA_CHECK_EQ(dut.now_ns() - t0, 208.0);
}

QTA_TEST(combine_fires_when_all_fired) {
  co_await Combine(Timer(30, Unit::ns), Timer(70, Unit::ns), Timer(10, Unit::ns));
  QTA_CHECK_EQ(dut.now_ns(), 70.0);
}

Task<int> slow_value(int v, double ns) {
  co_await Timer(ns, Unit::ns);
  co_return v;
}

QTA_TEST(first_with_a_task_joins_it) {
  Task<int> t = slow_value(7, 20);
  std::size_t i = co_await First(t, Timer(50, Unit::ns));
  QTA_CHECK_EQ(i, 0u);
  QTA_CHECK_EQ(t.result(), 7);
  QTA_CHECK_EQ(dut.now_ns(), 20.0);
}

QTA_TEST(with_timeout_returns_the_result_in_time) {
  int v = co_await with_timeout(slow_value(3, 20), 100, Unit::ns);
  QTA_CHECK_EQ(v, 3);
  QTA_CHECK_EQ(dut.now_ns(), 20.0);
}

QTA_TEST(with_timeout_throws_and_cancels_the_task) {
  Task<int> t = start_soon(slow_value(3, 1000));
  bool timed_out = false;
  try {
    co_await with_timeout(t, 100, Unit::ns);
  } catch (const SimTimeoutError&) {
    timed_out = true;
  }
  QTA_CHECK(timed_out);
  QTA_CHECK_EQ(dut.now_ns(), 100.0);
  QTA_CHECK(t.done());
  QTA_CHECK(t.cancelled());
}

QTA_TEST(with_timeout_on_a_trigger) {
  CounterTb tb(dut);
  bool timed_out = false;
  try {
    co_await with_timeout(RisingEdge(tb.en), 50, "ns");
  } catch (const SimTimeoutError&) {
    timed_out = true;
  }
  QTA_CHECK(timed_out);
  QTA_CHECK_EQ(dut.now_ns(), 50.0);
}

// ---- tasks: start_soon, join, exceptions, cancel ------------------------------------------------

Task<int> set_flag_then_return(bool& flag, int v) {
  flag = true;
  co_await Timer(5, Unit::ns);
  co_return v * 2;
}

QTA_TEST(start_soon_runs_after_the_caller_yields_and_join_returns_the_value) {
  bool ran = false;
  Task<int> t = start_soon(set_flag_then_return(ran, 21));
  QTA_CHECK(!ran);  // not yet: the caller has not yielded
  co_await Timer(1, Unit::ns);
  QTA_CHECK(ran);
  QTA_CHECK(!t.done());
  const int v = co_await t;
  QTA_CHECK_EQ(v, 42);
  QTA_CHECK_EQ(dut.now_ns(), 5.0);
  QTA_CHECK_EQ(co_await t, 42);  // joining a finished task returns at once
}

Task<> throw_after(double ns) {
  co_await Timer(ns, Unit::ns);
  throw std::runtime_error("boom from a task");
}

QTA_TEST(join_rethrows_the_tasks_exception) {
  Task<> t = start_soon(throw_after(10));
  std::string what;
  try {
    co_await t;
  } catch (const std::runtime_error& e) {
    what = e.what();
  }
  QTA_CHECK_EQ(what, std::string("boom from a task"));
}

QTA_TEST(nested_coroutine_exception_reaches_the_caller) {
  std::string what;
  try {
    co_await throw_after(3);  // not started: runs inline
  } catch (const std::runtime_error& e) {
    what = e.what();
  }
  QTA_CHECK_EQ(what, std::string("boom from a task"));
  QTA_CHECK_EQ(dut.now_ns(), 3.0);
}

QTA_TEST(unjoined_task_exception_fails_the_test, .expect_error = error_of<std::runtime_error>()) {
  start_soon(throw_after(10));
  co_await Timer(100, Unit::ns);
  QTA_FAIL("the test should have ended at 10 ns");
}

struct CancelProbe {
  int inner_resumed = 0;
  bool inner_saw_cancel = false;
  bool inner_destroyed = false;
};

struct SetOnDestroy {
  bool& flag;
  ~SetOnDestroy() { flag = true; }
};

Task<> inner_wait(CancelProbe& p) {
  SetOnDestroy guard{p.inner_destroyed};
  try {
    co_await Timer(1, Unit::us);
    ++p.inner_resumed;
  } catch (const CancelledError&) {
    p.inner_saw_cancel = true;
    throw;
  }
}

Task<> outer_wait(CancelProbe& p) {
  co_await inner_wait(p);  // suspended inside this nested coroutine when cancelled
  ++p.inner_resumed;
}

QTA_TEST(cancel_reaches_a_task_suspended_in_a_nested_coroutine) {
  CancelProbe p;
  Task<> t = start_soon(outer_wait(p));
  co_await Timer(10, Unit::ns);
  t.cancel();
  QTA_CHECK(t.done());
  QTA_CHECK(t.cancelled());
  QTA_CHECK(p.inner_saw_cancel);
  QTA_CHECK(p.inner_destroyed);
  co_await Timer(2, Unit::us);  // the cancelled timer must never resume it
  QTA_CHECK_EQ(p.inner_resumed, 0);
  bool join_threw = false;
  try {
    co_await t;
  } catch (const CancelledError&) {
    join_threw = true;
  }
  QTA_CHECK(join_threw);
}

QTA_TEST(cancel_before_the_task_ran_skips_its_body) {
  bool ran = false;
  Task<int> t = start_soon(set_flag_then_return(ran, 1));
  t.cancel();
  co_await Timer(10, Unit::ns);
  QTA_CHECK(!ran);
  QTA_CHECK(t.cancelled());
}

QTA_TEST(cancel_wakes_joiners_with_cancelled_error) {
  Task<int> t = start_soon(slow_value(1, 1000));
  bool joiner_cancelled = false;
  Task<> joiner = start_soon([](Task<int> t, bool& flag) -> Task<> {
    try {
      co_await t;
    } catch (const CancelledError&) {
      flag = true;
    }
  }(t, joiner_cancelled));
  co_await Timer(5, Unit::ns);
  t.cancel();
  co_await joiner;
  QTA_CHECK(joiner_cancelled);
  QTA_CHECK_EQ(dut.now_ns(), 5.0);
}

// ---- Event and Queue -----------------------------------------------------------------------------

Task<> wait_and_stamp(Event& e, std::vector<double>& stamps) {
  co_await e.wait();
  stamps.push_back(Scheduler::current().now_ns());
}

QTA_TEST(event_set_wakes_every_waiter_and_a_set_event_does_not_block) {
  Event e("go");
  std::vector<double> stamps;
  start_soon(wait_and_stamp(e, stamps));
  start_soon(wait_and_stamp(e, stamps));
  co_await Timer(20, Unit::ns);
  QTA_CHECK(stamps.empty());
  e.set();
  co_await Timer(1, Unit::ns);
  QTA_CHECK(stamps == (std::vector<double>{20.0, 20.0}));
  co_await e.wait();  // already set
  QTA_CHECK_EQ(dut.now_ns(), 21.0);
  e.clear();
  QTA_CHECK(!e.is_set());
}

Task<> produce(Queue<int>& q, int n) {
  for (int i = 0; i < n; ++i) co_await q.put(i);
}

QTA_TEST(queue_is_fifo_and_put_blocks_when_full) {
  Queue<int> q(2);
  Task<> producer = start_soon(produce(q, 5));
  co_await Timer(10, Unit::ns);
  QTA_CHECK_EQ(q.qsize(), 2u);  // producer blocked on the third put
  QTA_CHECK(!producer.done());
  std::vector<int> got;
  for (int i = 0; i < 5; ++i) got.push_back(co_await q.get());
  QTA_CHECK(got == (std::vector<int>{0, 1, 2, 3, 4}));
  co_await producer;
  bool empty = false;
  try {
    q.get_nowait();
  } catch (const QueueEmpty&) {
    empty = true;
  }
  QTA_CHECK(empty);
}

Task<> hold_lock(Lock& lock, std::vector<int>& order, int id, double ns) {
  co_await lock.acquire();
  order.push_back(id);
  co_await Timer(ns, Unit::ns);
  lock.release();
}

QTA_TEST(lock_serialises_tasks_in_request_order) {
  Lock lock("bus");
  std::vector<int> order;
  for (int id = 0; id < 3; ++id) start_soon(hold_lock(lock, order, id, 10));
  co_await Timer(1, Unit::ns);
  QTA_CHECK(lock.locked());
  QTA_CHECK(order == (std::vector<int>{0}));
  co_await lock.acquire();  // fourth in line: after 3 x 10 ns
  QTA_CHECK_EQ(dut.now_ns(), 30.0);
  QTA_CHECK(order == (std::vector<int>{0, 1, 2}));
  lock.release();
  QTA_CHECK(!lock.locked());
}

QTA_TEST(start_runs_the_task_up_to_its_first_await_before_returning) {
  bool ran = false;
  Task<int> t = co_await start(set_flag_then_return(ran, 4));
  QTA_CHECK(ran);  // unlike start_soon
  QTA_CHECK_EQ(dut.now_ns(), 0.0);
  QTA_CHECK_EQ(co_await t, 8);
}

// ---- Clock ---------------------------------------------------------------------------------------

QTA_TEST(clock_starts_high_and_stop_halts_it) {
  CounterTb tb(dut);
  Clock clock(tb.clk, 10, Unit::ns);
  clock.start();
  co_await ReadOnly();
  QTA_CHECK_EQ(tb.clk.value(), 1u);
  co_await Timer(5, Unit::ns);
  co_await ReadOnly();
  QTA_CHECK_EQ(tb.clk.value(), 0u);
  clock.stop();
  bool toggled = false;
  try {
    co_await with_timeout(ValueChange(tb.clk), 100, Unit::ns);
    toggled = true;
  } catch (const SimTimeoutError&) {
  }
  QTA_CHECK(!toggled);
}

QTA_TEST(clock_rejects_an_odd_period) {
  CounterTb tb(dut);
  bool rejected = false;
  try {
    Clock(tb.clk, 3, Unit::step).start();
  } catch (const std::invalid_argument&) {
    rejected = true;
  }
  QTA_CHECK(rejected);
  co_return;
}

// ---- test options and the runner ---------------------------------------------------------------

QTA_TEST(expect_fail_passes_on_a_failed_check, .expect_fail = true) {
  co_await Timer(1, Unit::ns);
  QTA_CHECK_EQ(1 + 1, 3);
}

QTA_TEST(skipped_test_is_not_run, .skip = true) {
  QTA_FAIL("a skipped test ran");
  co_return;
}

QTA_TEST(test_timeout_fails_a_long_test, .timeout = 100, .timeout_unit = Unit::ns,
         .expect_error = error_of<SimTimeoutError>()) {
  co_await Timer(1, Unit::us);
}

QTA_TEST(a_test_waiting_forever_fails_when_events_run_out, .expect_error = error_of<PhaseError>()) {
  CounterTb tb(dut);
  co_await RisingEdge(tb.clk);  // no clock started
}

QTA_TEST(test_seed_is_derived_from_run_seed_and_name_and_given_to_verilator) {
  const char* run = std::getenv("COCOTB_RANDOM_SEED");
  QTA_CHECK(run != nullptr);
  QTA_CHECK_EQ(dut.seed(), derive_test_seed(std::stoull(run), dut.test_name()));
  QTA_CHECK_EQ(static_cast<uint32_t>(dut.context().randSeed()), dut.seed());
  dut.log().info("test seed {} noreset_o {:#010x}", dut.seed(), CounterTb(dut).noreset.value());
  co_return;
}

// ---- the design ending the simulation ------------------------------------------------------------

QTA_TEST(design_finish_fails_the_test, .expect_error = error_of<SimFailure>()) {
  CounterTb tb(dut);
  co_await tb.start_and_reset(false);
  tb.finish.set(1);
  co_await ClockCycles(tb.clk, 3);
  QTA_FAIL("the test went on after $finish");
}

QTA_TEST(design_stop_fails_the_test, .expect_error = error_of<SimFailure>()) {
  CounterTb tb(dut);
  co_await tb.start_and_reset(false);
  tb.stop.set(1);
  co_await ClockCycles(tb.clk, 3);
  QTA_FAIL("the test went on after $stop");
}

QTA_TEST(first_rethrows_the_exception_of_a_winning_task) {
  std::string what;
  try {
    co_await First(throw_after(5), Timer(50, Unit::ns));
  } catch (const std::runtime_error& e) {
    what = e.what();
  }
  QTA_CHECK_EQ(what, std::string("boom from a task"));
  QTA_CHECK_EQ(dut.now_ns(), 5.0);
}

QTA_TEST(combine_joins_tasks_and_triggers) {
  Task<int> a = slow_value(1, 40);
  co_await Combine(a, Timer(10, Unit::ns), slow_value(2, 25));
  QTA_CHECK_EQ(dut.now_ns(), 40.0);
  QTA_CHECK_EQ(a.result(), 1);
}

// ---- signals by name (model verilated with --public-flat-rw) ------------------------------------

QTA_TEST(signals_by_name_reach_internal_registers) {
  CounterTb tb(dut);
  co_await tb.start_and_reset(true);
  co_await ClockCycles(tb.clk, 3);
  Signal count_q = dut["count_q"];
  QTA_CHECK_EQ(count_q.width(), 8);
  QTA_CHECK_EQ(count_q.value(), 3u);
  QTA_CHECK_EQ(dut["wide_o"].width(), 96);
  QTA_CHECK_EQ(dut["noreset_q"].width(), 32);
  // A write to a register is a deposit (cocotb: dut.count_q.value = 0x40): the design goes on
  // from there.
  tb.en.set(0);
  count_q.set(0x40);
  co_await ReadOnly();
  QTA_CHECK_EQ(tb.count.value(), 0x40u);
  std::string message;
  try {
    dut["no_such_signal"];
  } catch (const std::invalid_argument& e) {
    message = e.what();
  }
  QTA_CHECK(message.find("'no_such_signal' not found in TOP.counter") != std::string::npos);
}

// ---- throughput --------------------------------------------------------------------------------

QTA_TEST(twenty_thousand_cycles_with_a_check_per_edge) {
  CounterTb tb(dut);
  co_await tb.start_and_reset(true);
  for (uint64_t i = 1; i <= 20000; ++i) {
    co_await RisingEdge(tb.clk);
    if (tb.count.value() != (i & 0xff)) QTA_FAIL("cycle {}: count {} != {}", i, tb.count.value(), i & 0xff);
  }
}

// ---- the example of docs/harness.md, verbatim ----------------------------------------------------

QTA_TEST(counter_counts_enabled_cycles, .timeout = 1, .timeout_unit = Unit::us) {
  auto& top = dut.top<Vcounter>();
  Signal clk = dut.signal(top.clk_i, "clk_i", 1), rst_n = dut.signal(top.rst_ni, "rst_ni", 1),
         en = dut.signal(top.en_i, "en_i", 1), count = dut.signal(top.count_o, "count_o", 8),
         wrap = dut.signal(top.wrap_o, "wrap_o", 1);
  Clock(clk, 10, "ns").start();           // Clock::start() already schedules the task
  rst_n.set(0);
  en.set(1);
  co_await ClockCycles(clk, 2);
  rst_n.set(1);
  for (uint64_t i = 1; i <= 5; ++i) {
    co_await RisingEdge(clk);
    QTA_CHECK_EQ(count.value(), i);        // fails with "count.value() == i (3 != 4)"
  }
  en.set(0);
  co_await ReadOnly();
  std::size_t fired = co_await First(Timer(100, "ns"), RisingEdge(wrap));   // index, not object
  QTA_CHECK_EQ(fired, 0u);
  dut.log().info("done at {} ns", dut.now_ns());
}

QTA_TEST_MAIN(Vcounter)
