// `qta train`: LoRA training (a layer, or a cross-attention block with LoRA on Q, K, V, O) on the
// synthetic teacher task, every GEMM on an accelerator backend through the host runtime
// (docs/runtime.md). stdout has one line per step and a summary, identical for two backends that
// compute the same thing (compare them with diff); logs and progress go to stderr.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <limits>
#include <optional>

#include "qta/atomic_dir.h"
#include "qta/cli.h"
#include "qta/gen/config.h"
#include "qta/memory.h"
#include "qta/options.h"
#include "qta/paths.h"
#include "qta/runtime/runtime.h"
#include "qta/runtime/train.h"
#include "qta/strings.h"
#include "qta/text_io.h"

namespace qta {
namespace {

using runtime::Block;

struct TrainArgs {
  std::string backend = "golden";
  std::string dataflow = "auto";
  std::string block = "lora";
  std::string config_file;
  gen::Overrides fields;
  int steps = 20;
  uint64_t seed = 1;
  std::optional<int64_t> tokens, d_in, d_out, rank, d_model, ctx_tokens, d_ctx, heads;
  std::optional<double> alpha;
  double lr = 0.01, noise = -1;
  std::string optimizer = "adam";
  int q = 8;
  std::string fwd_rounding = "rne", bwd_rounding = "sr";
  std::string json_file, plot_file, compiler;
  bool check_golden = false;
};

golden::Rounding rounding_of(const std::string& s) { return s == "sr" ? golden::Rounding::SR : golden::Rounding::RNE; }

runtime::TrainSpec spec_from(const TrainArgs& a, const gen::Config& cfg) {
  runtime::TrainSpec s;
  s.block = a.block == "lora" ? Block::Lora : Block::Attention;
  s.steps = a.steps;
  s.seed = a.seed;
  golden::QuantConfig qc;
  qc.q = a.q;
  qc.acc_width = cfg->acc_width;  // the accumulator is the hardware's
  qc.fwd_rounding = rounding_of(a.fwd_rounding);
  qc.bwd_rounding = rounding_of(a.bwd_rounding);
  golden::OptimizerConfig opt;
  opt.kind = a.optimizer;
  opt.lr = a.lr;
  auto& L = s.lora;
  L.shape.tokens = a.tokens.value_or(L.shape.tokens);
  L.shape.d_in = a.d_in.value_or(L.shape.d_in);
  L.shape.d_out = a.d_out.value_or(L.shape.d_out);
  L.shape.rank = a.rank.value_or(L.shape.rank);
  L.shape.alpha = a.alpha.value_or(L.shape.alpha);
  if (a.noise >= 0) L.noise = a.noise;
  L.opt = opt;
  L.quant = qc;
  auto& A = s.attention;
  A.shape.tokens = a.tokens.value_or(A.shape.tokens);
  A.shape.d_model = a.d_model.value_or(A.shape.d_model);
  A.shape.ctx_tokens = a.ctx_tokens.value_or(A.shape.ctx_tokens);
  A.shape.d_ctx = a.d_ctx.value_or(A.shape.d_ctx);
  A.shape.heads = a.heads.value_or(A.shape.heads);
  A.shape.rank = a.rank.value_or(A.shape.rank);
  A.shape.alpha = a.alpha.value_or(A.shape.alpha);
  if (a.noise >= 0) A.noise = a.noise;
  A.opt = opt;
  A.quant = qc;
  if (s.block == Block::Lora && (a.d_model || a.ctx_tokens || a.d_ctx || a.heads))
    throw UsageError("--d-model, --ctx-tokens, --d-ctx and --heads shape the attention block; valid with --block attention");
  if (s.block == Block::Attention && (a.d_in || a.d_out))
    throw UsageError("--d-in and --d-out shape a LoRA layer; valid with --block lora (the block uses --d-model, --d-ctx)");
  s.validate();
  // A run bigger than the memory is refused before anything is allocated (docs/interfaces.md
  // section 5): a LoRA step as golden train holds it, twice with --check-golden (the reference
  // trainer), plus the largest tiles' copies.
  if (s.block == Block::Lora) {
    golden::TrainConfig c = s.lora;
    c.eval_tokens = 1;
    const uint64_t need = train_memory_bytes(c) * (a.check_golden ? 2 : 1);
    require_memory(need,
                   fmt::format("train with tokens={} d_in={} d_out={} rank={}", c.shape.tokens, c.shape.d_in,
                               c.shape.d_out, c.shape.rank),
                   "a shape that fits: the largest tensors are tokens x d_in, tokens x d_out and d_in x d_out (4 bytes "
                   "an element, about 18 copies of each)");
  } else {
    const auto& sh = s.attention.shape;
    const golden::LoraShape widest{std::max(sh.tokens, sh.ctx_tokens), std::max(sh.d_model, sh.d_ctx), sh.d_model,
                                   std::min(sh.rank, std::min(sh.d_model, sh.d_ctx)), sh.alpha};
    // Four LoRA projections plus the per-head scores (tokens x ctx_tokens) and their copies.
    const uint64_t need = (4 * golden::lora_step_memory_bytes(widest) +
                           uint64_t(40 * 4) * uint64_t(sh.tokens) * uint64_t(sh.ctx_tokens) * uint64_t(sh.heads)) *
                          (a.check_golden ? 2 : 1);
    require_memory(need,
                   fmt::format("train --block attention with tokens={} d_model={} ctx_tokens={} d_ctx={} heads={}",
                               sh.tokens, sh.d_model, sh.ctx_tokens, sh.d_ctx, sh.heads),
                   "a block that fits: its largest tensors are tokens x d_model, ctx_tokens x d_ctx and the scores "
                   "tokens x ctx_tokens per head");
  }
  return s;
}

[[noreturn]] void diverged(const runtime::TrainSpec& s, int step, const std::string& what, double lr) {
  throw CheckFailed(fmt::format("check failed: training diverged at step {} of {}: {}; lr = {:g} is too large for "
                                "this problem: try a smaller --lr",
                                step, s.steps, what, lr));
}

// Every GEMM of one step planned on the configuration before any work (and before an RTL model
// is built): a GEMM that cannot run even after splitting is bad input found up front. The step
// runs on a separate trainer with all-zero GEMM results; nothing is computed.
void preflight(const runtime::TrainSpec& spec, const gen::Config& cfg) {
  struct Planner final : golden::GemmEngine {
    const gen::Config& cfg;
    explicit Planner(const gen::Config& c) : cfg(c) {}
    golden::GemmStep run(const std::string& name, const std::string& an, const golden::QTensor& x, golden::Op oa,
                         const std::string& bn, const golden::QTensor& y, golden::Op ob, const std::string& on,
                         double extra, golden::Rounding r, const golden::QuantConfig& c) override {
      golden::GemmStep st = golden::gemm_step_header(name, an, x, oa, bn, y, ob, on, extra, r, c);
      runtime::plan_gemm(name, st.m, st.n, st.k, cfg, true);
      golden::Requantized out;
      out.values = golden::MatI(st.m, st.n);
      golden::set_gemm_result(st, golden::MatI(st.m, st.n), std::move(out));
      return st;
    }
  } planner(cfg);
  runtime::TrainSpec one = spec;
  one.steps = 1;
  runtime::Trainer(one).step(planner);
}

double cpu_seconds() {
  rusage u{}, c{};
  getrusage(RUSAGE_SELF, &u);
  getrusage(RUSAGE_CHILDREN, &c);
  auto s = [](const timeval& t) { return double(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime) + s(c.ru_utime) + s(c.ru_stime);
}

void run_train(const TrainArgs& a) {
  // Everything but the results goes to stderr (main() logs there), so two backends' stdout
  // compare with diff.
  const gen::Config cfg = gen::config_from_flags(a.config_file, a.fields);
  const runtime::TrainSpec spec = spec_from(a, cfg);
  const std::string cfg_name =
      a.config_file.empty() ? fmt::format("{}x{}", cfg->rows, cfg->cols) : a.config_file;
  runtime::check_compatible(cfg, spec.quant(), cfg_name);
  const Dataflow dataflow = a.dataflow == "ws" ? Dataflow::WS : a.dataflow == "os" ? Dataflow::OS : Dataflow::AUTO;
  runtime::check_dataflow(cfg, dataflow);  // before a model build of minutes
  preflight(spec, cfg);
  std::optional<std::filesystem::path> json_path, plot_path;
  if (!a.json_file.empty()) json_path = check_output_file(a.json_file, {"--json"});
  if (!a.plot_file.empty()) plot_path = check_output_file(a.plot_file, {"--plot"});
  const std::string cfg_flags = gen::config_flags_text(a.config_file, a.fields);
  const std::string reproduce = invocation();

  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = cpu_seconds();
  std::unique_ptr<runtime::Device> device =
      a.backend == "rtl" ? runtime::make_rtl_device(cfg, {a.seed, a.compiler}) : runtime::make_golden_device(cfg);
  const double setup_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  runtime::Runtime rt(*device, spec.quant());
  rt.set_dataflow(dataflow);
  runtime::Trainer trainer(spec);
  std::optional<runtime::Trainer> reference;
  if (a.check_golden) reference.emplace(spec);
  spdlog::info("qta train: {} backend, {}x{} configuration {} ({} scales), block {}, {} steps, seed {}", a.backend,
               cfg->rows, cfg->cols, gen::config_hash_hex(cfg), rt.dynamic() ? "dynamic" : "host-requantized",
               runtime::block_name(spec.block), spec.steps, spec.seed);

  const bool tty = ::isatty(2) != 0;
  int gemm_in_step = 0;
  const auto t_train = std::chrono::steady_clock::now();
  nlohmann::ordered_json steps_json = nlohmann::ordered_json::array();
  std::vector<double> losses;
  runtime::RunStats total;
  for (int i = 0; i < spec.steps; ++i) {
    rt.reset_stats();
    gemm_in_step = 0;
    golden::IntStepRecord rec;
    struct Progress final : golden::GemmEngine {
      runtime::Runtime& rt;
      bool tty;
      int step, steps;
      int& count;
      std::chrono::steady_clock::time_point t0;
      Progress(runtime::Runtime& r, bool t, int s, int n, int& c, std::chrono::steady_clock::time_point t0_)
          : rt(r), tty(t), step(s), steps(n), count(c), t0(t0_) {}
      golden::GemmStep run(const std::string& name, const std::string& an, const golden::QTensor& x, golden::Op oa,
                           const std::string& bn, const golden::QTensor& y, golden::Op ob, const std::string& on,
                           double extra, golden::Rounding r, const golden::QuantConfig& c) override {
        if (tty)
          fmt::print(stderr, "\r\033[K[train] step {}/{}  gemm {} {} ({}x{}x{})  {:.0f} s", step, steps, ++count, name,
                     golden::op_rows(x.values, oa), golden::op_cols(y.values, ob), golden::op_cols(x.values, oa),
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        return rt.run(name, an, x, oa, bn, y, ob, on, extra, r, c);
      }
    } engine(rt, tty, i + 1, spec.steps, gemm_in_step, t_train);
    try {
      rec = trainer.step(engine);
    } catch (const golden::NonFiniteError& e) {
      if (tty) fmt::print(stderr, "\r\033[K");
      diverged(spec, i + 1, e.what(), a.lr);
    }
    if (tty) fmt::print(stderr, "\r\033[K");
    if (!std::isfinite(rec.loss)) diverged(spec, i + 1, fmt::format("loss {}", rec.loss), a.lr);
    for (const auto& [name, m] : trainer.factors())
      for (float v : m->data)
        if (!std::isfinite(v)) diverged(spec, i + 1, "factor " + name + " overflowed to inf or NaN", a.lr);
    if (reference) {
      const golden::IntStepRecord ref = reference->step(golden::golden_engine());
      const std::string diff = runtime::first_difference(rec, trainer, ref, *reference);
      if (!diff.empty())
        throw CheckFailed(fmt::format("check failed: step {} on the {} backend differs from the golden model: {} "
                                      "(seed {}; reproduce: {})",
                                      i + 1, a.backend, diff, spec.seed, reproduce));
    }
    const runtime::RunStats& st = rt.stats();
    const uint64_t digest = runtime::step_digest(rec, trainer);
    losses.push_back(rec.loss);
    fmt::print("step {} loss {:.17g} cycles {} predicted {} util {:.6f} descriptors {} split {} digest {:016x}\n", i + 1,
               rec.loss, st.cycles, st.predicted_cycles, st.utilization(cfg), st.descriptors, st.split_gemms, digest);
    std::fflush(stdout);
    nlohmann::ordered_json gemms = nlohmann::ordered_json::array();
    for (const auto& g : rt.records())
      gemms.push_back({{"name", g.name}, {"m", g.m}, {"n", g.n}, {"k", g.k}, {"descriptors", g.descriptors},
                       {"dynamic", g.dynamic}, {"cycles", g.cycles}, {"predicted_cycles", g.predicted_cycles},
                       {"unsplit_predicted_cycles", g.unsplit_cycles}});
    steps_json.push_back({{"step", i + 1}, {"loss", rec.loss}, {"cycles", st.cycles},
                          {"predicted_cycles", st.predicted_cycles}, {"unsplit_predicted_cycles", st.unsplit_cycles},
                          {"compute_cycles", st.compute_cycles},
                          {"busy_pe_cycles", st.busy_pe_cycles}, {"utilization", st.utilization(cfg)},
                          {"descriptors", st.descriptors}, {"split_gemms", st.split_gemms}, {"macs", st.macs},
                          {"words_written", st.words_written}, {"words_read", st.words_read},
                          {"digest", fmt::format("{:016x}", digest)}, {"gemms", gemms}});
    total.cycles += st.cycles;
    total.predicted_cycles += st.predicted_cycles;
    total.unsplit_cycles += st.unsplit_cycles;
    total.busy_pe_cycles += st.busy_pe_cycles;
    total.descriptors += st.descriptors;
    total.gemms += st.gemms;
    total.split_gemms += st.split_gemms;
  }
  const bool dynamic = rt.dynamic();
  device.reset();  // the RTL server exits here: its CPU time counts (RUSAGE_CHILDREN) from now on
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu_s = cpu_seconds() - cpu0;
  fmt::print("total {} steps: {} GEMMs ({} split), {} descriptors, {} cycles, predicted {} (unsplit on unlimited "
             "buffers {}), util {:.6f}\n",
             spec.steps, total.gemms, total.split_gemms, total.descriptors, total.cycles, total.predicted_cycles,
             total.unsplit_cycles, total.utilization(cfg));
  if (reference) fmt::print("every step bit-exact with the golden model (loss, every GEMM, every tensor, A and B)\n");
  spdlog::info("wall {:.1f} s (backend setup {:.1f} s), CPU {:.1f} s (this process and its children)", wall_s, setup_s,
               cpu_s);

  if (json_path) {
    nlohmann::ordered_json j;
    j["command"] = invocation();
    j["backend"] = a.backend;
    j["config"] = gen::to_json(cfg);
    j["config_hash"] = gen::config_hash_hex(cfg);
    j["dynamic_scales"] = dynamic;
    j["block"] = runtime::block_name(spec.block);
    j["seed"] = spec.seed;
    j["steps"] = steps_json;
    j["total"] = {{"cycles", total.cycles}, {"predicted_cycles", total.predicted_cycles},
                  {"unsplit_predicted_cycles", total.unsplit_cycles},
                  {"descriptors", total.descriptors}, {"gemms", total.gemms}, {"split_gemms", total.split_gemms},
                  {"utilization", total.utilization(cfg)}};
    j["checked_against_golden"] = a.check_golden;
    j["wall_s"] = wall_s;
    j["cpu_s"] = cpu_s;
    write_file_atomically(*json_path, "--json", j.dump(2) + "\n");
  }
  if (plot_path)
    write_file_atomically(*plot_path, "--plot",
                          runtime::loss_plot_svg(fmt::format("qta train: {} on the {} backend, {}x{}, seed {}",
                                                    runtime::block_name(spec.block), a.backend, cfg->rows, cfg->cols,
                                                    spec.seed),
                                        losses));
}

template <class T>
CLI::Option* add_optional_int(CLI::App& cmd, const std::string& flag, std::optional<T>& target, int64_t lo, int64_t hi,
                              const std::string& help) {
  const std::string name = flag_long_name(flag);
  return cmd
      .add_option_function<std::string>(
          flag, [&target, name, lo, hi](const std::string& s) { target = T(parse_int(s, name, lo, hi)); },
          fmt::format("{} ({}..{})", help, lo, hi))
      ->type_name("INT");
}

}  // namespace

void register_train_cli(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<TrainArgs>();
  auto* cmd = app.add_subcommand(
      "train", "train a LoRA layer or cross-attention block with every GEMM on an accelerator backend (docs/runtime.md)");
  add_text_option(*cmd, "--backend", a->backend, "golden (the golden model executing descriptors) or rtl (the "
                  "configuration's Verilated RTL)", {"golden", "rtl"});
  gen::add_config_flags(*cmd, a->fields, a->config_file);
  add_text_option(*cmd, "--dataflow", a->dataflow,
                  "the dataflow every descriptor asks for: auto (the hardware's per-descriptor choice), ws or os "
                  "(the configuration must have it)",
                  {"auto", "ws", "os"});
  add_text_option(*cmd, "--block", a->block, "lora (one layer) or attention (a cross-attention block, LoRA on Q, K, V, O)",
                  {"lora", "attention"});
  add_int_option(*cmd, "--steps", a->steps, 1, 1000000, "training steps");
  add_seed_option(*cmd, "--seed", a->seed, "run seed: data, initial factors, every stochastic-rounding seed");
  add_optional_int(*cmd, "--tokens", a->tokens, 1, golden::kMaxLoraDim, "rows of X (default: lora 64, attention 16)");
  add_optional_int(*cmd, "--d-in", a->d_in, 1, golden::kMaxLoraDim, "lora: input width (default 32)");
  add_optional_int(*cmd, "--d-out", a->d_out, 1, golden::kMaxLoraDim, "lora: output width (default 48)");
  add_optional_int(*cmd, "--rank", a->rank, 1, golden::kMaxLoraDim, "LoRA rank, at most the smaller width (default: lora 4, attention 2)");
  add_optional_int(*cmd, "--d-model", a->d_model, 1, golden::kMaxLoraDim, "attention: model width (default 16)");
  add_optional_int(*cmd, "--ctx-tokens", a->ctx_tokens, 1, golden::kMaxLoraDim, "attention: context tokens (default 77)");
  add_optional_int(*cmd, "--d-ctx", a->d_ctx, 1, golden::kMaxLoraDim, "attention: context width (default 24)");
  add_optional_int(*cmd, "--heads", a->heads, 1, golden::kMaxLoraDim, "attention: heads, a divisor of --d-model (default 2)");
  cmd->add_option_function<std::string>(
         "--alpha", [a](const std::string& s) { a->alpha = parse_real(s, "--alpha", {golden::kMinAlpha, golden::kMaxAlpha}); },
         "LoRA scale numerator, s = alpha / rank (1e-06..1e+06; default: lora 4, attention 2)")
      ->type_name("REAL");
  add_real_option(*cmd, "--lr", a->lr, {0, std::numeric_limits<double>::max(), true},
                  "learning rate (too large: training diverges, exit 1)");
  add_text_option(*cmd, "--optimizer", a->optimizer, "adam or sgd (on FP32 master copies of A and B)", {"adam", "sgd"});
  cmd->add_option_function<std::string>(
         "--noise", [a](const std::string& s) { a->noise = parse_real(s, "--noise", {0, golden::kMaxNoise}); },
         "label noise std of the teacher task (0..1e+06; default: lora 0.1, attention 0.01)")
      ->type_name("REAL");
  add_int_option(*cmd, "--q", a->q, golden::kMinBits, golden::kMaxBits,
                 "operand width of every tensor; must equal the configuration's data_width");
  add_text_option(*cmd, "--fwd-rounding", a->fwd_rounding, "requantization of forward GEMMs", {"rne", "sr"});
  add_text_option(*cmd, "--bwd-rounding", a->bwd_rounding, "requantization of error and gradient GEMMs", {"rne", "sr"});
  add_text_option(*cmd, "--json", a->json_file, "also write the run as JSON (per step: loss, cycles, GEMMs)", {}, "a file path");
  add_text_option(*cmd, "--plot", a->plot_file, "also write the loss curve as SVG", {}, "a file path");
  add_text_option(*cmd, "--compiler", a->compiler, "rtl: C++ compiler for the model (as qta verify --compiler)", {},
                  "a C++ compiler");
  cmd->add_flag("--check-golden", a->check_golden,
                "also run every step on the golden model alone (no runtime, no splitting) and require every tensor, "
                "the loss and the updated factors to be bit-identical");
  cmd->callback([a, &exit_code] {
    run_train(*a);
    exit_code = 0;
  });
}

}  // namespace qta
