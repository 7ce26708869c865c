// The LFSR that drives stochastic rounding (docs/interfaces.md section 2). RTL matches it bit for bit.
#pragma once

#include <cstdint>

namespace qta::golden {

// 32-bit Galois LFSR, polynomial x^32 + x^22 + x^2 + x + 1, shifting right. Maximal length
// (period 2^32 - 1); the state 0 is a fixed point and is never used as a seed.
constexpr uint32_t kLfsrMask = 0x80200003u;

constexpr uint32_t lfsr_step(uint32_t state) {
  const uint32_t lsb = state & 1u;
  state >>= 1;
  if (lsb) state ^= kLfsrMask;
  return state;
}

}  // namespace qta::golden
