#include "qta/golden/lora.h"

#include <cmath>
#include <string_view>
#include <fmt/format.h>

#include "qta/cli.h"

namespace qta::golden {

namespace {
void require_range(const char* field, int64_t value, int64_t lo, int64_t hi) {
  if (value < lo || value > hi)
    throw UsageError(fmt::format("{} = {} is out of range; valid: {}..{}", field, value, lo, hi));
}
}  // namespace

void LoraShape::validate(const LoraShapeNames& names) const {
  require_range("tokens", tokens, 1, kMaxLoraDim);
  require_range("d_in", d_in, 1, kMaxLoraDim);
  require_range("d_out", d_out, 1, kMaxLoraDim);
  if (rank < 1 || rank > std::min(d_in, d_out)) {
    // The upper limit comes from the widths: name the one (or both) that sets it.
    const bool one_name = std::string_view(names.d_in) == names.d_out;  // attention: d_model twice
    const std::string source = one_name       ? fmt::format("{} = {}", names.d_in, d_in)
                               : d_in == d_out ? fmt::format("{} = {} = {}", names.d_in, names.d_out, d_in)
                               : d_in < d_out  ? fmt::format("{} = {}", names.d_in, d_in)
                                               : fmt::format("{} = {}", names.d_out, d_out);
    throw UsageError(fmt::format("rank = {} is out of range; valid: 1..{} (at most {}{})", rank, std::min(d_in, d_out),
                                 source,
                                 one_name ? "" : fmt::format(", the smaller of {} and {}", names.d_in, names.d_out)));
  }
  if (!(alpha >= kMinAlpha && alpha <= kMaxAlpha))
    throw UsageError(fmt::format("alpha = {} is out of range; valid: {:g}..{:g} (s = alpha / rank)", alpha, kMinAlpha,
                                 kMaxAlpha));
}

uint64_t lora_step_memory_bytes(const LoraShape& sh) {
  // Elements kept at the peak (the end of lora_step_quantized, with the FP32 results alive), by
  // shape; every element is 4 bytes (float or int32). Counted from run_lora: FP32 x, dx and
  // temporaries (T x I: 5), INT tensors x, dx0, dx1, dx, their dequantized dx, the steps'
  // operand copies and accumulators (T x I: 13); W in FP32, INT, a local copy and two steps
  // (I x O: 5); T x O the same way (18); rank-sized tensors (about 24 each).
  const double t = double(sh.tokens), i = double(sh.d_in), o = double(sh.d_out), r = double(sh.rank);
  const double elements = 18 * t * i + 5 * i * o + 18 * t * o + 24 * r * (t + i + o);
  return uint64_t(4 * elements) + (uint64_t{16} << 20);  // plus the program itself
}

double lora_step_macs(const LoraShape& sh) {
  const double t = double(sh.tokens), i = double(sh.d_in), o = double(sh.d_out), r = double(sh.rank);
  // X W, dY W^T (t i o each), and the rank-sized GEMMs, once in FP32 and once in INT.
  return 2 * (2 * t * i * o + r * (2 * t * i + 2 * t * o + t * i + t * o));
}

LoraParams random_lora_params(const LoraShape& shape, Rng& rng) {
  LoraParams p;
  p.w = random_normal(shape.d_in, shape.d_out, 1.0 / std::sqrt(double(shape.d_in)), rng);
  p.a = random_normal(shape.d_in, shape.rank, 1.0 / std::sqrt(double(shape.d_in)), rng);
  p.b = random_normal(shape.d_out, shape.rank, 1.0 / std::sqrt(double(shape.rank)), rng);
  return p;
}

LoraForward lora_forward_fp32(const LoraParams& p, const MatF& x, double s) {
  LoraForward f;
  note_long_gemm("fwd_xw (FP32)", x.rows, p.w.cols, x.cols);
  f.h = matmul(x, Op::N, p.a, Op::N);                   // H = X A
  const MatF y0 = matmul(x, Op::N, p.w, Op::N);         // X W
  const MatF y1 = matmul(f.h, Op::N, p.b, Op::T);       // H B^T
  f.y = add(y0, scaled(y1, float(s)));                  // Y = X W + s H B^T
  return f;
}

LoraGrads lora_backward_fp32(const LoraParams& p, const MatF& x, const LoraForward& fwd, const MatF& dy, double s) {
  LoraGrads g;
  note_long_gemm("bwd_dywt (FP32)", dy.rows, p.w.rows, dy.cols);
  g.g = matmul(dy, Op::N, p.b, Op::N);                                     // G = dY B
  g.dx = add(matmul(dy, Op::N, p.w, Op::T), scaled(matmul(g.g, Op::N, p.a, Op::T), float(s)));  // dY W^T + s G A^T
  g.da = scaled(matmul(x, Op::T, g.g, Op::N), float(s));                   // s X^T G
  g.db = scaled(matmul(dy, Op::T, fwd.h, Op::N), float(s));                // s dY^T H
  return g;
}

namespace {
// Host-side elementwise add of two differently scaled quantized tensors: dequantize, add in FP32,
// quantize the sum with its own per-tensor scale.
QTensor host_add(const QTensor& a, const QTensor& b, int q) { return quantize(add(dequantize(a), dequantize(b)), q); }

const GemmStep& push(LoraQuantStep& r, GemmStep st) {
  r.tensors[st.out_name] = st.output();
  r.steps.push_back(std::move(st));
  return r.steps.back();
}
}  // namespace

LoraQuantStep lora_forward_quantized(const LoraParams& p, const QTensor& x, double s, const QuantConfig& cfg,
                                     const std::string& prefix, GemmEngine& engine) {
  cfg.validate();
  LoraQuantStep r;
  const std::string& P = prefix;
  r.tensors[P + "x"] = x;
  r.tensors[P + "w"] = quantize(p.w, cfg.q);
  r.tensors[P + "a"] = quantize(p.a, cfg.q);
  r.tensors[P + "b"] = quantize(p.b, cfg.q);
  const Rounding fr = cfg.fwd_rounding;
  push(r, engine.run(P + "fwd_xw", P + "x", x, Op::N, P + "w", r.tensors[P + "w"], Op::N, P + "y0", 1.0, fr, cfg));
  push(r, engine.run(P + "fwd_xa", P + "x", x, Op::N, P + "a", r.tensors[P + "a"], Op::N, P + "h", 1.0, fr, cfg));
  push(r, engine.run(P + "fwd_hbt", P + "h", r.tensors[P + "h"], Op::N, P + "b", r.tensors[P + "b"], Op::T, P + "y1", s,
                     fr, cfg));
  r.y_host = add(dequantize(r.tensors[P + "y0"]), dequantize(r.tensors[P + "y1"]));  // fwd_add (host)
  r.tensors[P + "y"] = quantize(r.y_host, cfg.q);
  r.y = dequantize(r.tensors[P + "y"]);
  return r;
}

void lora_backward_quantized(LoraQuantStep& r, const MatF& dy, double s, const QuantConfig& cfg,
                             const std::string& prefix, GemmEngine& engine) {
  const std::string& P = prefix;
  const QTensor xq = r.tensors.at(P + "x");
  r.tensors[P + "dy"] = quantize(dy, cfg.q);
  const QTensor dyq = r.tensors[P + "dy"];
  const QTensor wq = r.tensors.at(P + "w"), aq = r.tensors.at(P + "a"), bq = r.tensors.at(P + "b"),
                hq = r.tensors.at(P + "h");
  const Rounding br = cfg.bwd_rounding;
  push(r, engine.run(P + "bwd_dyb", P + "dy", dyq, Op::N, P + "b", bq, Op::N, P + "g", 1.0, br, cfg));
  const QTensor gq = r.tensors[P + "g"];
  push(r, engine.run(P + "bwd_dywt", P + "dy", dyq, Op::N, P + "w", wq, Op::T, P + "dx0", 1.0, br, cfg));
  push(r, engine.run(P + "bwd_gat", P + "g", gq, Op::N, P + "a", aq, Op::T, P + "dx1", s, br, cfg));
  r.tensors[P + "dx"] = host_add(r.tensors[P + "dx0"], r.tensors[P + "dx1"], cfg.q);  // bwd_dx_add (host)
  push(r, engine.run(P + "bwd_xtg", P + "x", xq, Op::T, P + "g", gq, Op::N, P + "da", s, br, cfg));
  push(r, engine.run(P + "bwd_dytht", P + "dy", dyq, Op::T, P + "h", hq, Op::N, P + "db", s, br, cfg));
  r.dx = dequantize(r.tensors[P + "dx"]);
  r.da = dequantize(r.tensors[P + "da"]);
  r.db = dequantize(r.tensors[P + "db"]);
}

LoraQuantStep lora_step_quantized(const LoraParams& p, const MatF& x, const MatF& dy, double s, const QuantConfig& cfg,
                                  GemmEngine& engine) {
  LoraQuantStep r = lora_forward_quantized(p, quantize(x, cfg.q), s, cfg, "", engine);
  lora_backward_quantized(r, dy, s, cfg, "", engine);
  return r;
}

}  // namespace qta::golden
