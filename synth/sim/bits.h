// Bit fields of Verilator's wide ports (VlWide word arrays), shared by the gate-level
// testbenches of synth/sim/.
#pragma once

#include <cstdint>

namespace qta_sim {

template <typename W>
uint32_t get_bits(const W& w, int offset, int width) {  // width <= 32
  uint64_t v = 0;
  for (int i = 0; i < width; ++i) {
    int bit = offset + i;
    v |= static_cast<uint64_t>((w[bit / 32] >> (bit % 32)) & 1u) << i;
  }
  return static_cast<uint32_t>(v);
}

template <typename W>
void set_bits(W& w, int offset, int width, uint64_t value) {  // width <= 64
  for (int i = 0; i < width; ++i) {
    int bit = offset + i;
    uint32_t mask = 1u << (bit % 32);
    if ((value >> i) & 1) w[bit / 32] |= mask;
    else w[bit / 32] &= ~mask;
  }
}

}  // namespace qta_sim
