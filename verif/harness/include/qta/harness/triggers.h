// Triggers with cocotb's names and semantics. Every trigger is awaitable (`co_await
// RisingEdge(clk)`) and can be combined with First(...) / Combine(...).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "qta/harness/scheduler.h"
#include "qta/harness/signal.h"
#include "qta/harness/task.h"

namespace qta::harness {

// CRTP helper giving a trigger its co_await.
template <class D>
struct TriggerBase {
  detail::TriggerAwaiter<D> operator co_await() const& {
    return detail::TriggerAwaiter<D>(static_cast<const D&>(*this));
  }
  detail::TriggerAwaiter<D> operator co_await() && {
    return detail::TriggerAwaiter<D>(std::move(static_cast<D&>(*this)));
  }
};

// Fires `t` after the time it is awaited (cocotb: Timer(t, unit)). t must be a positive whole
// number of simulator steps.
class Timer : public TriggerBase<Timer> {
 public:
  explicit Timer(double t, Unit u = Unit::step);
  Timer(double t, std::string_view unit) : Timer(t, parse_unit(unit)) {}
  bool ready() const { return false; }
  void arm(Waker& w) {
    node_.waker = &w;
    Scheduler::current().add_timer(steps_, node_);
  }
  void disarm() { node_.unlink(); }
  void result() const {}
  uint64_t steps() const { return steps_; }

 private:
  uint64_t steps_ = 0;
  detail::WakerNode node_;
};

// RisingEdge / FallingEdge (1-bit signals) and ValueChange (any width; cocotb 1.x: Edge).
template <EdgeKind K>
class EdgeTrigger : public TriggerBase<EdgeTrigger<K>> {
 public:
  explicit EdgeTrigger(Signal s) : sig_(std::move(s)) {}
  bool ready() const { return false; }
  void arm(Waker& w) {
    node_.waker = &w;
    Scheduler::current().add_edge(sig_, K, node_);
  }
  void disarm() { node_.unlink(); }
  void result() const {}
  const Signal& signal() const { return sig_; }

 private:
  Signal sig_;
  detail::WakerNode node_;
};
using RisingEdge = EdgeTrigger<EdgeKind::rising>;
using FallingEdge = EdgeTrigger<EdgeKind::falling>;
using ValueChange = EdgeTrigger<EdgeKind::change>;
using Edge = ValueChange;

// Fires on the n-th rising (or falling) edge of `sig` (cocotb: ClockCycles(sig, n, rising)).
class ClockCycles : public TriggerBase<ClockCycles> {
 public:
  ClockCycles(Signal sig, uint64_t n, bool rising = true);
  ClockCycles(const ClockCycles& o) : sig_(o.sig_), n_(o.n_), rising_(o.rising_) {}
  bool ready() const { return false; }
  void arm(Waker& w);
  void disarm() { node_.unlink(); }
  void result() const {}

 private:
  struct Node : WaitNode {
    ClockCycles* owner = nullptr;
    void fire() override;
  };
  Signal sig_;
  uint64_t n_ = 1;
  bool rising_ = true;
  uint64_t left_ = 0;
  Waker* waker_ = nullptr;
  Node node_;
};

namespace detail {
enum class PhaseKind { read_write, read_only, next_time_step };
template <PhaseKind K>
class PhaseTrigger : public TriggerBase<PhaseTrigger<K>> {
 public:
  bool ready() const { return false; }
  void arm(Waker& w) {
    node_.waker = &w;
    auto& s = Scheduler::current();
    if constexpr (K == PhaseKind::read_write) s.add_read_write(node_);
    if constexpr (K == PhaseKind::read_only) s.add_read_only(node_);
    if constexpr (K == PhaseKind::next_time_step) s.add_next_time_step(node_);
  }
  void disarm() { node_.unlink(); }
  void result() const {}

 private:
  WakerNode node_;
};
}  // namespace detail

// The ReadWrite phase of the current time step: writes made after it are applied with another
// eval in the same time step. Awaited during ReadOnly: the next time step's.
using ReadWrite = detail::PhaseTrigger<detail::PhaseKind::read_write>;
// The ReadOnly phase: every signal has settled for this time step; writing is a PhaseError.
using ReadOnly = detail::PhaseTrigger<detail::PhaseKind::read_only>;
// The start of the next time step that has any event.
using NextTimeStep = detail::PhaseTrigger<detail::PhaseKind::next_time_step>;

// ---- First / Combine -------------------------------------------------------------------------

template <class T>
struct is_task : std::false_type {};
template <class T>
struct is_task<Task<T>> : std::true_type {};

// Tasks inside First/Combine are joined (and started if needed), like cocotb.
template <class X>
auto as_trigger(X&& x) {
  using D = std::decay_t<X>;
  if constexpr (is_task<D>::value)
    return Join<typename D::value_type>(std::forward<X>(x));
  else
    return D(std::forward<X>(x));
}

namespace detail {
template <class Trig>
void rethrow_if_failed_join(const Trig& t) {
  if constexpr (requires { t.task(); }) {
    if (t.task().done() && t.task().exception()) std::rethrow_exception(t.task().exception());
  }
}

template <class Derived, class... Ts>
class Combinator : public TriggerBase<Derived> {
 public:
  explicit Combinator(Ts... ts) : trigs_(std::move(ts)...) {}
  Combinator(const Combinator& o) : trigs_(o.trigs_) {}
  Combinator(Combinator&& o) : trigs_(std::move(o.trigs_)) {}
  void disarm() {
    std::apply([](auto&... t) { (t.disarm(), ...); }, trigs_);
  }

