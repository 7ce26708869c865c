#include "qta/harness/clock.h"

#include <fmt/format.h>

namespace qta::harness {

namespace {
Task<> toggle(Signal sig, uint64_t half, bool start_high) {
  const uint64_t first = start_high ? 1 : 0;
  for (;;) {
    sig.set(first);
    co_await Timer(static_cast<double>(half), Unit::step);
    sig.set(first ^ 1);
    co_await Timer(static_cast<double>(half), Unit::step);
  }
}
}  // namespace

uint64_t Clock::period_steps() const {
  const uint64_t steps = Scheduler::current().to_steps(period_, unit_);
  if (steps < 2 || steps % 2)
    throw std::invalid_argument(fmt::format(
        "Clock on '{}': period {} {} is {} simulator steps; it must be an even number >= 2",
        sig_.name(), period_, unit_name(unit_), steps));
  return steps;
}

Task<> Clock::start(bool start_high) {
  task_ = start_soon(toggle(sig_, period_steps() / 2, start_high), "clock:" + sig_.name());
  return task_;
}

}  // namespace qta::harness
