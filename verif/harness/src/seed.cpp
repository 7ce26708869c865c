#include "qta/harness/seed.h"

#include <string>

namespace qta::harness {

uint32_t derive_test_seed(uint64_t run_seed, std::string_view test_name) {
  const std::string key = std::to_string(run_seed) + ":" + std::string(test_name);
  uint64_t h = 14695981039346656037ULL;  // FNV-1a 64
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  const auto folded = static_cast<uint32_t>((h ^ (h >> 32)) & 0x7fffffffu);
  return folded == 0 ? 1 : folded;
}

}  // namespace qta::harness
