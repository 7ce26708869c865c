#include "qta/golden/step.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "qta/cli.h"
#include "qta/golden/gemm.h"
#include "qta/hash.h"

namespace qta::golden {

void QuantConfig::validate() const {
  qmax_for(q);  // throws for q outside 2..16
  if (acc_width < 2 || acc_width > 32)
    throw UsageError(fmt::format("accumulator width {} is not supported; valid: 2..32 bits", acc_width));
}

double progress_macs() {
  static const double threshold = [] {
    const char* env = std::getenv("QTA_PROGRESS_MACS");
    if (env && *env) {
      char* end = nullptr;
      const double v = std::strtod(env, &end);
      if (end && *end == 0 && v >= 0) return v;
    }
    return double(int64_t{1} << 30);
  }();
  return threshold;
}

void note_long_gemm(const std::string& name, int64_t m, int64_t n, int64_t k) {
  const double macs = double(m) * double(n) * double(k);
  if (macs >= progress_macs()) spdlog::info("gemm {}: {} x {} x {}, {:.2g} MACs", name, m, n, k, macs);
}

uint32_t derive_sr_seed(uint64_t seed, const std::string& step_name) {
  const uint64_t h = fnv1a64(step_name, kFnv1a64Offset ^ (seed * 0x9E3779B97F4A7C15ull));
  const uint32_t folded = uint32_t(h ^ (h >> 32));
  return folded == 0 ? 1u : folded;
}

GemmStep gemm_step_header(const std::string& name, const std::string& a_name, const QTensor& a, Op op_a,
                          const std::string& b_name, const QTensor& b, Op op_b, const std::string& out_name,
                          double extra, Rounding rounding, const QuantConfig& cfg) {
  GemmStep st;
  st.name = name;
  st.a_name = a_name;
  st.b_name = b_name;
  st.out_name = out_name;
  st.op_a = op_a;
  st.op_b = op_b;
  st.m = op_rows(a.values, op_a);
  st.k = op_cols(a.values, op_a);
  st.n = op_cols(b.values, op_b);
  st.a = a;
  st.b = b;
  st.extra = extra;
  st.rounding = rounding;
  st.sr_seed = derive_sr_seed(cfg.seed, name);
  return st;
}

void set_gemm_result(GemmStep& st, MatI acc, Requantized out) {
  st.acc = std::move(acc);
  st.out = std::move(out);
  // The output's real scale: the largest |acc| (real value amax * S_a * S_b * extra) maps to qmax.
  st.out_scale = st.out.amax == 0 ? 1.0 : double(st.out.amax) * st.a.scale * st.b.scale * st.extra / double(qmax_for(st.a.q));
}

GemmStep run_gemm_step(const std::string& name, const std::string& a_name, const QTensor& a, Op op_a,
                       const std::string& b_name, const QTensor& b, Op op_b, const std::string& out_name,
                       double extra, Rounding rounding, const QuantConfig& cfg) {
  GemmStep st = gemm_step_header(name, a_name, a, op_a, b_name, b, op_b, out_name, extra, rounding, cfg);
  note_long_gemm(name + " (INT)", st.m, st.n, st.k);
  MatI acc = gemm_int(a.values, op_a, b.values, op_b, cfg.q, cfg.acc_width);
  Requantized out = requantize(acc, cfg.q, rounding, st.sr_seed);
  set_gemm_result(st, std::move(acc), std::move(out));
  return st;
}

namespace {
class GoldenEngine final : public GemmEngine {
 public:
  GemmStep run(const std::string& name, const std::string& a_name, const QTensor& a, Op op_a, const std::string& b_name,
               const QTensor& b, Op op_b, const std::string& out_name, double extra, Rounding rounding,
               const QuantConfig& cfg) override {
    return run_gemm_step(name, a_name, a, op_a, b_name, b, op_b, out_name, extra, rounding, cfg);
  }
};
}  // namespace

GemmEngine& golden_engine() {
  static GoldenEngine engine;
  return engine;
}

}  // namespace qta::golden
