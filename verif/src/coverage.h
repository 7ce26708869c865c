// Functional coverage in C++ (Verilator 5.006 has no covergroups): a cross of
// dataflow x shape class x transposes x rounding, and edge-condition bins, reported as a table.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gemm_case.h"

namespace qta::verif {

class Coverage {
 public:
  // cols / col_groups: the configuration's column groups (col_groups > 1 adds the WSC bins);
  // rows / row_groups likewise (row_groups > 1 adds the WSR bins).
  explicit Coverage(int cols = 8, int col_groups = 1, int rows = 8, int row_groups = 1);
  // One completed GEMM: the case, the dataflow the hardware actually used (AUTO resolved), the
  // golden requantization result and the golden int32 result it came from, c.expected_acc() (for
  // tie, saturation and zero bins; the caller has computed it for its own check).
  void sample_gemm(const GemmCase& c, Dataflow used, const golden::Requantized& expected, const golden::MatI& acc,
                   const Capacity& cap);
  // Edge bins not tied to a GEMM, e.g. "illegal.zero_dim" (declared in the constructor).
  void hit(const std::string& edge_bin);

  int cross_bins() const { return int(cross_.size()); }
  int cross_hit() const;
  int edge_bins() const { return int(edges_.size()); }
  int edge_hit() const;
  double percent() const;  // over cross and edge bins together
  std::vector<std::string> missing() const;
  // Hits of one cross bin (0 if never sampled).
  long cross_count(Dataflow df, ShapeClass s, golden::Op a, golden::Op b, golden::Rounding r) const {
    return cross_.at(cross_key(df, s, a, b, r));
  }
  std::string table() const;  // human-readable summary
  nlohmann::json to_json() const;
  void merge(const Coverage& other);

 private:
  static std::string cross_key(Dataflow df, ShapeClass s, golden::Op a, golden::Op b, golden::Rounding r);
  std::map<std::string, long> cross_;
  std::map<std::string, long> edges_;
  int wsc_cols_ = 0;  // C / col_groups, 0 without column groups
  int groups_ = 1;
  int wsr_rows_ = 0;  // R / row_groups, 0 without row groups
  int row_groups_ = 1;
};

}  // namespace qta::verif
