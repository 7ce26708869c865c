#include "qta/harness/components.h"

namespace qta::harness {

Task<> drive_ready(Signal clk, Signal ready, unsigned ready_percent, std::function<uint64_t()> rng) {
  for (;;) {
    ready.set(rng() % 100 < ready_percent ? 1 : 0);
    co_await RisingEdge(clk);
  }
}

}  // namespace qta::harness
