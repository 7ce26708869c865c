// Training a LoRA layer on synthetic data from a hidden teacher, in FP32 and fully quantized,
// side by side on the same data and seed.
#pragma once

#include <string>
#include <vector>

#include "qta/golden/attention.h"
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

// ---- One fully quantized training step at a time, over any GemmEngine ------------------------
// train_lora's INT8 student and `qta train` (qta::runtime) run the same code below; only the
// engine differs (golden_engine() or a runtime issuing descriptors to an accelerator).

// Stochastic-rounding seed of training step `step` (0-based): every GEMM's sr_seed derives from
// it and the GEMM's name (derive_sr_seed).
uint64_t train_step_seed(uint64_t quant_seed, int step);

// What one INT training step computed: the loss on the host (FP32, from y_host), every GEMM step
// and every tensor (inputs, intermediates, outputs, quantized), in execution order.
struct IntStepRecord {
  double loss = 0;
  std::vector<GemmStep> steps;
  std::map<std::string, QTensor> tensors;
};

// The synthetic LoRA task of train_lora: Y* = X W + s X A* B*^T + noise from a hidden teacher;
// the student shares W, starts from A ~ N(0, 1/d_in), B = 0.
class LoraTask {
 public:
  explicit LoraTask(const TrainConfig& cfg);  // validates cfg
  const LoraParams& teacher() const { return teacher_; }
  const LoraParams& student_init() const { return student_; }
  // The next training batch (X, targets), drawn from the task's generator.
  std::pair<MatF, MatF> next_batch();
  Rng& rng() { return rng_; }

 private:
  TrainConfig cfg_;
  Rng rng_;
  LoraParams teacher_, student_;
};

// Forward, loss, backward and optimizer update of `p` (FP32 masters of A and B) on one batch.
// Throws NonFiniteError when a tensor to quantize is not finite (a divergence).
IntStepRecord lora_int_train_step(LoraParams& p, Optimizer& opt, const MatF& x, const MatF& target, double s,
                                  const QuantConfig& qc, GemmEngine& engine);

// A cross-attention block with LoRA on Q, K, V and O trained on the same kind of task: the
// teacher is a block with its own LoRA factors; the student shares every W.
struct AttentionTrainConfig {
  AttentionShape shape{16, 16, 77, 24, 2, 2, 2};
  int steps = 5;
  uint64_t seed = 1;
  double noise = 0.01;
  OptimizerConfig opt;
  QuantConfig quant;
  void validate() const;
};

class AttentionTask {
 public:
  explicit AttentionTask(const AttentionTrainConfig& cfg);  // validates cfg
  const AttentionParams& student_init() const { return student_; }
  struct Batch {
    MatF x, ctx, target;
  };
  Batch next_batch();

 private:
  AttentionTrainConfig cfg_;
  Rng rng_;
  AttentionParams teacher_, student_;
};

// One step of the block: forward, loss (FP32 on LoRA_o's y_host), backward, update of the four
// LoRA pairs with opts[0..3] (q, k, v, o).
IntStepRecord attention_int_train_step(AttentionParams& p, Optimizer (&opts)[4], const AttentionTask::Batch& b,
                                       const AttentionShape& sh, const QuantConfig& qc, GemmEngine& engine);

}  // namespace qta::golden
