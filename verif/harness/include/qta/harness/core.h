// Core vocabulary of the qta harness: errors, time units and the intrusive wait lists every
// trigger is built on. See docs/harness.md for the cocotb -> qta mapping.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace qta::harness {

// A functional check failed (cocotb: AssertionError). `expect_fail` tests pass on this error.
struct TestFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Thrown by QTA_SKIP: the test decided at run time that it does not apply (cocotb:
// raise SkipTest / pytest.skip); reported as skipped with the reason, never as passed.
struct SkipTest : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Thrown into a task at its current await when it is cancelled (cocotb: CancelledError).
struct CancelledError : std::runtime_error {
  CancelledError() : std::runtime_error("task cancelled") {}
};

// with_timeout() or a test timeout expired (cocotb: SimTimeoutError).
struct SimTimeoutError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The design ended the simulation ($finish, $stop, a failed assertion) while a test was running
// (cocotb: SimFailure).
struct SimFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A write from the ReadOnly phase, or another scheduling rule broken by the testbench.
struct PhaseError : std::logic_error {
  using std::logic_error::logic_error;
};

// Queue::get_nowait on an empty queue / put_nowait on a full one (cocotb: QueueEmpty/QueueFull).
struct QueueEmpty : std::runtime_error {
  QueueEmpty() : std::runtime_error("queue is empty") {}
};
struct QueueFull : std::runtime_error {
  QueueFull() : std::runtime_error("queue is full") {}
};

// Time units, as cocotb's strings "step", "fs", "ps", "ns", "us", "ms", "sec".
enum class Unit { step, fs, ps, ns, us, ms, sec };
// Parses "fs".."sec" or "step"; throws std::invalid_argument naming the valid units.
Unit parse_unit(std::string_view name);
std::string_view unit_name(Unit u);
// Power of ten of one unit in seconds (fs = -15 ... sec = 0); `step` has no exponent.
int unit_exponent(Unit u);

class WaitList;

// One pending wait, linked into exactly one WaitList while armed. Copying gives an unlinked node.
class WaitNode {
 public:
  WaitNode() = default;
  WaitNode(const WaitNode&) {}
  WaitNode& operator=(const WaitNode&) { return *this; }
  virtual ~WaitNode() { unlink(); }
  virtual void fire() = 0;  // the awaited thing happened (node already unlinked)
  bool linked() const { return list_ != nullptr; }
  void unlink();

 private:
  friend class WaitList;
  WaitList* list_ = nullptr;
  WaitNode* prev_ = nullptr;
  WaitNode* next_ = nullptr;
};

// Intrusive FIFO of wait nodes. fire_all() wakes every node armed at the time of the call, in
// arming order; nodes armed while firing wait for the next fire_all().
class WaitList {
 public:
  WaitList() = default;
  WaitList(const WaitList&) = delete;
  WaitList& operator=(const WaitList&) = delete;
  ~WaitList() { clear(); }
  void push_back(WaitNode& n);
  void remove(WaitNode& n);
  bool empty() const { return head_ == nullptr; }
  std::size_t size() const;
  void fire_all();
  void clear();  // unlink all without firing
  void move_to(WaitList& dst);  // append every node to dst, still armed

 private:
  WaitNode* pop_front();
  WaitNode* head_ = nullptr;
  WaitNode* tail_ = nullptr;
};

// Whatever a trigger wakes when it fires: a suspended task, or a First/Combine combinator.
struct Waker {
  virtual void wake() = 0;

 protected:
  ~Waker() = default;
};

}  // namespace qta::harness
