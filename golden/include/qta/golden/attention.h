// A cross-attention block of the Stable Diffusion UNet with LoRA on each projection:
// Q = LoRA_q(X), K = LoRA_k(C), V = LoRA_v(C), O_h = softmax(Q_h K_h^T / sqrt(dh)) V_h,
// Out = LoRA_o(concat_h O_h). X: tokens x d_model, C: the text context (77 x 768 in SD v1.5).
// Forward pass, FP32 and quantized. Softmax, the head concatenation and the LoRA adds are
// host-side FP32 (docs/quantization.md); every GEMM is an integer GemmStep.
#pragma once

#include "qta/golden/lora.h"

namespace qta::golden {

struct AttentionShape {
  int64_t tokens = 64;
  int64_t d_model = 32;
  int64_t ctx_tokens = 77;
  int64_t d_ctx = 48;
  int64_t heads = 2;
  int64_t rank = 4;
  double alpha = 4;
  int64_t head_dim() const { return d_model / heads; }
  void validate() const;
};

struct AttentionParams {
  LoraParams q, k, v, o;
};
AttentionParams random_attention_params(const AttentionShape& sh, Rng& rng);

struct AttentionResult {
  MatF out;  // tokens x d_model
};
AttentionResult attention_forward_fp32(const AttentionParams& p, const MatF& x, const MatF& ctx, const AttentionShape& sh);

struct AttentionQuantResult {
  std::vector<GemmStep> steps;             // "q.fwd_xw", ..., "attn.h0.qkt", "attn.h0.pv", ..., "o.fwd_hbt"
  std::map<std::string, QTensor> tensors;
  MatF out;
};
AttentionQuantResult attention_forward_quantized(const AttentionParams& p, const MatF& x, const MatF& ctx,
                                                 const AttentionShape& sh, const QuantConfig& cfg);

// Row-wise softmax (max-subtracted), FP32.
MatF softmax_rows(const MatF& x);

}  // namespace qta::golden
