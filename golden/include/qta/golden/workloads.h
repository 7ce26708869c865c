// Stable Diffusion v1.5 LoRA workloads: the cross-attention projections of the UNet at 512x512.
#pragma once

#include <string>
#include <vector>

namespace qta::golden {

struct LinearWorkload {
  std::string name;   // e.g. "down1.attn2.to_q"
  int64_t tokens;     // rows of X
  int64_t d_in, d_out;
  int count;          // how many such layers the UNet has
};

// Every cross-attention projection (to_q, to_k, to_v, to_out) per UNet level: query widths
// 320/640/1280 at 4096/1024/256 tokens (5 transformer blocks each: 2 down, 3 up) and the
// mid block at 1280 x 64 tokens; to_k and to_v read the 77 x 768 CLIP text context.
std::vector<LinearWorkload> sd15_cross_attention_workloads();
constexpr int64_t kSd15ContextTokens = 77;
constexpr int64_t kSd15ContextWidth = 768;
constexpr int kMinRank = 4, kMaxRank = 64;

}  // namespace qta::golden
