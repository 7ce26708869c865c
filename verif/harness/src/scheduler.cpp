#include "qta/harness/scheduler.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "qta/harness/log.h"

namespace qta::harness {

namespace {
thread_local Scheduler* g_current = nullptr;
}

// ---- PromiseBase / detail hooks used by task.h --------------------------------------------

bool PromiseBase::cancelled() const {
  if (!done || !error) return false;
  try {
    std::rethrow_exception(error);
  } catch (const CancelledError&) {
    return true;
  } catch (...) {
    return false;
  }
}

namespace detail {
void warn_never_awaited(const PromiseBase& p) noexcept {
  try {
    logger("qta.scheduler")
        ->warn("a coroutine{} was created but never awaited nor started: forgotten co_await?",
                  p.name.empty() ? std::string() : " '" + p.name + "'");
  } catch (...) {
  }
}

void start_root(PromiseBase& p, std::string name) { Scheduler::current().start_soon(p, std::move(name)); }

void cancel_root(PromiseBase& p) {
  if (p.done) return;
  if (!p.started) {  // never scheduled: nothing to unwind
    p.error = std::make_exception_ptr(CancelledError());
    p.started = p.done = true;
    return;
  }
  if (!p.is_root)
    throw PhaseError("cancel: task '" + p.name +
                     "' runs inline inside its caller; cancel the task that awaits it");
  p.sched->cancel(p);
}

void root_finished(PromiseBase& p) noexcept { p.sched->task_finished(p); }

void rethrow_if_error(const PromiseBase& p) {
  if (!p.done) throw PhaseError("task '" + p.name + "' has not finished: no result yet");
  if (p.error) std::rethrow_exception(p.error);
}

bool shutting_down() { return Scheduler::current().shutting_down(); }
void wake_root(PromiseBase& root) { root.sched->wake(root); }
}  // namespace detail

// ---- Scheduler ------------------------------------------------------------------------------

class Scheduler::TimeoutNode : public WaitNode {
 public:
  TimeoutNode(Scheduler& s, uint64_t steps) : s_(s), steps_(steps) {}
  void fire() override {
    s_.fail(std::make_exception_ptr(SimTimeoutError(
        fmt::format("test timed out after {} steps ({:.2f} ns)", steps_, s_.now_ns()))));
  }

