#include "qta/harness/components.h"

namespace qta::harness {

Task<> StreamDriver::drive(const uint64_t& item) {
  if (gap_cycles) {
    for (unsigned gap = gap_cycles(); gap > 0; --gap) {
      bus_.valid.set(0);
      co_await RisingEdge(bus_.clk);
    }
  }
  bus_.valid.set(1);
  bus_.data.set(item);
  for (;;) {
    co_await ReadOnly();
    const bool accepted = bus_.ready.value() != 0;
    co_await RisingEdge(bus_.clk);
    if (accepted) break;
  }
}

Task<> StreamDriver::idle() {
  bus_.valid.set(0);
  co_return;
}

Task<> StreamMonitor::monitor() {
  for (;;) {
    co_await ReadOnly();
    const bool fire = bus_.valid.value() && bus_.ready.value();
    const uint64_t data = bus_.data.value();
    co_await RisingEdge(bus_.clk);
    if (fire) emit(data);
  }
}

Task<> drive_ready(Signal clk, Signal ready, unsigned ready_percent, std::function<uint64_t()> rng) {
  for (;;) {
    ready.set(rng() % 100 < ready_percent ? 1 : 0);
    co_await RisingEdge(clk);
  }
}

}  // namespace qta::harness
