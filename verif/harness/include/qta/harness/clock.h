// Clock(sig, period, unit).start(): a task toggling `sig` forever (cocotb.clock.Clock).
#pragma once

#include <string_view>

#include "qta/harness/signal.h"
#include "qta/harness/task.h"
#include "qta/harness/triggers.h"

namespace qta::harness {

class Clock {
 public:
  // The period must be an even number of simulator steps (cocotb errors on an inexact period too).
  Clock(Signal sig, double period, Unit u = Unit::step) : sig_(std::move(sig)), period_(period), unit_(u) {}
  Clock(Signal sig, double period, std::string_view unit) : Clock(std::move(sig), period, parse_unit(unit)) {}

  // Starts toggling: high for the first half period when start_high (cocotb's default).
  // Returns the running task; stop() cancels it.
  Task<> start(bool start_high = true);
  void stop() {
    if (task_.valid()) task_.cancel();
  }
  const Signal& signal() const { return sig_; }
  uint64_t period_steps() const;

 private:
  Signal sig_;
  double period_;
  Unit unit_;
  Task<> task_;
};

}  // namespace qta::harness
