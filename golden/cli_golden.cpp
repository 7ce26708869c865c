// `qta golden ...`: the golden model from the command line.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "qta/strings.h"
#include "qta/cli.h"
#include "qta/golden/attention.h"
#include "qta/golden/lora.h"
#include "qta/golden/npy.h"
#include "qta/golden/train.h"
#include "qta/golden/workloads.h"
#include "qta/memory.h"
#include "qta/options.h"
#include "qta/paths.h"
#include "qta/version.h"

namespace qta::golden {
namespace {

Rounding parse_rounding(const std::string& s) {
  if (s == "rne") return Rounding::RNE;
  if (s == "sr") return Rounding::SR;
  throw UsageError(fmt::format("rounding = '{}' is not known; valid: rne, sr", shown(s)));
}

struct LoraOptions {
  LoraShape shape;
  int q = 8;
  uint64_t seed = 1;
  std::string bwd_rounding = "sr";
  std::string dump;
};

// The shape flags. Each is checked by the number parser as it is read (decimal, in range, never
// empty); cross-field rules (rank <= min(d_in, d_out)) by LoraShape::validate.
CLI::Option* add_shape_options(CLI::App* cmd, LoraShape& shape) {
  add_int_option(*cmd, "--tokens", shape.tokens, 1, kMaxLoraDim, "N, rows of X");
  add_int_option(*cmd, "--d-in", shape.d_in, 1, kMaxLoraDim, "input width");
  add_int_option(*cmd, "--d-out", shape.d_out, 1, kMaxLoraDim, "output width");
  add_int_option(*cmd, "--rank", shape.rank, 1, kMaxLoraDim, "LoRA rank r, at most min(d_in, d_out)");
  RealRange alpha{kMinAlpha, kMaxAlpha};
  alpha.doc = fmt::format("{:g}..{:g}", kMinAlpha, kMaxAlpha);
  return add_real_option(*cmd, "--alpha", shape.alpha, alpha, "LoRA alpha, s = alpha / r (default: alpha = r)")
      ->default_str("r");
}

// A run bigger than the memory is refused before anything is allocated.
void require_lora_memory(const char* command, const LoraShape& sh, uint64_t need) {
  require_memory(need,
                 fmt::format("golden {} with tokens={} d_in={} d_out={} rank={}", command, sh.tokens, sh.d_in, sh.d_out,
                             sh.rank),
                 "a shape that fits: the largest tensors are tokens x d_in, tokens x d_out and d_in x d_out (4 bytes "
                 "an element, about 18 copies of each)");
}

void dump_step(TensorDump& dump, const GemmStep& st) {
  dump.add_int32(st.name + ".acc", st.acc, "int32 accumulator of GEMM step " + st.name);
}

void run_lora(const LoraOptions& o, bool alpha_set) {
  LoraShape shape = o.shape;
  if (!alpha_set) shape.alpha = double(shape.rank);
  shape.validate();
  QuantConfig qc;
  qc.q = o.q;
  qc.seed = o.seed;
  qc.bwd_rounding = parse_rounding(o.bwd_rounding);
  qc.validate();
  require_lora_memory("lora", shape, lora_step_memory_bytes(shape));
  std::optional<TensorDump> dump;
  if (!o.dump.empty()) dump.emplace(o.dump);  // checks the path (qta/paths.h) before any work
  if (lora_step_macs(shape) >= 4 * progress_macs())
    spdlog::info("golden lora: {:.2g} multiply-accumulates (FP32 and INT); each large GEMM is announced below",
                 lora_step_macs(shape));

  Rng rng(o.seed);
  const LoraParams p = random_lora_params(shape, rng);
  const MatF x = random_normal(shape.tokens, shape.d_in, 1.0, rng);
  const MatF dy = random_normal(shape.tokens, shape.d_out, 1.0 / std::sqrt(double(shape.tokens * shape.d_out)), rng);
  const double s = shape.s();
  const LoraForward f = lora_forward_fp32(p, x, s);
  const LoraGrads g = lora_backward_fp32(p, x, f, dy, s);
  const LoraQuantStep q = lora_step_quantized(p, x, dy, s, qc);

  fmt::print("LoRA layer: tokens={} d_in={} d_out={} rank={} alpha={} (s={}) q={} seed={} bwd rounding={}\n",
             shape.tokens, shape.d_in, shape.d_out, shape.rank, shape.alpha, s, qc.q, o.seed, o.bwd_rounding);
  fmt::print("\n{:<10} {:<18} {:<10} {:>3} {:>3} {:>12} {:>10} {:>6} {:>13}\n", "step", "M x N x K", "A x B", "opA",
             "opB", "amax(acc)", "m0", "shift", "out scale");
  for (const GemmStep& st : q.steps)
    fmt::print("{:<10} {:<18} {:<10} {:>3} {:>3} {:>12} {:>10} {:>6} {:>13.6g}\n", st.name,
               fmt::format("{} x {} x {}", st.m, st.n, st.k), st.a_name + " x " + st.b_name, op_name(st.op_a),
               op_name(st.op_b), st.out.amax, st.out.m.m0, st.out.m.n, st.out_scale);
  fmt::print("\nINT{} vs FP32 relative error (||int - fp|| / ||fp||):\n", qc.q);
  const std::pair<const char*, double> errs[] = {{"Y", relative_error(q.y, f.y)},
                                                 {"dX", relative_error(q.dx, g.dx)},
                                                 {"dA", relative_error(q.da, g.da)},
                                                 {"dB", relative_error(q.db, g.db)}};
  for (auto [name, e] : errs) fmt::print("  {:<3} {:.4e}\n", name, e);

  if (dump) {
    auto& meta = dump->meta();
    meta["generator"] = fmt::format("qta {} golden lora", kVersion);
    meta["command"] = invocation();
    meta["shape"] = {{"tokens", shape.tokens}, {"d_in", shape.d_in}, {"d_out", shape.d_out}, {"rank", shape.rank},
                     {"alpha", shape.alpha}, {"s", s}};
    meta["q"] = qc.q;
    meta["seed"] = o.seed;
    for (auto [name, e] : errs) meta["relative_error"][name] = e;
    dump->add("fp32.x", x, "input");
    dump->add("fp32.w", p.w, "parameter (frozen)");
    dump->add("fp32.a", p.a, "parameter");
    dump->add("fp32.b", p.b, "parameter");
    dump->add("fp32.dy", dy, "input gradient");
    dump->add("fp32.h", f.h, "intermediate");
    dump->add("fp32.y", f.y, "output");
    dump->add("fp32.g", g.g, "intermediate");
    dump->add("fp32.dx", g.dx, "output gradient");
    dump->add("fp32.da", g.da, "output gradient");
    dump->add("fp32.db", g.db, "output gradient");
    for (const auto& [name, t] : q.tensors) dump->add("int.q_" + name, t, "quantized tensor");
    for (const GemmStep& st : q.steps) {
      dump_step(*dump, st);
      meta["steps"].push_back({{"name", st.name}, {"a", st.a_name}, {"b", st.b_name}, {"out", st.out_name},
                               {"op_a", op_name(st.op_a)}, {"op_b", op_name(st.op_b)}, {"m", st.m}, {"n", st.n},
                               {"k", st.k}, {"extra", st.extra}, {"rounding", rounding_name(st.rounding)},
                               {"sr_seed", st.sr_seed}, {"amax", st.out.amax}, {"m0", st.out.m.m0},
                               {"shift", st.out.m.n}, {"out_scale", st.out_scale}});
    }
    dump->commit();
    fmt::print("\ntensors and manifest.json written to {}\n", o.dump);
  }
}

struct TrainOptions {
  TrainConfig cfg;
  double tolerance = 0.10;  // the INT final held-out loss may exceed FP32's by this fraction
  std::string bwd_rounding = "sr";
};

void run_train(TrainOptions o, bool alpha_set) {
  if (!alpha_set) o.cfg.shape.alpha = double(o.cfg.shape.rank);
  o.cfg.quant.bwd_rounding = parse_rounding(o.bwd_rounding);
  o.cfg.quant.seed = o.cfg.seed;
  o.cfg.validate();
  require_lora_memory("train", o.cfg.shape, train_memory_bytes(o.cfg));
  const TrainResult r = train_lora(o.cfg);
  const auto& sh = o.cfg.shape;
  fmt::print("LoRA training on synthetic data: tokens={} d_in={} d_out={} rank={} steps={} optimizer={} lr={} "
             "noise={} q={} seed={}\n",
             sh.tokens, sh.d_in, sh.d_out, sh.rank, o.cfg.steps, o.cfg.opt.kind, o.cfg.opt.lr, o.cfg.noise,
             o.cfg.quant.q, o.cfg.seed);
  fmt::print("\n{:>6} {:>14} {:>14}\n", "step", "train FP32", "train INT");
  const int n = int(r.loss_fp32.size());
  for (int i = 0; i < n; ++i)
    if (i == 0 || (i + 1) % std::max(1, n / 10) == 0 || i == n - 1)
      fmt::print("{:>6} {:>14.6g} {:>14.6g}\n", i + 1, r.loss_fp32[size_t(i)], r.loss_int8[size_t(i)]);
  fmt::print("\nheld-out loss ({} tokens):\n", o.cfg.eval_tokens);
  fmt::print("  initial LoRA (B = 0)            {:.6g}\n", r.initial_eval);
  fmt::print("  final FP32                      {:.6g}\n", r.eval_fp32);
  fmt::print("  final INT{} (quantized forward)  {:.6g}\n", o.cfg.quant.q, r.eval_int8);
  fmt::print("  INT{}-trained A, B, FP32 forward {:.6g}\n", o.cfg.quant.q, r.eval_int8_params_fp32);
  fmt::print("  noise floor 0.5*noise^2         {:.6g} (teacher measured: {:.6g})\n", r.noise_floor, r.teacher_eval);
  const double ratio = r.eval_int8 / r.eval_fp32;
  const bool ok = ratio <= 1.0 + o.tolerance;
  fmt::print("INT/FP32 final loss ratio: {:.4f} ({} {:g}%)\n", ratio, ok ? "within" : "NOT within", o.tolerance * 100);
  if (!ok)
    throw CheckFailed(fmt::format("INT{} final loss {:.6g} exceeds FP32 final loss {:.6g} by more than {:g}%",
                                  o.cfg.quant.q, r.eval_int8, r.eval_fp32, o.tolerance * 100));
}

}  // namespace
}  // namespace qta::golden

