// GEMM test cases for the accelerator: the stimulus (shape, transposes, dataflow, rounding,
// operand values) and what the golden model expects of it. Constrained-random generation,
// reproducible from a seed, with the thin LoRA shapes weighted up.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "qta/gen/config.h"
#include "qta/golden/requant.h"

namespace qta::verif {

using qta::Dataflow;  // the tree's one Dataflow enum (qta/dataflow.h)

// What the hardware can take: array size and buffer capacities in elements. A view derived from
// the configuration (capacity(config)); tests may narrow it to bound their shapes.
struct Capacity {
  int rows = 8, cols = 8;
  int col_groups = 1;  // WSC: a GEMM's N at most cols / col_groups
  int row_groups = 1;  // WSR: a GEMM's K at most rows / row_groups
  int q = 8;
  int64_t input_depth = 4096, weight_depth = 4096, output_depth = 8192;
  int64_t max_k = 4096;  // largest K the scheduler accepts
  int64_t max_dim = 65535;
};

Capacity capacity(const gen::Config& c);

enum class ShapeClass { Single, SubTile, LoraThin, MultiTile, Ragged };
const char* shape_class_name(ShapeClass s);
constexpr int kShapeClasses = 5;

enum class Distribution { Uniform, Extremes, Zeros, Sparse, HeavyTailed };
const char* distribution_name(Distribution d);
constexpr int kDistributions = 5;

struct GemmCase {
  std::string name;
  uint64_t seed = 0;
  int64_t m = 1, n = 1, k = 1;
  golden::Op op_a = golden::Op::N, op_b = golden::Op::N;
  Dataflow dataflow = Dataflow::AUTO;
  golden::Rounding rounding = golden::Rounding::RNE;
  uint32_t sr_seed = 1;
  ShapeClass shape_class = ShapeClass::SubTile;
  Distribution distribution = Distribution::Uniform;
  // Requantization multiplier. Unset: a DYNAMIC descriptor (scale_mode 1), the accelerator
  // derives M = qmax / amax from its own result (golden: requant_multiplier). Set: an EXPLICIT
  // descriptor carrying this multiplier (e.g. to force saturation, or a static scale).
  std::optional<golden::FixedPoint> multiplier;
  golden::MatI a, b;  // as stored: a is M x K (or K x M when op_a = T), b is K x N (or N x K)

  // What the golden model says the accelerator must produce. expected_out(acc) requantizes an
  // expected_acc() the caller already has (the golden GEMM is the costly part of a check).
  golden::MatI expected_acc() const;
  golden::Requantized expected_out() const;
  golden::Requantized expected_out(const golden::MatI& acc) const;
  std::string describe() const;  // one line: shape, ops, dataflow, rounding, distribution, seed
};

// Classifies a shape against the array (for coverage).
ShapeClass classify(int64_t m, int64_t n, int64_t k, const Capacity& cap);

// Fills a rows x cols matrix from a distribution, values in [-qmax, qmax].
golden::MatI random_operand(int64_t rows, int64_t cols, Distribution d, int q, golden::Rng& rng);

// One constrained-random case: shape from a weighted class (LoRA-thin weighted up), fitting the
// buffers; transposes, dataflow (among `dataflows`), rounding, distribution all random. A WSC
// case keeps N <= cols / col_groups and a WSR case K <= rows / row_groups (where they run).
GemmCase random_gemm_case(uint64_t seed, const Capacity& cap, const std::vector<Dataflow>& dataflows);
// The same case without its operands (a and b empty): every other field as random_gemm_case
// draws it from the same seed. For searches over shapes.
GemmCase random_gemm_shape(uint64_t seed, const Capacity& cap, const std::vector<Dataflow>& dataflows);

// A directed case with given shape and options and uniform operands.
GemmCase directed_gemm_case(const std::string& name, uint64_t seed, int64_t m, int64_t n, int64_t k, golden::Op op_a,
                            golden::Op op_b, Dataflow df, golden::Rounding rounding, int q = 8,
                            Distribution dist = Distribution::Uniform);

}  // namespace qta::verif
