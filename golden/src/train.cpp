#include "qta/strings.h"
#include "qta/golden/train.h"

#include <cmath>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "qta/cli.h"

namespace qta::golden {

void OptimizerConfig::validate() const {
  if (kind != "adam" && kind != "sgd")
    throw UsageError(fmt::format("optimizer = '{}' is not known; valid: adam, sgd", shown(kind)));
  if (!(lr > 0) || !std::isfinite(lr))
    throw UsageError(fmt::format("lr = {} is not valid; valid: a positive finite number (one too large for the problem "
                                 "makes training diverge, a failed check)", lr));
  if (!(momentum >= 0 && momentum < 1)) throw UsageError(fmt::format("momentum = {} is out of range; valid: [0, 1)", momentum));
}

void Optimizer::update(MatF& param, const MatF& grad, int slot) {
  MatF& m = m_[slot];
  MatF& v = v_[slot];
  if (m.size() != param.size()) {
    m = MatF(param.rows, param.cols);
    v = MatF(param.rows, param.cols);
  }
  for (size_t i = 0; i < param.data.size(); ++i) {
    const double g = grad.data[i];
    if (cfg_.kind == "sgd") {
      m.data[i] = float(cfg_.momentum * m.data[i] + g);
      param.data[i] = float(param.data[i] - cfg_.lr * m.data[i]);
    } else {  // Adam with bias correction
      m.data[i] = float(cfg_.beta1 * m.data[i] + (1 - cfg_.beta1) * g);
      v.data[i] = float(cfg_.beta2 * v.data[i] + (1 - cfg_.beta2) * g * g);
      const double mhat = m.data[i] / (1 - std::pow(cfg_.beta1, double(t_)));
      const double vhat = v.data[i] / (1 - std::pow(cfg_.beta2, double(t_)));
      param.data[i] = float(param.data[i] - cfg_.lr * mhat / (std::sqrt(vhat) + cfg_.eps));
    }
  }
}

void TrainConfig::validate() const {
  shape.validate();
  opt.validate();
  quant.validate();
  if (steps < 1 || steps > 1000000) throw UsageError(fmt::format("steps = {} is out of range; valid: 1..1000000", steps));
  if (!(noise >= 0 && noise <= kMaxNoise))
    throw UsageError(fmt::format("noise = {} is out of range; valid: 0..{:g} (the teacher's outputs are of unit scale)",
                                 noise, kMaxNoise));
  if (eval_tokens < 1) throw UsageError(fmt::format("eval_tokens = {} is out of range; valid: >= 1", eval_tokens));
}

double mse_loss(const MatF& y, const MatF& target) {
  double sum = 0;
  for (size_t i = 0; i < y.data.size(); ++i) {
    const double d = double(y.data[i]) - double(target.data[i]);
    sum += d * d;
  }
  return 0.5 * sum / double(y.size());
}

MatF mse_grad(const MatF& y, const MatF& target) {
  MatF g(y.rows, y.cols);
  const double inv = 1.0 / double(y.size());
  for (size_t i = 0; i < y.data.size(); ++i) g.data[i] = float((double(y.data[i]) - double(target.data[i])) * inv);
  return g;
}

namespace {
// The synthetic task: Y* = X W + s X A* B*^T + noise, with W shared by teacher and student.
struct Teacher {
  LoraParams params;
  double noise;
  MatF targets(const MatF& x, double s, Rng& rng) const {
    MatF t = lora_forward_fp32(params, x, s).y;
    for (auto& v : t.data) v += float(noise * rng.normal());
    return t;
  }
};
}  // namespace

uint64_t train_memory_bytes(const TrainConfig& cfg) {
  // One step holds what `golden lora` holds, plus the teacher's and the two students'
  // parameters and optimizer state, and the held-out batch with its targets.
  const LoraShape& sh = cfg.shape;
  const double i = double(sh.d_in), o = double(sh.d_out), r = double(sh.rank), e = double(cfg.eval_tokens);
  return lora_step_memory_bytes(sh) + uint64_t(4 * (2 * i * o + 12 * r * (i + o) + 4 * e * (i + o)));
}

namespace {
bool all_finite(const MatF& m) {
  for (float v : m.data)
    if (!std::isfinite(v)) return false;
  return true;
}

[[noreturn]] void diverged(const TrainConfig& cfg, int step, const std::string& what) {
  throw CheckFailed(fmt::format("check failed: training diverged at step {} of {}: {}; lr = {:g} ({}) is too large "
                                "for this problem: try a smaller --lr",
                                step, cfg.steps, what, cfg.opt.lr, cfg.opt.kind));
}
}  // namespace

TrainResult train_lora(const TrainConfig& cfg) {
  LoraTask task(cfg);  // validates cfg
  const LoraShape& sh = cfg.shape;
  const double s = sh.s();
  Teacher teacher{task.teacher(), cfg.noise};
  LoraParams fp = task.student_init();
  LoraParams q8 = fp;

  Rng eval_rng(cfg.seed ^ 0x5eedull);
  const MatF x_eval = random_normal(cfg.eval_tokens, sh.d_in, 1.0, eval_rng);
  const MatF t_eval = teacher.targets(x_eval, s, eval_rng);

  TrainResult r;
  r.noise_floor = 0.5 * cfg.noise * cfg.noise;
  r.teacher_eval = mse_loss(lora_forward_fp32(teacher.params, x_eval, s).y, t_eval);
  r.initial_eval = mse_loss(lora_forward_fp32(fp, x_eval, s).y, t_eval);

  Optimizer opt_fp(cfg.opt), opt_q8(cfg.opt);
  // Long runs report progress: about ten lines, when the whole run is at least a few seconds.
  const bool progress = lora_step_macs(sh) * cfg.steps >= 8 * progress_macs();
  const auto t0 = std::chrono::steady_clock::now();
  for (int step = 0; step < cfg.steps; ++step) {
    const auto [x, t] = task.next_batch();

    // A learning rate too large for the problem makes the parameters, and then the losses,
    // overflow: a divergence (a failed check, exit 1), not bad input.
    try {
      const LoraForward f = lora_forward_fp32(fp, x, s);
      r.loss_fp32.push_back(mse_loss(f.y, t));
      const LoraGrads g = lora_backward_fp32(fp, x, f, mse_grad(f.y, t), s);
      opt_fp.update(fp.a, g.da, 0);
      opt_fp.update(fp.b, g.db, 1);
      opt_fp.next_step();

      QuantConfig qc = cfg.quant;
      qc.seed = train_step_seed(cfg.quant.seed, step);  // fresh stochastic-rounding seeds each step
      r.loss_int8.push_back(lora_int_train_step(q8, opt_q8, x, t, s, qc, golden_engine()).loss);
    } catch (const NonFiniteError& e) {
      diverged(cfg, step + 1, e.what());
    }
    if (!std::isfinite(r.loss_fp32.back()) || !std::isfinite(r.loss_int8.back()))
      diverged(cfg, step + 1, fmt::format("loss FP32 {:g}, INT {:g}", r.loss_fp32.back(), r.loss_int8.back()));
    if (!all_finite(fp.a) || !all_finite(fp.b) || !all_finite(q8.a) || !all_finite(q8.b))
      diverged(cfg, step + 1, "a parameter overflowed to inf or NaN");
    if (progress && ((step + 1) % std::max(1, cfg.steps / 10) == 0 || step + 1 == cfg.steps))
      spdlog::info("golden train: step {} of {} ({:.0f} s)", step + 1, cfg.steps,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  try {
    r.eval_fp32 = mse_loss(lora_forward_fp32(fp, x_eval, s).y, t_eval);
    r.eval_int8 = mse_loss(lora_forward_quantized(q8, quantize(x_eval, cfg.quant.q), s, cfg.quant).y_host, t_eval);
    r.eval_int8_params_fp32 = mse_loss(lora_forward_fp32(q8, x_eval, s).y, t_eval);
  } catch (const NonFiniteError& e) {
    diverged(cfg, cfg.steps, std::string("held-out evaluation: ") + e.what());
  }
  if (!std::isfinite(r.eval_fp32) || !std::isfinite(r.eval_int8))
    diverged(cfg, cfg.steps, fmt::format("held-out loss FP32 {:g}, INT {:g}", r.eval_fp32, r.eval_int8));
  return r;
}

uint64_t train_step_seed(uint64_t quant_seed, int step) { return quant_seed * 1000003ull + uint64_t(step); }

LoraTask::LoraTask(const TrainConfig& cfg) : cfg_(cfg), rng_(cfg.seed) {
  cfg.validate();
  const LoraShape& sh = cfg.shape;
  teacher_ = random_lora_params(sh, rng_);
  // Student: same frozen W, A ~ N(0, 1/d_in) as usual for LoRA, B = 0 (starts at the pretrained model).
  student_ = teacher_;
  student_.a = random_normal(sh.d_in, sh.rank, 1.0 / std::sqrt(double(sh.d_in)), rng_);
  student_.b = MatF(sh.d_out, sh.rank);
}

std::pair<MatF, MatF> LoraTask::next_batch() {
  MatF x = random_normal(cfg_.shape.tokens, cfg_.shape.d_in, 1.0, rng_);
  MatF t = Teacher{teacher_, cfg_.noise}.targets(x, cfg_.shape.s(), rng_);
  return {std::move(x), std::move(t)};
}

IntStepRecord lora_int_train_step(LoraParams& p, Optimizer& opt, const MatF& x, const MatF& target, double s,
                                  const QuantConfig& qc, GemmEngine& engine) {
  LoraQuantStep q = lora_forward_quantized(p, quantize(x, qc.q), s, qc, "", engine);
  IntStepRecord rec;
  rec.loss = mse_loss(q.y_host, target);
  lora_backward_quantized(q, mse_grad(q.y_host, target), s, qc, "", engine);
  opt.update(p.a, q.da, 0);
  opt.update(p.b, q.db, 1);
  opt.next_step();
  rec.steps = std::move(q.steps);
  rec.tensors = std::move(q.tensors);
  return rec;
}

void AttentionTrainConfig::validate() const {
  shape.validate();
  opt.validate();
  quant.validate();
  if (steps < 1 || steps > 1000000) throw UsageError(fmt::format("steps = {} is out of range; valid: 1..1000000", steps));
  if (!(noise >= 0 && noise <= kMaxNoise))
    throw UsageError(fmt::format("noise = {} is out of range; valid: 0..{:g}", noise, kMaxNoise));
}

AttentionTask::AttentionTask(const AttentionTrainConfig& cfg) : cfg_(cfg), rng_(cfg.seed) {
  cfg.validate();
  teacher_ = random_attention_params(cfg.shape, rng_);
  student_ = teacher_;
  for (LoraParams* l : {&student_.q, &student_.k, &student_.v, &student_.o}) {
    l->a = random_normal(l->a.rows, l->a.cols, 1.0 / std::sqrt(double(l->a.rows)), rng_);
    l->b = MatF(l->b.rows, l->b.cols);
  }
}

AttentionTask::Batch AttentionTask::next_batch() {
  const AttentionShape& sh = cfg_.shape;
  Batch b;
  b.x = random_normal(sh.tokens, sh.d_model, 1.0, rng_);
  b.ctx = random_normal(sh.ctx_tokens, sh.d_ctx, 1.0, rng_);
  b.target = attention_forward_fp32(teacher_, b.x, b.ctx, sh).out;
  for (auto& v : b.target.data) v += float(cfg_.noise * rng_.normal());
  return b;
}

IntStepRecord attention_int_train_step(AttentionParams& p, Optimizer (&opts)[4], const AttentionTask::Batch& b,
                                       const AttentionShape& sh, const QuantConfig& qc, GemmEngine& engine) {
  AttentionQuantResult r = attention_forward_quantized(p, b.x, b.ctx, sh, qc, engine);
  IntStepRecord rec;
  rec.loss = mse_loss(r.out_host, b.target);
  attention_backward_quantized(r, mse_grad(r.out_host, b.target), sh, qc, engine);
  LoraParams* lp[4] = {&p.q, &p.k, &p.v, &p.o};
  for (int i = 0; i < 4; ++i) {
    opts[i].update(lp[i]->a, r.da[i], 0);
    opts[i].update(lp[i]->b, r.db[i], 1);
    opts[i].next_step();
  }
  rec.steps = std::move(r.steps);
  rec.tensors = std::move(r.tensors);
  return rec;
}

}  // namespace qta::golden