 protected:
  struct Child final : Waker {
    Combinator* parent = nullptr;
    std::size_t index = 0;
    void wake() override { static_cast<Derived*>(parent)->child_woke(index); }
  };
  template <class F>
  void each(F&& f) {
    std::size_t i = 0;
    std::apply([&](auto&... t) { (f(t, i++), ...); }, trigs_);
  }
  void arm_children(bool stop_when_fired) {
    each([&](auto& t, std::size_t i) {
      if (stop_when_fired && static_cast<Derived*>(this)->fired()) return;
      children_[i].parent = this;
      children_[i].index = i;
      t.arm(children_[i]);
    });
  }
  std::tuple<Ts...> trigs_;
  std::array<Child, sizeof...(Ts)> children_{};
  Waker* waker_ = nullptr;
};
}  // namespace detail

// Fires when the first of its triggers fires; `co_await` yields that trigger's index (cocotb
// returns the trigger object: see docs/harness.md). A winning task's exception is rethrown.
template <class... Ts>
class FirstTrigger : public detail::Combinator<FirstTrigger<Ts...>, Ts...> {
  using Base = detail::Combinator<FirstTrigger<Ts...>, Ts...>;
  friend Base;

 public:
  using Base::Base;
  bool ready() {
    this->each([&](auto& t, std::size_t i) {
      if (!winner_ && t.ready()) winner_ = i;
    });
    return winner_.has_value();
  }
  void arm(Waker& w) {
    this->waker_ = &w;
    winner_.reset();
    this->arm_children(true);
  }
  std::size_t result() {
    this->each([&](auto& t, std::size_t i) {
      if (i == *winner_) detail::rethrow_if_failed_join(t);
    });
    return *winner_;
  }
  bool fired() const { return winner_.has_value(); }
  void child_woke(std::size_t i) {
    if (winner_) return;
    winner_ = i;
    this->disarm();
    this->waker_->wake();
  }

 private:
  std::optional<std::size_t> winner_;
};

// Fires when all of its triggers have fired (cocotb: Combine). Rethrows a joined task's error.
template <class... Ts>
class CombineTrigger : public detail::Combinator<CombineTrigger<Ts...>, Ts...> {
  using Base = detail::Combinator<CombineTrigger<Ts...>, Ts...>;
  friend Base;

 public:
  using Base::Base;
  bool ready() {
    bool all = true;
    this->each([&](auto& t, std::size_t) { all = all && t.ready(); });
    return all;
  }
  void arm(Waker& w) {
    this->waker_ = &w;
    count_ = 0;
    this->arm_children(false);
  }
  void result() {
    this->each([](auto& t, std::size_t) { detail::rethrow_if_failed_join(t); });
  }
  bool fired() const { return count_ == sizeof...(Ts); }
  void child_woke(std::size_t) {
    if (++count_ == sizeof...(Ts)) this->waker_->wake();
  }

 private:
  std::size_t count_ = 0;
};

template <class... Xs>
auto First(Xs&&... xs) {
  static_assert(sizeof...(Xs) > 0, "First() needs at least one trigger");
  return FirstTrigger<decltype(as_trigger(std::forward<Xs>(xs)))...>(as_trigger(std::forward<Xs>(xs))...);
}

template <class... Xs>
auto Combine(Xs&&... xs) {
  static_assert(sizeof...(Xs) > 0, "Combine() needs at least one trigger");
  return CombineTrigger<decltype(as_trigger(std::forward<Xs>(xs)))...>(
      as_trigger(std::forward<Xs>(xs))...);
}

// Awaits a task (starting it if needed) but throws SimTimeoutError when it has not finished after
// `t`; the task is then cancelled (cocotb 2.0 behaviour).
template <class T>
Task<T> with_timeout(Task<T> task, double t, Unit u = Unit::step) {
  const std::size_t which = co_await First(Join<T>(task), Timer(t, u));
  if (which == 1) {
    task.cancel();
    throw SimTimeoutError(fmt::format("with_timeout: task '{}' did not finish within {} {}",
                                      task.name(), t, unit_name(u)));
  }
  co_return task.result();
}

// Awaits a trigger but throws SimTimeoutError when it has not fired after `t`.
template <class Trig>
  requires(!is_task<std::decay_t<Trig>>::value)
Task<> with_timeout(Trig trig, double t, Unit u = Unit::step) {
  const std::size_t which = co_await First(std::move(trig), Timer(t, u));
  if (which == 1)
    throw SimTimeoutError(fmt::format("with_timeout: trigger did not fire within {} {}", t, unit_name(u)));
}

template <class X>
auto with_timeout(X&& x, double t, std::string_view unit) {
  return with_timeout(std::forward<X>(x), t, parse_unit(unit));
}

}  // namespace qta::harness
