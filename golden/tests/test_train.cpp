// Optimizers and a short training run (the 200-step FP32 vs INT8 comparison is the CLI test
// golden.cli.train_fp32_vs_int8).
#include <gtest/gtest.h>

#include <cmath>

#include "qta/cli.h"
#include "qta/golden/train.h"

using namespace qta::golden;

TEST(Optimizer, SgdStepIsLrTimesGradient) {
  Optimizer opt(OptimizerConfig{"sgd", 0.1});
  MatF p(1, 2, 1.0f), g(1, 2);
  g.data = {2.0f, -4.0f};
  opt.update(p, g, 0);
  EXPECT_FLOAT_EQ(p.data[0], 0.8f);
  EXPECT_FLOAT_EQ(p.data[1], 1.4f);
}

TEST(Optimizer, AdamFirstStepMovesEachWeightByLrAgainstTheGradientSign) {
  Optimizer opt(OptimizerConfig{"adam", 0.01});
  MatF p(1, 2, 0.0f), g(1, 2);
  g.data = {3.0f, -0.001f};
  opt.update(p, g, 0);
  EXPECT_NEAR(p.data[0], -0.01, 1e-6);
  EXPECT_NEAR(p.data[1], 0.01, 1e-4);
}

TEST(Optimizer, RejectsUnknownKindAndBadRate) {
  EXPECT_THROW((OptimizerConfig{"adamw", 0.01}).validate(), qta::UsageError);
  EXPECT_THROW((OptimizerConfig{"sgd", -1}).validate(), qta::UsageError);
}

TEST(Train, BothPrecisionsLearnTheTeacherWithinFiftySteps) {
  TrainConfig cfg;
  cfg.steps = 50;
  const TrainResult r = train_lora(cfg);
  ASSERT_EQ(r.loss_fp32.size(), 50u);
  EXPECT_LT(r.eval_fp32, r.initial_eval / 2);
  EXPECT_LT(r.eval_int8, r.initial_eval / 2);
  EXPECT_GT(r.eval_fp32, 0.8 * r.noise_floor) << "no model beats the label noise by much";
  EXPECT_NEAR(r.teacher_eval, r.noise_floor, 0.2 * r.noise_floor);
}

TEST(Train, SameSeedSameLosses) {
  TrainConfig cfg;
  cfg.steps = 5;
  const TrainResult a = train_lora(cfg), b = train_lora(cfg);
  EXPECT_EQ(a.loss_int8, b.loss_int8);
  EXPECT_EQ(a.loss_fp32, b.loss_fp32);
}

namespace {
double attention_loss(const AttentionParams& p, const MatF& x, const MatF& ctx, const MatF& t, const AttentionShape& sh) {
  return mse_loss(attention_forward_fp32(p, x, ctx, sh).out, t);
}
double dot(const MatF& a, const MatF& b) {
  double s = 0;
  for (size_t i = 0; i < a.data.size(); ++i) s += double(a.data[i]) * double(b.data[i]);
  return s;
}
}  // namespace

// The quantized backward pass of the attention block is the gradient of the FP32 loss: for each
// trained factor (A and B of q, k, v, o) the directional derivative along a random direction,
// from central differences of the FP32 forward, matches <INT gradient, direction> within the
// INT8 error (a sign, transpose or head-slicing error would be off by 100% or more).
TEST(AttentionBackward, QuantizedGradientsMatchFiniteDifferencesOfTheFp32Loss) {
  const AttentionShape sh{12, 16, 20, 12, 2, 3, 3};
  for (uint64_t seed : {1, 2, 3}) {
    Rng rng(seed);
    AttentionParams p = random_attention_params(sh, rng);
    const MatF x = random_normal(sh.tokens, sh.d_model, 1.0, rng), ctx = random_normal(sh.ctx_tokens, sh.d_ctx, 1.0, rng);
    const MatF t = random_normal(sh.tokens, sh.d_model, 1.0, rng);
    QuantConfig qc;
    qc.q = 12;  // fine quantization, so that the comparison measures the math, not INT8 noise
    qc.bwd_rounding = Rounding::RNE;
    AttentionQuantResult r = attention_forward_quantized(p, x, ctx, sh, qc);
    attention_backward_quantized(r, mse_grad(r.out_host, t), sh, qc);
    LoraParams* lp[4] = {&p.q, &p.k, &p.v, &p.o};
    for (int i = 0; i < 4; ++i)
      for (int ab = 0; ab < 2; ++ab) {
        MatF& w = ab == 0 ? lp[i]->a : lp[i]->b;
        const MatF& g = ab == 0 ? r.da[i] : r.db[i];
        const MatF dir = random_normal(w.rows, w.cols, 1.0, rng);
        const double eps = 1e-2;
        const MatF saved = w;
        for (size_t e = 0; e < w.data.size(); ++e) w.data[e] = float(saved.data[e] + eps * dir.data[e]);
        const double up = attention_loss(p, x, ctx, t, sh);
        for (size_t e = 0; e < w.data.size(); ++e) w.data[e] = float(saved.data[e] - eps * dir.data[e]);
        const double down = attention_loss(p, x, ctx, t, sh);
        w = saved;
        const double fd = (up - down) / (2 * eps), an = dot(g, dir);
        EXPECT_NEAR(an, fd, 0.05 * std::abs(fd) + 1e-5)
            << "seed " << seed << ", factor " << "qkvo"[i] << (ab == 0 ? ".a" : ".b") << ": INT " << an << ", FD " << fd;
      }
  }
}

// The attention block trained on its teacher task: the INT8 loss falls within 30 steps.
TEST(AttentionTrain, LossFallsOnTheTeacherTask) {
  AttentionTrainConfig cfg;
  cfg.steps = 30;
  cfg.opt.lr = 0.02;
  AttentionTask task(cfg);
  AttentionParams p = task.student_init();
  Optimizer opts[4] = {Optimizer(cfg.opt), Optimizer(cfg.opt), Optimizer(cfg.opt), Optimizer(cfg.opt)};
  std::vector<double> loss;
  for (int s = 0; s < cfg.steps; ++s) {
    QuantConfig qc = cfg.quant;
    qc.seed = train_step_seed(cfg.seed, s);
    loss.push_back(attention_int_train_step(p, opts, task.next_batch(), cfg.shape, qc, golden_engine()).loss);
  }
  const double first = (loss[0] + loss[1] + loss[2]) / 3, last = (loss[27] + loss[28] + loss[29]) / 3;
  EXPECT_LT(last, 0.7 * first) << "first three steps " << first << ", last three " << last << " (seed " << cfg.seed << ")";
}