 private:
  Scheduler& s_;
  uint64_t steps_;
};

Scheduler::Scheduler(Model& model) : model_(model), precision_(model.precision_exponent()) {}

Scheduler::~Scheduler() {
  for (PromiseBase* p : ready_) p->release();
  ready_.clear();
  release_finished();
  if (g_current == this) g_current = previous_;
}

Scheduler& Scheduler::current() {
  if (!g_current) throw PhaseError("no test is running: triggers and writes need a running test");
  return *g_current;
}

Scheduler* Scheduler::current_or_null() { return g_current; }

double Scheduler::now_in(Unit u) const {
  if (u == Unit::step) return static_cast<double>(now_);
  return static_cast<double>(now_) * std::pow(10.0, precision_ - unit_exponent(u));
}

uint64_t Scheduler::to_steps(double t, Unit u) const {
  if (!(t >= 0) || !std::isfinite(t))
    throw std::invalid_argument(fmt::format("time {} {} is not a non-negative number", t, unit_name(u)));
  const double steps = u == Unit::step ? t : t * std::pow(10.0, unit_exponent(u) - precision_);
  const double rounded = std::round(steps);
  if (std::fabs(steps - rounded) > 1e-6 * std::max(1.0, std::fabs(steps)))
    throw std::invalid_argument(
        fmt::format("time {} {} is not a whole number of simulator steps (precision 1e{} s)", t,
                    unit_name(u), precision_));
  return static_cast<uint64_t>(rounded);
}

// ---- waits ------------------------------------------------------------------------------------

void Scheduler::add_timer(uint64_t delay_steps, WaitNode& n) {
  if (delay_steps == 0)
    throw std::invalid_argument("Timer of 0 steps: use ReadWrite() or NextTimeStep() instead");
  timers_[now_ + delay_steps].push_back(n);
}

void Scheduler::add_read_write(WaitNode& n) {
  (phase_ == Phase::read_only ? read_write_next_ : read_write_).push_back(n);
}

void Scheduler::add_read_only(WaitNode& n) {
  (phase_ == Phase::read_only ? read_only_next_ : read_only_).push_back(n);
}

void Scheduler::add_next_time_step(WaitNode& n) { next_step_.push_back(n); }

void Scheduler::add_edge(const Signal& s, EdgeKind kind, WaitNode& n) {
  if (!s.valid()) throw std::invalid_argument("edge trigger on an empty Signal");
  if (kind != EdgeKind::change && s.width() != 1)
    throw std::invalid_argument(fmt::format(
        "{} edge of '{}': edges need a 1-bit signal, this one has {} bits (use ValueChange)",
        kind == EdgeKind::rising ? "rising" : "falling", s.name(), s.width()));
  auto& w = watches_[s.key()];
  if (!w) {
    w = std::make_unique<Watch>();
    w->sig = s;
    w->last = s.words();
  }
  w->lists[static_cast<int>(kind)].push_back(n);
}

// ---- writes -----------------------------------------------------------------------------------

void Scheduler::schedule_write(const Signal& s, std::vector<uint32_t> words) {
  if (phase_ == Phase::read_only)
    throw PhaseError(fmt::format("write to '{}' during the ReadOnly phase at {:.2f} ns", s.name(),
                                 now_ns()));
  if (shutting_down_) return;  // cleanup of cancelled tasks after the test: nothing to drive
  writes_.push_back({s, std::move(words)});
}

void Scheduler::schedule_write(const Signal& s, uint64_t value) {
  std::vector<uint32_t> w{static_cast<uint32_t>(value)};
  if (s.width() > 32) w.push_back(static_cast<uint32_t>(value >> 32));
  schedule_write(s, std::move(w));
}

// ---- tasks ------------------------------------------------------------------------------------

void Scheduler::start_soon(PromiseBase& root, std::string name) {
  root.is_root = true;
  root.sched = this;
  root.started = true;
  root.resume_point = root.self;
  root.name = name.empty() ? (root.name.empty() ? fmt::format("task{}", live_.size()) : root.name)
                           : std::move(name);
  root.add_ref();
  live_.push_back(&root);
  wake(root);
}

void Scheduler::wake(PromiseBase& root) {
  if (root.queued || root.done) return;
  root.queued = true;
  root.add_ref();
  ready_.push_back(&root);
}

void Scheduler::resume(PromiseBase& root) {
  Scheduler* outer = g_current;
  g_current = this;
  root.running = true;
  root.ran = true;
  running_.push_back(&root);
  root.resume_point.resume();
  running_.pop_back();
  root.running = false;
  g_current = outer;
}

void Scheduler::cancel(PromiseBase& root) {
  if (root.done) return;
  if (root.running)
    throw PhaseError("cancel: task '" + root.name + "' is running (a task cannot cancel itself)");
  root.cancel_requested = true;
  if (root.suspension) root.suspension->disarm();
  root.queued = false;
  if (!root.ran) {  // scheduled but never ran: finish it without running its body
    root.error = std::make_exception_ptr(CancelledError());
    root.done = true;
    task_finished(root);
    return;
  }
  root.add_ref();
  resume(root);  // await_resume throws CancelledError into it
  root.release();
}

void Scheduler::task_finished(PromiseBase& root) noexcept {
  if (&root == test_) {
    test_over_ = true;
  } else if (root.error && !root.cancelled() && root.joiners.empty() && !shutting_down_) {
    fail(root.error);  // nobody awaits this task: its exception fails the test (as in cocotb)
  }
  root.joiners.fire_all();
  auto it = std::find(live_.begin(), live_.end(), &root);
  if (it != live_.end()) {
    live_.erase(it);
    finished_.push_back(&root);  // released after the current resume returns
  }
}

void Scheduler::release_finished() {
  auto done = std::move(finished_);
  finished_.clear();
  for (PromiseBase* p : done) p->release();
}

void Scheduler::fail(std::exception_ptr e) noexcept {
  if (!failure_) failure_ = e;
  test_over_ = true;
}

void Scheduler::run_ready() {
  while (!ready_.empty() && !test_over_) {
    PromiseBase* p = ready_.front();
    ready_.pop_front();
    const bool due = p->queued && !p->done;
    p->queued = false;
    if (due) resume(*p);
    p->release();
    release_finished();
  }
}

// ---- the simulation loop ----------------------------------------------------------------------

void Scheduler::apply_writes_and_eval() {
  for (const auto& w : writes_) w.sig.store_words(w.words);
  writes_.clear();
  model_.eval();
  evaluated_ = true;
  const std::string why = model_.finish_reason();
  if (!why.empty())
    fail(std::make_exception_ptr(SimFailure(
        fmt::format("the design ended the simulation at {:.2f} ns: {}", now_ns(), why))));
}

void Scheduler::check_edges() {
  for (auto it = watches_.begin(); it != watches_.end();) {
    Watch& w = *it->second;
    if (w.lists[0].empty() && w.lists[1].empty() && w.lists[2].empty()) {
      it = watches_.erase(it);
      continue;
    }
    std::vector<uint32_t> now = w.sig.words();
    if (now != w.last) {
      const bool was = w.last[0] & 1, is = now[0] & 1;
      w.last = std::move(now);
      if (w.sig.width() == 1 && !was && is) w.lists[0].fire_all();
      if (w.sig.width() == 1 && was && !is) w.lists[1].fire_all();
      w.lists[2].fire_all();
    }
    ++it;
  }
}

bool Scheduler::advance_time() {
  while (!timers_.empty() && timers_.begin()->second.empty()) timers_.erase(timers_.begin());
  if (timers_.empty()) return false;
  now_ = timers_.begin()->first;
  model_.set_time(now_);
  phase_ = Phase::normal;
  read_write_next_.move_to(read_write_);
  read_only_next_.move_to(read_only_);
  next_step_.fire_all();
  timers_.begin()->second.fire_all();
  timers_.erase(timers_.begin());
  return true;
}

std::exception_ptr Scheduler::run(PromiseBase& test, uint64_t timeout_steps) {
  previous_ = g_current;
  g_current = this;
  test_ = &test;
  phase_ = Phase::normal;
  model_.set_time(now_);
  TimeoutNode timeout(*this, timeout_steps);
  try {
    start_soon(test, test.name);
    if (timeout_steps > 0) add_timer(timeout_steps, timeout);
    while (!test_over_) {
      run_ready();
      int deltas = 0;
      while (!test_over_) {
        if (!writes_.empty() || !evaluated_) {
          if (++deltas > max_deltas)
            throw PhaseError(fmt::format(
                "more than {} delta cycles at {:.2f} ns: the testbench and the design keep "
                "writing each other (combinational loop through the testbench?)",
                max_deltas, now_ns()));
          apply_writes_and_eval();
          check_edges();
          run_ready();
          continue;
        }
        if (!read_write_.empty()) {
          phase_ = Phase::read_write;
          read_write_.fire_all();
          run_ready();
          phase_ = Phase::normal;
          if (writes_.empty() && ++deltas > max_deltas)
            throw PhaseError(fmt::format("more than {} ReadWrite rounds at {:.2f} ns without "
                                         "time advancing",
                                         max_deltas, now_ns()));
          continue;
        }
        break;
      }
      if (test_over_) break;
      if (!read_only_.empty()) {
        phase_ = Phase::read_only;
        read_only_.fire_all();
        run_ready();
        phase_ = Phase::normal;
        if (test_over_) break;
      }
      model_.dump(now_);
      if (!advance_time()) {
        fail(std::make_exception_ptr(PhaseError(fmt::format(
            "no more events at {:.2f} ns, but test '{}' has not finished: it waits for a trigger "
            "that can never fire (is a Clock running?)",
            now_ns(), test.name))));
      }
    }
  } catch (...) {
    fail(std::current_exception());
  }
  phase_ = Phase::normal;
  model_.dump(now_);
  shutdown();
  g_current = previous_;
  if (failure_) return failure_;
  return test.error;
}

void Scheduler::shutdown() {
  shutting_down_ = true;
  while (!live_.empty()) {
    PromiseBase* p = live_.back();
    p->add_ref();
    try {
      cancel(*p);
    } catch (...) {
    }
    if (!live_.empty() && live_.back() == p) {  // did not finish: drop it
      live_.pop_back();
      finished_.push_back(p);
    }
    p->release();
  }
  for (PromiseBase* p : ready_) p->release();
  ready_.clear();
  release_finished();
  writes_.clear();
}

}  // namespace qta::harness