void qta::register_golden_cli(CLI::App& app, int& /*exit_code*/) {
  using namespace qta::golden;
  auto* golden = app.add_subcommand("golden", "the C++ golden model of fully quantized LoRA training");
  golden->require_subcommand(1);

  auto lora = std::make_shared<LoraOptions>();
  auto* lc = golden->add_subcommand("lora", "one forward+backward step of a LoRA layer, FP32 and INT, compared");
  CLI::Option* lora_alpha = add_shape_options(lc, lora->shape);
  add_int_option(*lc, "--q", lora->q, kMinBits, kMaxBits, "operand width in bits");
  add_seed_option(*lc, "--seed", lora->seed, "random seed of data and parameters");
  add_text_option(*lc, "--bwd-rounding", lora->bwd_rounding, "rounding of error/gradient GEMM outputs: rne or sr");
  add_text_option(*lc, "--dump", lora->dump, "write every tensor as .npy plus manifest.json into this new directory",
                  {}, "a directory path");
  lc->callback([lora, lora_alpha] { run_lora(*lora, lora_alpha->count() > 0); });

  auto train = std::make_shared<TrainOptions>();
  auto* tc = golden->add_subcommand("train", "FP32 and INT LoRA training side by side on synthetic teacher data");
  CLI::Option* train_alpha = add_shape_options(tc, train->cfg.shape);
  add_int_option(*tc, "--steps", train->cfg.steps, 1, 1000000, "training steps");
  add_seed_option(*tc, "--seed", train->cfg.seed, "random seed");
  add_text_option(*tc, "--optimizer", train->cfg.opt.kind, "adam or sgd");
  RealRange positive{0, std::numeric_limits<double>::max(), true};
  positive.doc = "a positive finite number";
  add_real_option(*tc, "--lr", train->cfg.opt.lr, positive, "learning rate (too large: training diverges, exit 1)");
  add_real_option(*tc, "--momentum", train->cfg.opt.momentum, RealRange{0, 1, false, true}, "SGD momentum");
  RealRange noise{0, kMaxNoise};
  noise.doc = fmt::format("0..{:g}", kMaxNoise);
  add_real_option(*tc, "--noise", train->cfg.noise, noise, "label noise std (noise floor = 0.5 noise^2)");
  add_int_option(*tc, "--q", train->cfg.quant.q, kMinBits, kMaxBits, "operand width in bits");
  add_text_option(*tc, "--bwd-rounding", train->bwd_rounding, "rne or sr");
  RealRange tolerance{0, 1e6};
  tolerance.doc = "0..1e6";
  add_real_option(*tc, "--tolerance", train->tolerance, tolerance,
                  "exit 1 if INT final loss > (1 + tolerance) * FP32 final loss");
  tc->callback([train, train_alpha] { run_train(*train, train_alpha->count() > 0); });

  auto* wc = golden->add_subcommand("workloads", "the Stable Diffusion v1.5 cross-attention LoRA layer table");
  wc->callback([] {
    fmt::print("{:<24} {:>7} {:>6} {:>6} {:>6}\n", "layer", "tokens", "d_in", "d_out", "count");
    for (const auto& w : sd15_cross_attention_workloads())
      fmt::print("{:<24} {:>7} {:>6} {:>6} {:>6}\n", w.name, w.tokens, w.d_in, w.d_out, w.count);
    fmt::print("ranks {}..{}\n", kMinRank, kMaxRank);
  });
}
