#include "qta/golden/workloads.h"

#include <fmt/format.h>

namespace qta::golden {

std::vector<LinearWorkload> sd15_cross_attention_workloads() {
  struct Level {
    const char* name;
    int64_t width, tokens;
    int blocks;
  };
  // 64x64 latent: level 1 at 64x64 = 4096 tokens, level 2 at 32x32, level 3 at 16x16, mid at 8x8.
  const Level levels[] = {{"level1", 320, 4096, 5}, {"level2", 640, 1024, 5}, {"level3", 1280, 256, 5}, {"mid", 1280, 64, 1}};
  std::vector<LinearWorkload> out;
  for (const Level& l : levels) {
    out.push_back({fmt::format("{}.attn2.to_q", l.name), l.tokens, l.width, l.width, l.blocks});
    out.push_back({fmt::format("{}.attn2.to_k", l.name), kSd15ContextTokens, kSd15ContextWidth, l.width, l.blocks});
    out.push_back({fmt::format("{}.attn2.to_v", l.name), kSd15ContextTokens, kSd15ContextWidth, l.width, l.blocks});
    out.push_back({fmt::format("{}.attn2.to_out", l.name), l.tokens, l.width, l.width, l.blocks});
  }
  return out;
}

}  // namespace qta::golden
