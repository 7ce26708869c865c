// One GEMM step as the hardware runs it: int inputs with scales, exact int32 result,
// requantized output. The LoRA layer and the attention block are sequences of these.
#pragma once

#include <string>

#include "qta/golden/quant.h"
#include "qta/golden/requant.h"

namespace qta::golden {

struct QuantConfig {
  int q = 8;                           // operand width of every tensor, 2..16
  int acc_width = 32;                  // accumulator width of the GEMMs
  Rounding fwd_rounding = Rounding::RNE;  // requantization of forward GEMM outputs
  Rounding bwd_rounding = Rounding::SR;   // requantization of error and gradient GEMM outputs
  uint64_t seed = 1;                   // stochastic-rounding seeds are derived from it per step
  void validate() const;
};

struct GemmStep {
  std::string name;       // e.g. "fwd_xa" (docs/interfaces.md section 3)
  std::string a_name, b_name, out_name;
  Op op_a = Op::N, op_b = Op::N;
  int64_t m = 0, n = 0, k = 0;
  QTensor a, b;           // operands as stored (op applied by the GEMM)
  double extra = 1.0;     // constant folded into the output scale (LoRA's s = alpha / r)
  Rounding rounding = Rounding::RNE;
  uint32_t sr_seed = 1;   // LFSR seed of this step (non-zero)
  MatI acc;               // exact int32 result of op(A) * op(B)
  Requantized out;        // requantized values, amax and fixed-point multiplier
  double out_scale = 1.0; // real value = out.values * out_scale

  QTensor output() const { return QTensor{out.values, out_scale, a.q}; }
};

// A GEMM of at least progress_macs() multiply-accumulates (2^30; the environment variable
// QTA_PROGRESS_MACS overrides it, for tests) is announced at info level before it runs ("gemm
// fwd_xw (INT): 2048 x 2048 x 2048, 8.6e+09 MACs"), so a run of minutes shows progress;
// smaller ones are silent.
double progress_macs();
void note_long_gemm(const std::string& name, int64_t m, int64_t n, int64_t k);

// A per-step stochastic-rounding seed: FNV-1a of the step name mixed with the run seed, never 0.
uint32_t derive_sr_seed(uint64_t seed, const std::string& step_name);

// A GemmStep with everything but its results (acc, out, out_scale): names, operands, shape,
// extra, rounding and the derived sr_seed (derive_sr_seed(cfg.seed, name)).
GemmStep gemm_step_header(const std::string& name, const std::string& a_name, const QTensor& a, Op op_a,
                          const std::string& b_name, const QTensor& b, Op op_b, const std::string& out_name,
                          double extra, Rounding rounding, const QuantConfig& cfg);
// Records the exact int32 result and its requantization in `st` and sets out_scale: the largest
// |acc| (real value amax * S_a * S_b * extra) maps to qmax.
void set_gemm_result(GemmStep& st, MatI acc, Requantized out);

// Runs op(A) * op(B) on integers, requantizes, and records everything.
GemmStep run_gemm_step(const std::string& name, const std::string& a_name, const QTensor& a, Op op_a,
                       const std::string& b_name, const QTensor& b, Op op_b, const std::string& out_name,
                       double extra, Rounding rounding, const QuantConfig& cfg);

// What runs the GEMM steps of a layer: the golden model itself (golden_engine()) or a host
// runtime issuing descriptors to an accelerator (qta::runtime). The step sequences of the LoRA
// layer, the attention block and the training loops are written once, over this interface; an
// engine returns the same GemmStep run_gemm_step would (same header, its own acc and out).
class GemmEngine {
 public:
  virtual ~GemmEngine() = default;
  virtual GemmStep run(const std::string& name, const std::string& a_name, const QTensor& a, Op op_a,
                       const std::string& b_name, const QTensor& b, Op op_b, const std::string& out_name,
                       double extra, Rounding rounding, const QuantConfig& cfg) = 0;
};
// The golden model's engine: run_gemm_step.
GemmEngine& golden_engine();

}  // namespace qta::golden
