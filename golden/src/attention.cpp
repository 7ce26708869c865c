#include "qta/golden/attention.h"

#include <cmath>
#include <fmt/format.h>

#include "qta/cli.h"

namespace qta::golden {

void AttentionShape::validate() const {
  LoraShape{tokens, d_model, d_model, rank, alpha}.validate({"--d-model", "--d-model"});
  LoraShape{ctx_tokens, d_ctx, d_model, rank, alpha}.validate({"--d-ctx", "--d-model"});
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
                                                 const AttentionShape& sh, const QuantConfig& cfg, GemmEngine& engine) {
  sh.validate();
  const double s = sh.alpha / double(sh.rank);
  AttentionQuantResult r;
  auto absorb = [&r](LoraQuantStep&& part) {
    for (auto& st : part.steps) r.steps.push_back(std::move(st));
    for (auto& [name, t] : part.tensors) r.tensors[name] = t;
  };
  const QTensor xq = quantize(x, cfg.q), cq = quantize(ctx, cfg.q);
  absorb(lora_forward_quantized(p.q, xq, s, cfg, "q.", engine));
  absorb(lora_forward_quantized(p.k, cq, s, cfg, "k.", engine));
  absorb(lora_forward_quantized(p.v, cq, s, cfg, "v.", engine));
  const QTensor Q = r.tensors["q.y"], K = r.tensors["k.y"], V = r.tensors["v.y"];
  const int64_t dh = sh.head_dim();
  MatF o(sh.tokens, sh.d_model);
  for (int64_t h = 0; h < sh.heads; ++h) {
    const std::string P = fmt::format("attn.h{}.", h);
    // A column slice of a per-tensor quantized tensor keeps the tensor's scale.
    const QTensor qh{columns(Q.values, h * dh, dh), Q.scale, Q.q};
    const QTensor kh{columns(K.values, h * dh, dh), K.scale, K.q};
    const QTensor vh{columns(V.values, h * dh, dh), V.scale, V.q};
    r.steps.push_back(engine.run(P + "qkt", P + "q", qh, Op::N, P + "k", kh, Op::T, P + "scores",
                                    1.0 / std::sqrt(double(dh)), cfg.fwd_rounding, cfg));
    r.tensors[P + "scores"] = r.steps.back().output();
    const QTensor probs = quantize(softmax_rows(dequantize(r.tensors[P + "scores"])), cfg.q);  // host-side softmax
    r.tensors[P + "probs"] = probs;
    r.steps.push_back(engine.run(P + "pv", P + "probs", probs, Op::N, P + "v", vh, Op::N, P + "o", 1.0,
                                    cfg.fwd_rounding, cfg));
    r.tensors[P + "o"] = r.steps.back().output();
    set_columns(o, h * dh, dequantize(r.tensors[P + "o"]));  // host-side concatenation
  }
  LoraQuantStep out = lora_forward_quantized(p.o, quantize(o, cfg.q), s, cfg, "o.", engine);
  r.out_host = out.y_host;
  absorb(std::move(out));
  r.out = dequantize(r.tensors["o.y"]);
  return r;
}

namespace {
// LoRA backward of one projection inside the block: its forward tensors live in r.tensors under
// `prefix`; the new steps and tensors are appended to r.
void lora_backward_in_block(AttentionQuantResult& r, const std::string& prefix, const MatF& dy, double s,
                            const QuantConfig& cfg, GemmEngine& engine, int slot) {
  LoraQuantStep part;
  for (const char* t : {"x", "w", "a", "b", "h"}) part.tensors[prefix + t] = r.tensors.at(prefix + t);
  lora_backward_quantized(part, dy, s, cfg, prefix, engine);
  for (auto& st : part.steps) r.steps.push_back(std::move(st));
  for (auto& [name, t] : part.tensors) r.tensors[name] = t;
  r.da[slot] = part.da;
  r.db[slot] = part.db;
}

// Softmax backward per row: dS = P * (dP - sum_j dP_j P_j), FP32 on the host.
MatF softmax_backward_rows(const MatF& p, const MatF& dp) {
  MatF ds(p.rows, p.cols);
  for (int64_t r = 0; r < p.rows; ++r) {
    double dot = 0;
    for (int64_t c = 0; c < p.cols; ++c) dot += double(dp(r, c)) * double(p(r, c));
    for (int64_t c = 0; c < p.cols; ++c) ds(r, c) = float(double(p(r, c)) * (double(dp(r, c)) - dot));
  }
  return ds;
}
}  // namespace

void attention_backward_quantized(AttentionQuantResult& r, const MatF& dout, const AttentionShape& sh,
                                  const QuantConfig& cfg, GemmEngine& engine) {
  const double s = sh.alpha / double(sh.rank);
  const Rounding br = cfg.bwd_rounding;
  lora_backward_in_block(r, "o.", dout, s, cfg, engine, 3);
  const QTensor dO = r.tensors.at("o.dx"), Q = r.tensors.at("q.y"), K = r.tensors.at("k.y"), V = r.tensors.at("v.y");
  const int64_t dh = sh.head_dim();
  const double inv_sqrt_dh = 1.0 / std::sqrt(double(dh));
  MatF dq(sh.tokens, sh.d_model), dk(sh.ctx_tokens, sh.d_model), dv(sh.ctx_tokens, sh.d_model);
  for (int64_t h = 0; h < sh.heads; ++h) {
    const std::string P = fmt::format("attn.h{}.", h);
    const QTensor doh{columns(dO.values, h * dh, dh), dO.scale, dO.q};
    const QTensor qh{columns(Q.values, h * dh, dh), Q.scale, Q.q};
    const QTensor kh{columns(K.values, h * dh, dh), K.scale, K.q};
    const QTensor vh{columns(V.values, h * dh, dh), V.scale, V.q};
    const QTensor probs = r.tensors.at(P + "probs");
    r.tensors[P + "do"] = doh;
    r.steps.push_back(engine.run(P + "dp", P + "do", doh, Op::N, P + "v", vh, Op::T, P + "dprobs", 1.0, br, cfg));
    r.tensors[P + "dprobs"] = r.steps.back().output();
    r.steps.push_back(engine.run(P + "dv", P + "probs", probs, Op::T, P + "do", doh, Op::N, P + "dv", 1.0, br, cfg));
    r.tensors[P + "dv"] = r.steps.back().output();
    const QTensor ds = quantize(softmax_backward_rows(dequantize(probs), dequantize(r.tensors[P + "dprobs"])), cfg.q);
    r.tensors[P + "dscores"] = ds;  // host-side softmax backward
    r.steps.push_back(engine.run(P + "dq", P + "dscores", ds, Op::N, P + "k", kh, Op::N, P + "dq", inv_sqrt_dh, br, cfg));
    r.tensors[P + "dq"] = r.steps.back().output();
    r.steps.push_back(engine.run(P + "dk", P + "dscores", ds, Op::T, P + "q", qh, Op::N, P + "dk", inv_sqrt_dh, br, cfg));
    r.tensors[P + "dk"] = r.steps.back().output();
    set_columns(dq, h * dh, dequantize(r.tensors[P + "dq"]));  // host-side concatenation
    set_columns(dk, h * dh, dequantize(r.tensors[P + "dk"]));
    set_columns(dv, h * dh, dequantize(r.tensors[P + "dv"]));
  }
  lora_backward_in_block(r, "q.", dq, s, cfg, engine, 0);
  lora_backward_in_block(r, "k.", dk, s, cfg, engine, 1);
  lora_backward_in_block(r, "v.", dv, s, cfg, engine, 2);
}

}  // namespace qta::golden
