// Seeds: one run seed (COCOTB_RANDOM_SEED / RANDOM_SEED, else the time), one derived seed per test.
#pragma once

#include <cstdint>
#include <string_view>

namespace qta::harness {

// FNV-1a 64 of "<run_seed>:<test_name>", folded to a positive 31-bit value (never 0, because
// Verilator's randSeed(0) means "pick a random seed"). Same inputs, same seed, on every machine.
uint32_t derive_test_seed(uint64_t run_seed, std::string_view test_name);

}  // namespace qta::harness
