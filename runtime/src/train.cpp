#include "qta/runtime/train.h"

#include <fmt/format.h>

#include <cstring>

#include "qta/cli.h"
#include "qta/hash.h"

namespace qta::runtime {

using golden::IntStepRecord;
using golden::MatF;
using golden::MatI;

const char* block_name(Block b) { return b == Block::Lora ? "lora" : "attention"; }

void TrainSpec::validate() const {
  if (steps < 1 || steps > 1000000) throw UsageError(fmt::format("--steps = {} is out of range; valid: 1..1000000", steps));
  if (block == Block::Lora)
    lora.validate();
  else
    attention.validate();
}

namespace {
golden::TrainConfig lora_config(const TrainSpec& s) {
  golden::TrainConfig c = s.lora;
  c.seed = s.seed;
  c.quant.seed = s.seed;
  c.steps = s.steps;
  return c;
}
golden::AttentionTrainConfig attention_config(const TrainSpec& s) {
  golden::AttentionTrainConfig c = s.attention;
  c.seed = s.seed;
  c.quant.seed = s.seed;
  c.steps = s.steps;
  return c;
}
// The task of the block not trained is built on its default (valid, small) configuration.
golden::TrainConfig lora_or_default(const TrainSpec& s) {
  return s.block == Block::Lora ? lora_config(s) : golden::TrainConfig{};
}
golden::AttentionTrainConfig attention_or_default(const TrainSpec& s) {
  return s.block == Block::Attention ? attention_config(s) : golden::AttentionTrainConfig{};
}
}  // namespace

Trainer::Trainer(const TrainSpec& spec)
    : spec_((spec.validate(), spec)),
      lora_task_(lora_or_default(spec)),
      attention_task_(attention_or_default(spec)),
      lora_(lora_task_.student_init()),
      attention_(attention_task_.student_init()),
      lora_opt_(spec.lora.opt),
      attention_opts_{golden::Optimizer(spec.attention.opt), golden::Optimizer(spec.attention.opt),
                      golden::Optimizer(spec.attention.opt), golden::Optimizer(spec.attention.opt)} {}

IntStepRecord Trainer::step(golden::GemmEngine& engine) {
  golden::QuantConfig qc = spec_.quant();
  qc.seed = golden::train_step_seed(spec_.seed, done_);  // fresh stochastic-rounding seeds each step
  IntStepRecord r;
  if (spec_.block == Block::Lora) {
    const auto [x, t] = lora_task_.next_batch();
    r = golden::lora_int_train_step(lora_, lora_opt_, x, t, spec_.lora.shape.s(), qc, engine);
  } else {
    const golden::AttentionTask::Batch b = attention_task_.next_batch();
    r = golden::attention_int_train_step(attention_, attention_opts_, b, spec_.attention.shape, qc, engine);
  }
  ++done_;
  return r;
}

std::vector<std::pair<std::string, const MatF*>> Trainer::factors() const {
  if (spec_.block == Block::Lora) return {{"a", &lora_.a}, {"b", &lora_.b}};
  return {{"q.a", &attention_.q.a}, {"q.b", &attention_.q.b}, {"k.a", &attention_.k.a}, {"k.b", &attention_.k.b},
          {"v.a", &attention_.v.a}, {"v.b", &attention_.v.b}, {"o.a", &attention_.o.a}, {"o.b", &attention_.o.b}};
}

namespace {
template <class T>
uint64_t mix(uint64_t h, const T& v) {
  return fnv1a64(std::string_view(reinterpret_cast<const char*>(&v), sizeof v), h);
}
template <class T>
uint64_t mix_matrix(uint64_t h, const golden::Matrix<T>& m) {
  h = mix(h, m.rows);
  h = mix(h, m.cols);
  return fnv1a64(std::string_view(reinterpret_cast<const char*>(m.data.data()), m.data.size() * sizeof(T)), h);
}
}  // namespace

uint64_t step_digest(const IntStepRecord& r, const Trainer& t) {
  uint64_t h = mix(kFnv1a64Offset, r.loss);
  for (const auto& st : r.steps) {
    h = fnv1a64(st.name, h);
    h = mix_matrix(h, st.acc);
    h = mix_matrix(h, st.out.values);
    h = mix(h, st.out.amax);
    h = mix(h, st.out.m.m0);
    h = mix(h, st.out.m.n);
    h = mix(h, st.out_scale);
  }
  for (const auto& [name, q] : r.tensors) {
    h = fnv1a64(name, h);
    h = mix_matrix(h, q.values);
    h = mix(h, q.scale);
  }
  for (const auto& [name, m] : t.factors()) h = mix_matrix(fnv1a64(name, h), *m);
  return h;
}

namespace {
template <class T>
std::string matrix_difference(const std::string& what, const golden::Matrix<T>& got, const golden::Matrix<T>& ref) {
  if (got.rows != ref.rows || got.cols != ref.cols)
    return fmt::format("{}: shape {}x{}, golden {}x{}", what, got.rows, got.cols, ref.rows, ref.cols);
  for (size_t e = 0; e < got.data.size(); ++e)
    if (std::memcmp(&got.data[e], &ref.data[e], sizeof(T)) != 0)
      return fmt::format("{}: element {} (row {}, col {}) is {}, golden {}", what, e, int64_t(e) / got.cols,
                         int64_t(e) % got.cols, got.data[e], ref.data[e]);
  return {};
}
}  // namespace

std::string first_difference(const IntStepRecord& got, const Trainer& got_t, const IntStepRecord& ref,
                             const Trainer& ref_t) {
  if (std::memcmp(&got.loss, &ref.loss, sizeof got.loss) != 0)
    return fmt::format("loss {:.17g}, golden {:.17g}", got.loss, ref.loss);
  if (got.steps.size() != ref.steps.size())
    return fmt::format("{} GEMM steps, golden {}", got.steps.size(), ref.steps.size());
  for (size_t i = 0; i < got.steps.size(); ++i) {
    const auto &g = got.steps[i], &r = ref.steps[i];
    if (g.name != r.name) return fmt::format("GEMM {} is {}, golden {}", i, g.name, r.name);
    if (auto d = matrix_difference("GEMM " + g.name + " int32 result", g.acc, r.acc); !d.empty()) return d;
    if (auto d = matrix_difference("GEMM " + g.name + " requantized " + g.out_name, g.out.values, r.out.values); !d.empty())
      return d;
    if (g.out.amax != r.out.amax) return fmt::format("GEMM {}: amax {}, golden {}", g.name, g.out.amax, r.out.amax);
    if (!(g.out.m == r.out.m))
      return fmt::format("GEMM {}: multiplier m0 {} shift {}, golden m0 {} shift {}", g.name, g.out.m.m0, g.out.m.n,
                         r.out.m.m0, r.out.m.n);
  }
  for (const auto& [name, q] : ref.tensors) {
    auto it = got.tensors.find(name);
    if (it == got.tensors.end()) return "tensor " + name + " missing";
    if (auto d = matrix_difference("tensor " + name, it->second.values, q.values); !d.empty()) return d;
    if (std::memcmp(&it->second.scale, &q.scale, sizeof q.scale) != 0)
      return fmt::format("tensor {}: scale {:.17g}, golden {:.17g}", name, it->second.scale, q.scale);
  }
  const auto gf = got_t.factors(), rf = ref_t.factors();
  for (size_t i = 0; i < gf.size(); ++i)
    if (auto d = matrix_difference("updated factor " + gf[i].first, *gf[i].second, *rf[i].second); !d.empty()) return d;
  return {};
}

}  // namespace qta::runtime
