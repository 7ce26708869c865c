// Training a LoRA layer on synthetic data from a hidden teacher, in FP32 and fully quantized,
// side by side on the same data and seed.
#pragma once

#include <string>
#include <vector>

#include "qta/golden/lora.h"

namespace qta::golden {

// Optimizers update FP32 master copies of A and B on the host (docs/quantization.md).
struct OptimizerConfig {
  std::string kind = "adam";  // "adam" or "sgd"
  double lr = 0.01;
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;  // Adam
  double momentum = 0.0;                          // SGD
  void validate() const;
};

class Optimizer {
 public:
  explicit Optimizer(OptimizerConfig cfg) : cfg_(std::move(cfg)) {}
  // One update of `param` with gradient `grad`; `slot` names the parameter's state (A or B).
  void update(MatF& param, const MatF& grad, int slot);
  void next_step() { ++t_; }

 private:
  OptimizerConfig cfg_;
  long t_ = 1;
  MatF m_[2], v_[2];
};

inline constexpr double kMaxNoise = 1e6;  // label noise std, 0..1e6

struct TrainConfig {
  LoraShape shape{64, 32, 48, 4, 4};
  int steps = 200;
  uint64_t seed = 1;
  double noise = 0.1;        // std of the label noise
  int64_t eval_tokens = 512; // held-out batch for the reported losses
  OptimizerConfig opt;
  QuantConfig quant;
  void validate() const;
};

struct TrainResult {
  std::vector<double> loss_fp32, loss_int8;  // training-batch loss per step
  double initial_eval = 0;                   // held-out loss of the initial LoRA (same for both)
  double eval_fp32 = 0, eval_int8 = 0;       // held-out loss after training, each with its own forward
  double eval_int8_params_fp32 = 0;          // the INT8-trained A, B evaluated with the FP32 forward
  double noise_floor = 0;                    // 0.5 * noise^2: the expected loss of the teacher itself
  double teacher_eval = 0;                   // measured held-out loss of the teacher
};

// Loss: 0.5 * mean over elements of (Y - T)^2; dY = (Y - T) / (N * d_out).
double mse_loss(const MatF& y, const MatF& target);
MatF mse_grad(const MatF& y, const MatF& target);

// Throws qta::UsageError for a bad configuration, qta::CheckFailed ("training diverged at step
// N ...") if the losses or parameters overflow (a learning rate too large for the problem).
TrainResult train_lora(const TrainConfig& cfg);
// Peak memory of train_lora, in bytes (lora_step_memory_bytes plus parameters, optimizer state
// and the held-out batch).
uint64_t train_memory_bytes(const TrainConfig& cfg);

}  // namespace qta::golden
