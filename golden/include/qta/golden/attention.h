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
  MatF out_host;                           // LoRA_o's Y0 + s Y1 in FP32 before its last quantization (the loss's input)
  MatF da[4], db[4];                       // after attention_backward_quantized: gradients of q, k, v, o
};
AttentionQuantResult attention_forward_quantized(const AttentionParams& p, const MatF& x, const MatF& ctx,
                                                 const AttentionShape& sh, const QuantConfig& cfg,
                                                 GemmEngine& engine = golden_engine());

// The backward pass of the block from dOut (tokens x d_model), continuing `r`: LoRA_o's eight
// steps ("o.bwd_*"), per head h the GEMMs "attn.h<h>.dp" (dP = dO_h V_h^T), "attn.h<h>.dv"
// (dV_h = P_h^T dO_h), the host's softmax backward (dS = P (dP - rowsum(dP P)), FP32, quantized
// as "attn.h<h>.dscores"), "attn.h<h>.dq" (dQ_h = dS K_h / sqrt(dh)) and "attn.h<h>.dk"
// (dK_h = dS^T Q_h / sqrt(dh)), the host's concatenation of the heads, then the backward steps
// of LoRA_q, LoRA_k and LoRA_v. Sets r.da[i], r.db[i] (i = 0 q, 1 k, 2 v, 3 o).
void attention_backward_quantized(AttentionQuantResult& r, const MatF& dout, const AttentionShape& sh,
                                  const QuantConfig& cfg, GemmEngine& engine = golden_engine());

// Row-wise softmax (max-subtracted), FP32.
MatF softmax_rows(const MatF& x);

}  // namespace qta::golden
