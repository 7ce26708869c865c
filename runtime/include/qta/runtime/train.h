// Training of a LoRA layer or a cross-attention block (LoRA on Q, K, V, O) on the golden model's
// synthetic teacher task, one step at a time over any GemmEngine: a qta::runtime::Runtime on a
// device (qta train) or golden::golden_engine() (the reference the runs are compared with).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "qta/golden/train.h"

namespace qta::runtime {

enum class Block { Lora, Attention };
const char* block_name(Block b);

struct TrainSpec {
  Block block = Block::Lora;
  golden::TrainConfig lora;                // shape, seed, noise, optimizer, quantization (steps unused)
  golden::AttentionTrainConfig attention;  // the same for the attention block
  int steps = 20;
  uint64_t seed = 1;                       // data, initial factors and every sr_seed derive from it
  void validate() const;                   // qta::UsageError for a bad value
  const golden::QuantConfig& quant() const { return block == Block::Lora ? lora.quant : attention.quant; }
};

// The student of one run: its task (data generator), FP32 master copies of the LoRA factors and
// their optimizers.
class Trainer {
 public:
  explicit Trainer(const TrainSpec& spec);
  // One training step on `engine`: forward, loss, backward, update. Throws
  // golden::NonFiniteError when a tensor to quantize is not finite (a divergence).
  golden::IntStepRecord step(golden::GemmEngine& engine);
  int steps_done() const { return done_; }
  // The trained factors by name: "a", "b" (lora) or "q.a", "q.b", ..., "o.b" (attention).
  std::vector<std::pair<std::string, const golden::MatF*>> factors() const;

 private:
  TrainSpec spec_;
  int done_ = 0;
  golden::LoraTask lora_task_;
  golden::AttentionTask attention_task_;
  golden::LoraParams lora_;
  golden::AttentionParams attention_;
  golden::Optimizer lora_opt_;
  golden::Optimizer attention_opts_[4];
};

// FNV-1a 64 over every tensor of a step (values, scale bits), every GEMM's int32 result,
// requantized values, amax and multiplier, the loss's bits and the updated factors' bits: two
// runs with the same digest computed the same step bit for bit.
uint64_t step_digest(const golden::IntStepRecord& r, const Trainer& t);

// The first difference between two steps (loss, a GEMM's int32 or requantized result, amax or
// multiplier, a tensor's values or scale, an updated factor), or "" when they are bit-identical.
std::string first_difference(const golden::IntStepRecord& got, const Trainer& got_t, const golden::IntStepRecord& ref,
                             const Trainer& ref_t);

// The loss per step (loss[0] is step 1) as an SVG line chart (qta train --plot): linear axes,
// the loss from 0; drawn by qta::svg::line_chart.
std::string loss_plot_svg(const std::string& title, const std::vector<double>& loss);

}  // namespace qta::runtime
