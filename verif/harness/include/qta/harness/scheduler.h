// The scheduler: runs tasks and drives the Verilator model's eval() and time through cocotb's
// phases. One Scheduler per test; Scheduler::current() is the one running.
//
// One time step t:
//   1. NextTimeStep waiters, then Timer waiters due at t, resume (their writes are queued).
//   2. Delta loop: apply queued writes, eval(), fire RisingEdge/FallingEdge/ValueChange waiters
//      of signals that changed, run them; then fire ReadWrite waiters and run them; repeat while
//      writes are queued (at most max_deltas times).
//   3. ReadOnly waiters run; a write now is a PhaseError that fails the test.
//   4. Trace dump at t, then time advances to the earliest pending Timer.
#pragma once

#include <cstdint>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "qta/harness/core.h"
#include "qta/harness/signal.h"
#include "qta/harness/task.h"

namespace qta::harness {

// What the scheduler needs from a simulated model (implemented by Dut for Verilator models).
class Model {
 public:
  virtual ~Model() = default;
  virtual void eval() = 0;
  virtual void set_time(uint64_t steps) = 0;
  virtual void dump(uint64_t steps) = 0;       // trace at the end of a time step (no-op if off)
  virtual int precision_exponent() const = 0;  // e.g. -12 when one step is 1 ps
  virtual std::string finish_reason() = 0;     // non-empty once the design called $finish/$stop
};

enum class Phase { idle, normal, read_write, read_only };

enum class EdgeKind { rising, falling, change };

class Scheduler {
 public:
  explicit Scheduler(Model& model);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  static Scheduler& current();     // throws PhaseError outside a running test
  static Scheduler* current_or_null();

  // --- time ---
  uint64_t now() const { return now_; }
  double now_in(Unit u) const;
  double now_ns() const { return now_in(Unit::ns); }
  int precision_exponent() const { return precision_; }
  // Converts a duration to simulator steps; throws std::invalid_argument when it is not a whole
  // number of steps (cocotb's round_mode="error") or negative.
  uint64_t to_steps(double t, Unit u) const;
  Phase phase() const { return phase_; }

  // --- waits (used by triggers) ---
  void add_timer(uint64_t delay_steps, WaitNode& n);
  void add_read_write(WaitNode& n);
  void add_read_only(WaitNode& n);
  void add_next_time_step(WaitNode& n);
  void add_edge(const Signal& s, EdgeKind kind, WaitNode& n);

  // --- writes ---
  void schedule_write(const Signal& s, std::vector<uint32_t> words);
  void schedule_write(const Signal& s, uint64_t value);

  // --- tasks ---
  void start_soon(PromiseBase& root, std::string name);
  void wake(PromiseBase& root);
  void cancel(PromiseBase& root);
  void task_finished(PromiseBase& root) noexcept;
  bool shutting_down() const { return shutting_down_; }
  PromiseBase* current_task() const { return running_.empty() ? nullptr : running_.back(); }

  // Ends the current test with this error (first failure wins).
  void fail(std::exception_ptr e) noexcept;

  // Runs `test` to completion (or failure, or timeout when timeout_steps > 0). Returns the test's
  // error, null when it passed. Cancels every task still alive afterwards.
  std::exception_ptr run(PromiseBase& test, uint64_t timeout_steps);

  int max_deltas = 10000;

 private:
  struct Watch {
    Signal sig;
    std::vector<uint32_t> last;
    WaitList lists[3];
  };
  struct PendingWrite {
    Signal sig;
    std::vector<uint32_t> words;
  };
  class TimeoutNode;

  void run_ready();
  void resume(PromiseBase& root);
  void apply_writes_and_eval();
  void check_edges();
  bool advance_time();
  void shutdown();
  void release_finished();

  Model& model_;
  int precision_;
  uint64_t now_ = 0;
  Phase phase_ = Phase::idle;
  std::map<uint64_t, WaitList> timers_;
  WaitList read_write_, read_only_, next_step_;
  WaitList read_write_next_, read_only_next_;  // armed during ReadOnly: next time step
  std::map<const void*, std::unique_ptr<Watch>> watches_;
  std::vector<PendingWrite> writes_;
  std::deque<PromiseBase*> ready_;            // each entry holds one reference
  std::vector<PromiseBase*> live_;             // started, unfinished roots (one reference each)
  std::vector<PromiseBase*> finished_;         // roots to release after the current resume
  std::vector<PromiseBase*> running_;
  PromiseBase* test_ = nullptr;
  bool test_over_ = false;
  bool shutting_down_ = false;
  bool evaluated_ = false;
  std::exception_ptr failure_;
  Scheduler* previous_ = nullptr;
};

}  // namespace qta::harness
