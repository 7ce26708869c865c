// What `qta verify` and the test bench (verif/tb) must agree on besides the configuration.
#pragma once

namespace qta::verif {

// The bench's clock period (Accel::start): results.xml's sim_time_ns / this = cycles.
inline constexpr int kTbClockPeriodNs = 10;

}  // namespace qta::verif
