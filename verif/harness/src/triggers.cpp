#include "qta/harness/triggers.h"

namespace qta::harness {

Timer::Timer(double t, Unit u) : steps_(Scheduler::current().to_steps(t, u)) {
  if (steps_ == 0)
    throw std::invalid_argument(fmt::format(
        "Timer({} {}) is zero simulator steps: use ReadWrite() or NextTimeStep() instead", t,
        unit_name(u)));
}

ClockCycles::ClockCycles(Signal sig, uint64_t n, bool rising) : sig_(std::move(sig)), n_(n), rising_(rising) {
  if (n == 0) throw std::invalid_argument("ClockCycles of 0 cycles on '" + sig_.name() + "' (need >= 1)");
}

void ClockCycles::arm(Waker& w) {
  waker_ = &w;
  left_ = n_;
  node_.owner = this;
  Scheduler::current().add_edge(sig_, rising_ ? EdgeKind::rising : EdgeKind::falling, node_);
}

void ClockCycles::Node::fire() {
  if (--owner->left_ > 0)
    Scheduler::current().add_edge(owner->sig_, owner->rising_ ? EdgeKind::rising : EdgeKind::falling,
                                  *this);
  else
    owner->waker_->wake();
}

}  // namespace qta::harness
