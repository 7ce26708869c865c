// A LoRA linear layer, Y = X W + s (X A) B^T with s = alpha / r, W frozen, A and B trained.
// FP32 reference and fully quantized (every GEMM input int, every GEMM output requantized).
#pragma once

#include <map>
#include <vector>

#include "qta/golden/step.h"

namespace qta::golden {

// Documented ranges (docs/interfaces.md section 6): tokens, d_in, d_out 1..65536, rank
// 1..min(d_in, d_out), alpha 1e-6..1e6 (s = alpha / rank scales the LoRA branch; far beyond the
// useful range, and keeps every FP32 intermediate finite for unit-scale data).
inline constexpr int64_t kMaxLoraDim = int64_t{1} << 16;
inline constexpr double kMinAlpha = 1e-6, kMaxAlpha = 1e6;

// How messages name a LoRA layer's widths: the flags that set them (qta golden, qta train
// --block lora); the attention block passes its own (--d-model, --d-ctx).
struct LoraShapeNames {
  const char* d_in = "--d-in";
  const char* d_out = "--d-out";
};

struct LoraShape {
  int64_t tokens = 64;  // N, rows of X
  int64_t d_in = 32;
  int64_t d_out = 48;
  int64_t rank = 4;
  double alpha = 4;     // LoRA scaling numerator; s = alpha / rank
  double s() const { return alpha / double(rank); }
  // Throws qta::UsageError naming the bad field, its value and the valid range; a limit derived
  // from another field (rank <= min(d_in, d_out)) names that field as `names` gives it.
  void validate(const LoraShapeNames& names = {}) const;
};

struct LoraParams {
  MatF w;  // d_in x d_out, frozen
  MatF a;  // d_in x r
  MatF b;  // d_out x r
};
// W ~ N(0, 1/d_in), A ~ N(0, 1/d_in), B ~ N(0, 1/r) (B non-zero so that every GEMM is exercised).
LoraParams random_lora_params(const LoraShape& shape, Rng& rng);

struct LoraForward {
  MatF h;  // X A, N x r
  MatF y;  // N x d_out
};
struct LoraGrads {
  MatF g;   // dY B, N x r
  MatF dx;  // N x d_in
  MatF da;  // d_in x r
  MatF db;  // d_out x r
};

LoraForward lora_forward_fp32(const LoraParams& p, const MatF& x, double s);
// dX = dY W^T + s G A^T, dA = s X^T G, dB = s dY^T H, with G = dY B.
LoraGrads lora_backward_fp32(const LoraParams& p, const MatF& x, const LoraForward& fwd, const MatF& dy, double s);

// One fully quantized forward + backward step. `tensors` holds every input, intermediate and
// output as a quantized tensor (names: x w a b dy y0 h y1 y g dx0 dx1 dx da db); the two adds
// (fwd_add, bwd_dx_add) are host-side: dequantize, add in FP32, quantize (docs/quantization.md).
struct LoraQuantStep {
  std::vector<GemmStep> steps;  // in execution order: the hardware scheduler's work list
  std::map<std::string, QTensor> tensors;
  MatF y, dx, da, db;           // dequantized results (the INT tensors the next layer consumes)
  MatF y_host;                  // Y0 + s Y1 summed on the host in FP32 before Y is quantized: what the
                                // host's loss sees (the loss is host-side FP32, like softmax)
};
LoraQuantStep lora_step_quantized(const LoraParams& p, const MatF& x, const MatF& dy, double s, const QuantConfig& cfg,
                                  GemmEngine& engine = golden_engine());

// Memory `qta golden lora` holds at its peak for this shape, in bytes (every FP32 and INT tensor
// it keeps, the GEMM steps' operand copies and accumulators, and the largest temporaries), for
// refusing up front what cannot fit. An estimate within about 25% of the measured peak RSS.
uint64_t lora_step_memory_bytes(const LoraShape& shape);
// Multiply-accumulates of one FP32 plus one INT forward and backward step.
double lora_step_macs(const LoraShape& shape);
// Forward only (used by evaluation and by the attention block): steps fwd_xw, fwd_xa, fwd_hbt
// and the host's fwd_add; tensor and step names carry `prefix` ("q." in the attention block).
LoraQuantStep lora_forward_quantized(const LoraParams& p, const QTensor& x, double s, const QuantConfig& cfg,
                                     const std::string& prefix = "", GemmEngine& engine = golden_engine());
// The backward pass continuing a forward `r` (its tensors P+"x", P+"w", P+"a", P+"b", P+"h"):
// quantizes dY, runs bwd_dyb, bwd_dywt, bwd_gat, the host's bwd_dx_add, bwd_xtg and bwd_dytht,
// appends the steps and tensors to `r` and sets r.dx, r.da, r.db. lora_step_quantized is
// lora_forward_quantized followed by this.
void lora_backward_quantized(LoraQuantStep& r, const MatF& dy, double s, const QuantConfig& cfg,
                             const std::string& prefix = "", GemmEngine& engine = golden_engine());

}  // namespace qta::golden
