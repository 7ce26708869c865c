#include "qta/golden/attention.h"

#include <cmath>
#include <fmt/format.h>

#include "qta/cli.h"

namespace qta::golden {

void AttentionShape::validate() const {
  LoraShape{tokens, d_model, d_model, rank, alpha}.validate();
  LoraShape{ctx_tokens, d_ctx, d_model, rank, alpha}.validate();
  if (heads < 1 || heads > d_model || d_model % heads != 0)
    throw UsageError(fmt::format("heads = {} must divide d_model = {}; valid: a divisor of d_model", heads, d_model));
}

AttentionParams random_attention_params(const AttentionShape& sh, Rng& rng) {
  AttentionParams p;
  p.q = random_lora_params(LoraShape{sh.tokens, sh.d_model, sh.d_model, sh.rank, sh.alpha}, rng);
  p.k = random_lora_params(LoraShape{sh.ctx_tokens, sh.d_ctx, sh.d_model, sh.rank, sh.alpha}, rng);
  p.v = random_lora_params(LoraShape{sh.ctx_tokens, sh.d_ctx, sh.d_model, sh.rank, sh.alpha}, rng);
  p.o = random_lora_params(LoraShape{sh.tokens, sh.d_model, sh.d_model, sh.rank, sh.alpha}, rng);
  return p;
}

MatF softmax_rows(const MatF& x) {
  MatF y(x.rows, x.cols);
  for (int64_t r = 0; r < x.rows; ++r) {
    float m = -INFINITY;
    for (int64_t c = 0; c < x.cols; ++c) m = std::max(m, x(r, c));
    double sum = 0;
    for (int64_t c = 0; c < x.cols; ++c) sum += std::exp(double(x(r, c) - m));
    for (int64_t c = 0; c < x.cols; ++c) y(r, c) = float(std::exp(double(x(r, c) - m)) / sum);
  }
  return y;
}

namespace {
template <class T>
Matrix<T> columns(const Matrix<T>& x, int64_t first, int64_t count) {
  Matrix<T> y(x.rows, count);
  for (int64_t r = 0; r < x.rows; ++r)
    for (int64_t c = 0; c < count; ++c) y(r, c) = x(r, first + c);
  return y;
}
template <class T>
void set_columns(Matrix<T>& x, int64_t first, const Matrix<T>& part) {
  for (int64_t r = 0; r < x.rows; ++r)
    for (int64_t c = 0; c < part.cols; ++c) x(r, first + c) = part(r, c);
}
}  // namespace

AttentionResult attention_forward_fp32(const AttentionParams& p, const MatF& x, const MatF& ctx, const AttentionShape& sh) {
  sh.validate();
  const double s = sh.alpha / double(sh.rank);
  const MatF q = lora_forward_fp32(p.q, x, s).y;
  const MatF k = lora_forward_fp32(p.k, ctx, s).y;
  const MatF v = lora_forward_fp32(p.v, ctx, s).y;
  const int64_t dh = sh.head_dim();
  MatF o(sh.tokens, sh.d_model);
  for (int64_t h = 0; h < sh.heads; ++h) {
    const MatF scores = scaled(matmul(columns(q, h * dh, dh), Op::N, columns(k, h * dh, dh), Op::T),
                               float(1.0 / std::sqrt(double(dh))));
    set_columns(o, h * dh, matmul(softmax_rows(scores), Op::N, columns(v, h * dh, dh), Op::N));
  }
  return AttentionResult{lora_forward_fp32(p.o, o, s).y};
}

AttentionQuantResult attention_forward_quantized(const AttentionParams& p, const MatF& x, const MatF& ctx,
                                                 const AttentionShape& sh, const QuantConfig& cfg) {
  sh.validate();
  const double s = sh.alpha / double(sh.rank);
  AttentionQuantResult r;
  auto absorb = [&r](LoraQuantStep&& part) {
    for (auto& st : part.steps) r.steps.push_back(std::move(st));
    for (auto& [name, t] : part.tensors) r.tensors[name] = t;
  };
  const QTensor xq = quantize(x, cfg.q), cq = quantize(ctx, cfg.q);
  absorb(lora_forward_quantized(p.q, xq, s, cfg, "q."));
  absorb(lora_forward_quantized(p.k, cq, s, cfg, "k."));
  absorb(lora_forward_quantized(p.v, cq, s, cfg, "v."));
  const QTensor Q = r.tensors["q.y"], K = r.tensors["k.y"], V = r.tensors["v.y"];
  const int64_t dh = sh.head_dim();
  MatF o(sh.tokens, sh.d_model);
  for (int64_t h = 0; h < sh.heads; ++h) {
    const std::string P = fmt::format("attn.h{}.", h);
    // A column slice of a per-tensor quantized tensor keeps the tensor's scale.
    const QTensor qh{columns(Q.values, h * dh, dh), Q.scale, Q.q};
    const QTensor kh{columns(K.values, h * dh, dh), K.scale, K.q};
    const QTensor vh{columns(V.values, h * dh, dh), V.scale, V.q};
    r.steps.push_back(run_gemm_step(P + "qkt", P + "q", qh, Op::N, P + "k", kh, Op::T, P + "scores",
                                    1.0 / std::sqrt(double(dh)), cfg.fwd_rounding, cfg));
    r.tensors[P + "scores"] = r.steps.back().output();
    const QTensor probs = quantize(softmax_rows(dequantize(r.tensors[P + "scores"])), cfg.q);  // host-side softmax
    r.tensors[P + "probs"] = probs;
    r.steps.push_back(run_gemm_step(P + "pv", P + "probs", probs, Op::N, P + "v", vh, Op::N, P + "o", 1.0,
                                    cfg.fwd_rounding, cfg));
    r.tensors[P + "o"] = r.steps.back().output();
    set_columns(o, h * dh, dequantize(r.tensors[P + "o"]));  // host-side concatenation
  }
  absorb(lora_forward_quantized(p.o, quantize(o, cfg.q), s, cfg, "o."));
  r.out = dequantize(r.tensors["o.y"]);
  return r;
}

}  // namespace qta::golden
