// FNV-1a 64 (http://www.isthe.com/chongo/tech/comp/fnv/): configuration hashes, build stamps,
// per-step seeds. Header-only on purpose: verif's test bench compiles golden/src/*.cpp with
// Verilator without linking qta_common, and golden/src/step.cpp uses it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace qta {

inline constexpr uint64_t kFnv1a64Offset = 0xcbf29ce484222325ull;  // the standard start value
inline constexpr uint64_t kFnv1a64Prime = 0x100000001b3ull;

// FNV-1a 64 of the bytes of `s`, starting from `h` (kFnv1a64Offset, or a seed mixed into it; a
// previous result continues the hash over a concatenation).
constexpr uint64_t fnv1a64(std::string_view s, uint64_t h = kFnv1a64Offset) {
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= kFnv1a64Prime;
  }
  return h;
}

// `v` as 16 lowercase hex digits, zero-padded ("cbf29ce484222325").
inline std::string hex16(uint64_t v) {
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<size_t>(i)] = "0123456789abcdef"[v & 0xf];
  return out;
}

}  // namespace qta
