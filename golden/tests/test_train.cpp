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
