#include "gemm_case.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "qta/golden/gemm.h"
#include "qta/golden/lfsr.h"
#include "qta/golden/quant.h"

namespace qta::verif {

using golden::MatI;
using golden::Op;
using golden::Rng;

Capacity capacity(const gen::Config& c) {
  Capacity cap;
  cap.rows = c->rows;
  cap.cols = c->cols;
  cap.col_groups = c->col_groups;
  cap.row_groups = c->row_groups;
  cap.q = c->data_width;
  cap.input_depth = c->input_depth;
  cap.weight_depth = c->weight_depth;
  cap.output_depth = c->output_depth;
  cap.max_k = c.max_k();
  cap.max_dim = gen::kMaxGemmDim;
  return cap;
}

const char* shape_class_name(ShapeClass s) {
  switch (s) {
    case ShapeClass::Single: return "single";
    case ShapeClass::SubTile: return "sub_tile";
    case ShapeClass::LoraThin: return "lora_thin";
    case ShapeClass::MultiTile: return "multi_tile";
    case ShapeClass::Ragged: return "ragged";
  }
  return "?";
}

const char* distribution_name(Distribution d) {
  switch (d) {
    case Distribution::Uniform: return "uniform";
    case Distribution::Extremes: return "extremes";
    case Distribution::Zeros: return "zeros";
    case Distribution::Sparse: return "sparse";
    case Distribution::HeavyTailed: return "heavy_tailed";
  }
  return "?";
}

ShapeClass classify(int64_t m, int64_t n, int64_t k, const Capacity& cap) {
  const int64_t R = cap.rows, C = cap.cols;
  if (m == 1 && n == 1 && k == 1) return ShapeClass::Single;
  // LoRA-thin: N or K (the rank) is thinner than the array while another dimension is larger
  // than it: the shapes whose dataflow choice matters most.
  if ((n < C || k < R) && std::max({m, n, k}) > std::max(R, C)) return ShapeClass::LoraThin;
  if (m <= R && n <= C && k <= R) return ShapeClass::SubTile;
  const bool multiple = m % R == 0 && n % C == 0 && k % R == 0;
  return multiple ? ShapeClass::MultiTile : ShapeClass::Ragged;
}

MatI random_operand(int64_t rows, int64_t cols, Distribution d, int q, Rng& rng) {
  const int32_t qmax = golden::qmax_for(q);
  MatI x(rows, cols);
  for (auto& v : x.data) {
    switch (d) {
      case Distribution::Uniform: v = int32_t(rng.next_u64() % uint64_t(2 * qmax + 1)) - qmax; break;
      case Distribution::Extremes: v = (rng.next_u64() & 1) ? qmax : -qmax; break;
      case Distribution::Zeros: v = 0; break;
      case Distribution::Sparse:
        v = rng.uniform() < 0.9 ? 0 : int32_t(rng.next_u64() % uint64_t(2 * qmax + 1)) - qmax;
        break;
      case Distribution::HeavyTailed: {  // Cauchy with scale qmax/32, saturated: mostly small, ~2% at +-qmax
        const double cauchy = double(qmax) / 32 * std::tan(M_PI * (rng.uniform() - 0.5));
        v = int32_t(std::clamp(std::nearbyint(cauchy), -double(qmax), double(qmax)));
        break;
      }
    }
  }
  return x;
}

namespace {
int64_t pick(Rng& rng, int64_t lo, int64_t hi) { return lo + int64_t(rng.next_u64() % uint64_t(hi - lo + 1)); }

// Shrinks a shape until the operands and the result fit the buffers.
void fit(int64_t& m, int64_t& n, int64_t& k, const Capacity& cap) {
  auto fits = [&] {
    return m * k <= cap.input_depth && k * n <= cap.weight_depth && 2 * m * n <= cap.output_depth && k <= cap.max_k;
  };
  while (!fits()) {
    int64_t& biggest = (m >= n && m >= k) ? m : (n >= k ? n : k);
    biggest = std::max<int64_t>(1, biggest * 3 / 4);
  }
}

// random_gemm_case's draws; with_operands false stops before the operands (the rest is the same).
GemmCase draw_gemm_case(uint64_t seed, const Capacity& cap, const std::vector<Dataflow>& dataflows, bool with_operands) {
  Rng rng(seed);
  GemmCase c;
  c.seed = seed;
  const int64_t R = cap.rows, C = cap.cols;
  // Weights: LoRA-thin shapes are what the design is for, so they get the largest share.
  const double r = rng.uniform();
  c.shape_class = r < 0.05 ? ShapeClass::Single
                  : r < 0.25 ? ShapeClass::SubTile
                  : r < 0.65 ? ShapeClass::LoraThin
                  : r < 0.80 ? ShapeClass::MultiTile
                             : ShapeClass::Ragged;
  int64_t m = 1, n = 1, k = 1;
  switch (c.shape_class) {
    case ShapeClass::Single: break;
    case ShapeClass::SubTile: m = pick(rng, 1, R); n = pick(rng, 1, C); k = pick(rng, 1, R); break;
    case ShapeClass::LoraThin: {
      const int64_t rank = pick(rng, 1, std::min<int64_t>(64, std::max<int64_t>(1, std::min(R, C) - 1)));
      const int64_t wide = pick(rng, std::max(R, C) + 1, 4 * std::max(R, C));
      const int64_t tokens = pick(rng, 1, 4 * R);
      switch (rng.next_u64() % 3) {  // X A (thin N), H B^T (thin K), X^T G (thin N, long K)
        case 0: m = tokens; n = rank; k = wide; break;
        case 1: m = tokens; n = wide; k = rank; break;
        default: m = wide; n = rank; k = tokens; break;
      }
      break;
    }
    case ShapeClass::MultiTile: m = R * pick(rng, 1, 3); n = C * pick(rng, 1, 3); k = R * pick(rng, 1, 3); break;
    case ShapeClass::Ragged: m = pick(rng, 1, 3 * R); n = pick(rng, 1, 3 * C); k = pick(rng, 1, 3 * R); break;
  }
  // The dataflow first: WSC runs only GEMMs whose N fits one column group (cols / col_groups),
  // WSR only GEMMs whose K fits one row group (rows / row_groups). fit() only shrinks.
  c.dataflow = dataflows[rng.next_u64() % dataflows.size()];
  if (c.dataflow == Dataflow::WSC) n = 1 + (n - 1) % std::max(1, cap.cols / cap.col_groups);
  if (c.dataflow == Dataflow::WSR) k = 1 + (k - 1) % std::max(1, cap.rows / cap.row_groups);
  fit(m, n, k, cap);
  c.m = m;
  c.n = n;
  c.k = k;
  c.shape_class = classify(m, n, k, cap);
  c.op_a = (rng.next_u64() & 1) ? Op::T : Op::N;
  c.op_b = (rng.next_u64() & 1) ? Op::T : Op::N;
  c.rounding = (rng.next_u64() & 1) ? golden::Rounding::SR : golden::Rounding::RNE;
  c.sr_seed = uint32_t(rng.next_u64() | 1);
  c.distribution = Distribution(rng.next_u64() % kDistributions);
  c.name = fmt::format("random_{:016x}", seed);
  if (!with_operands) return c;
  const Distribution db = rng.uniform() < 0.7 ? c.distribution : Distribution(rng.next_u64() % kDistributions);
  c.a = c.op_a == Op::N ? random_operand(m, k, c.distribution, cap.q, rng) : random_operand(k, m, c.distribution, cap.q, rng);
  c.b = c.op_b == Op::N ? random_operand(k, n, db, cap.q, rng) : random_operand(n, k, db, cap.q, rng);
  return c;
}
}  // namespace

GemmCase random_gemm_case(uint64_t seed, const Capacity& cap, const std::vector<Dataflow>& dataflows) {
  return draw_gemm_case(seed, cap, dataflows, true);
}

GemmCase random_gemm_shape(uint64_t seed, const Capacity& cap, const std::vector<Dataflow>& dataflows) {
  return draw_gemm_case(seed, cap, dataflows, false);
}

GemmCase directed_gemm_case(const std::string& name, uint64_t seed, int64_t m, int64_t n, int64_t k, Op op_a, Op op_b,
                            Dataflow df, golden::Rounding rounding, int q, Distribution dist) {
  Rng rng(seed);
  GemmCase c;
  c.name = name;
  c.seed = seed;
  c.m = m;
  c.n = n;
  c.k = k;
  c.op_a = op_a;
  c.op_b = op_b;
  c.dataflow = df;
  c.rounding = rounding;
  c.sr_seed = uint32_t(rng.next_u64() | 1);
  c.distribution = dist;
  c.a = op_a == Op::N ? random_operand(m, k, dist, q, rng) : random_operand(k, m, dist, q, rng);
  c.b = op_b == Op::N ? random_operand(k, n, dist, q, rng) : random_operand(n, k, dist, q, rng);
  return c;
}

golden::MatI GemmCase::expected_acc() const { return golden::gemm_int(a, op_a, b, op_b, 8, 32); }

golden::Requantized GemmCase::expected_out() const { return expected_out(expected_acc()); }

golden::Requantized GemmCase::expected_out(const golden::MatI& acc) const {
  golden::Requantized r = golden::requantize(acc, 8, rounding, sr_seed);
  if (!multiplier) return r;
  // Same element order and LFSR stepping as golden::requantize, with the descriptor's multiplier.
  r.m = *multiplier;
  uint32_t state = sr_seed;
  for (size_t e = 0; e < acc.data.size(); ++e) {
    state = golden::lfsr_step(state);
    r.values.data[e] = golden::requantize_one(acc.data[e], r.m, rounding, state, 8);
  }
  return r;
}

std::string GemmCase::describe() const {
  return fmt::format("{}: M={} N={} K={} A{} B{} {} {} {} ({}) seed={}", name, m, n, k, golden::op_name(op_a),
                     golden::op_name(op_b), to_string(dataflow), golden::rounding_name(rounding),
                     distribution_name(distribution), shape_class_name(shape_class), seed);
}

}  // namespace qta::verif
