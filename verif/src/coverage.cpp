#include "coverage.h"

#include <fmt/format.h>
#include <cstdlib>
#include <stdexcept>

#include "qta/golden/quant.h"

namespace qta::verif {

using golden::Op;
using golden::Rounding;

namespace {
const char* kEdgeBins[] = {
    "acc.amax_zero",        // all-zero result: multiplier {0, 0}
    "acc.saturated",        // an element clamped at +-qmax after rounding
    "rne.tie",              // an exact half, rounded to even
    "shape.k_eq_1",         // K = 1: one product per output
    "shape.m_ragged",       // M not a multiple of the array dimension it maps to
    "shape.n_ragged",
    "shape.k_ragged",
    "shape.multi_k_tiles",  // K larger than the array rows: partial sums across tiles
    "auto.chose_ws",
    "auto.chose_os",
    "illegal.zero_dim",
    "illegal.oversized_dim",
    "illegal.address_range",
    "illegal.unsupported_mode",
    "queue.back_to_back",   // a descriptor accepted while another runs
    "queue.two_stage_overlap",  // requantization of one descriptor beside the next one's compute, FLUSH wait and HOLD
    "scale.dynamic",        // multiplier derived on chip from the result's amax (scale_mode 1)
    "scale.explicit",       // multiplier from the descriptor (scale_mode 0)
};
// WSC (WS on column groups), on configurations that have it: a WSC GEMM has one N tile, so it is
// sampled into these bins rather than the dataflow x shape cross.
const char* kWscBins[] = {
    "wsc.ran",              // a WSC GEMM completed (explicit or AUTO)
    "auto.chose_wsc",       // AUTO picked WSC
    "wsc.multi_k_tiles",    // K > R: partial sums across K tiles in every group
    "wsc.short_group",      // M not a multiple of col_groups: the last group(s) stream fewer rows
    "wsc.full_group",       // N = C / col_groups: every column of every group busy
    "wsc.transposed",       // op(A) or op(B) transposed
};
// WSR (WS on row groups), on configurations that have it: a WSR GEMM has one K tile, sampled
// into these bins rather than the cross.
const char* kWsrBins[] = {
    "wsr.ran",              // a WSR GEMM completed (explicit or AUTO)
    "auto.chose_wsr",       // AUTO picked WSR
    "wsr.multi_n_tiles",    // N > C: the N tiles follow each other in every row group
    "wsr.short_group",      // M not a multiple of row_groups: the last group(s) stream fewer rows
    "wsr.empty_group",      // M < row_groups: a row group without rows writes nothing
    "wsr.full_group",       // K = R / row_groups: every row of every group busy
    "wsr.transposed",       // op(A) or op(B) transposed
};
}  // namespace

std::string Coverage::cross_key(Dataflow df, ShapeClass s, Op a, Op b, Rounding r) {
  return fmt::format("{}/{}/A{}B{}/{}", to_string(df), shape_class_name(s), golden::op_name(a), golden::op_name(b),
                     golden::rounding_name(r));
}

Coverage::Coverage(int cols, int col_groups, int rows, int row_groups)
    : wsc_cols_(col_groups > 1 ? cols / col_groups : 0),
      groups_(col_groups),
      wsr_rows_(row_groups > 1 ? rows / row_groups : 0),
      row_groups_(row_groups) {
  for (Dataflow df : {Dataflow::WS, Dataflow::OS})
    for (int s = 0; s < kShapeClasses; ++s)
      for (Op a : {Op::N, Op::T})
        for (Op b : {Op::N, Op::T})
          for (Rounding r : {Rounding::RNE, Rounding::SR}) cross_[cross_key(df, ShapeClass(s), a, b, r)] = 0;
  for (const char* e : kEdgeBins) edges_[e] = 0;
  if (wsc_cols_ > 0)
    for (const char* e : kWscBins) edges_[e] = 0;
  if (wsr_rows_ > 0)
    for (const char* e : kWsrBins) edges_[e] = 0;
}

void Coverage::hit(const std::string& edge_bin) {
  auto it = edges_.find(edge_bin);
  if (it == edges_.end()) throw std::invalid_argument("unknown coverage bin " + edge_bin);
  ++it->second;
}

void Coverage::sample_gemm(const GemmCase& c, Dataflow used, const golden::Requantized& out, const golden::MatI& acc,
                           const Capacity& cap) {
  if (used == Dataflow::WSC) {
    if (wsc_cols_ == 0) throw std::invalid_argument("a WSC GEMM sampled by a coverage model without column groups");
    hit("wsc.ran");
    if (c.dataflow == Dataflow::AUTO) hit("auto.chose_wsc");
    if (c.k > cap.rows) hit("wsc.multi_k_tiles");
    if (c.m % groups_) hit("wsc.short_group");
    if (c.n == wsc_cols_) hit("wsc.full_group");
    if (c.op_a == Op::T || c.op_b == Op::T) hit("wsc.transposed");
  } else if (used == Dataflow::WSR) {
    if (wsr_rows_ == 0) throw std::invalid_argument("a WSR GEMM sampled by a coverage model without row groups");
    hit("wsr.ran");
    if (c.dataflow == Dataflow::AUTO) hit("auto.chose_wsr");
    if (c.n > cap.cols) hit("wsr.multi_n_tiles");
    if (c.m % row_groups_) hit("wsr.short_group");
    if (c.m < row_groups_) hit("wsr.empty_group");
    if (c.k == wsr_rows_) hit("wsr.full_group");
    if (c.op_a == Op::T || c.op_b == Op::T) hit("wsr.transposed");
  } else {
    ++cross_.at(cross_key(used, classify(c.m, c.n, c.k, cap), c.op_a, c.op_b, c.rounding));
  }
  if (out.amax == 0) hit("acc.amax_zero");
  hit(c.multiplier ? "scale.explicit" : "scale.dynamic");
  if (c.k == 1) hit("shape.k_eq_1");
  if (c.k > cap.rows) hit("shape.multi_k_tiles");
  if (c.m % cap.rows) hit("shape.m_ragged");
  if (c.n % cap.cols) hit("shape.n_ragged");
  if (c.k % cap.rows) hit("shape.k_ragged");
  if (c.dataflow == Dataflow::AUTO && used != Dataflow::WSC && used != Dataflow::WSR) hit(used == Dataflow::WS ? "auto.chose_ws" : "auto.chose_os");
  if (out.amax == 0) return;
  const int64_t qmax = golden::qmax_for(cap.q);
  bool tie = false, saturated = false;
  for (int32_t v : acc.data) {
    const int64_t p = int64_t(v) * out.m.m0;
    const int n = out.m.n;
    if (n > 0 && c.rounding == Rounding::RNE) {
      const int64_t floor = p >> n;
      if (p - (floor << n) == (int64_t{1} << (n - 1))) tie = true;
    }
    if (std::llabs(golden::round_shift(p, n, Rounding::RNE, 0)) > qmax) saturated = true;
  }
  if (tie) hit("rne.tie");
  if (saturated) hit("acc.saturated");
}

int Coverage::cross_hit() const {
  int n = 0;
  for (const auto& [k, v] : cross_) n += v > 0;
  return n;
}

int Coverage::edge_hit() const {
  int n = 0;
  for (const auto& [k, v] : edges_) n += v > 0;
  return n;
}

double Coverage::percent() const { return 100.0 * (cross_hit() + edge_hit()) / double(cross_bins() + edge_bins()); }

std::vector<std::string> Coverage::missing() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : cross_)
    if (!v) out.push_back(k);
  for (const auto& [k, v] : edges_)
    if (!v) out.push_back(k);
  return out;
}

std::string Coverage::table() const {
  std::string s = fmt::format("functional coverage: {:.1f}% ({} of {} cross bins, {} of {} edge bins)\n", percent(),
                              cross_hit(), cross_bins(), edge_hit(), edge_bins());
  // Cross, collapsed per dataflow x shape class: hits and how many of the 8 (transpose x rounding) bins.
  s += fmt::format("  {:<4} {:<11} {:>8} {:>10}\n", "flow", "shape", "hits", "bins hit");
  for (Dataflow df : {Dataflow::WS, Dataflow::OS})
    for (int sc = 0; sc < kShapeClasses; ++sc) {
      long hits = 0;
      int bins = 0;
      for (Op a : {Op::N, Op::T})
        for (Op b : {Op::N, Op::T})
          for (Rounding r : {Rounding::RNE, Rounding::SR}) {
            const long v = cross_.at(cross_key(df, ShapeClass(sc), a, b, r));
            hits += v;
            bins += v > 0;
          }
      s += fmt::format("  {:<4} {:<11} {:>8} {:>8}/8\n", to_string(df), shape_class_name(ShapeClass(sc)), hits, bins);
    }
  s += fmt::format("  {:<26} {:>8}\n", "edge bin", "hits");
  for (const auto& [k, v] : edges_) s += fmt::format("  {:<26} {:>8}{}\n", k, v, v ? "" : "  <- not hit");
  return s;
}

nlohmann::json Coverage::to_json() const {
  return {{"percent", percent()},
          {"cross", cross_},
          {"edges", edges_},
          {"cross_hit", cross_hit()},
          {"cross_bins", cross_bins()},
          {"edge_hit", edge_hit()},
          {"edge_bins", edge_bins()}};
}

void Coverage::merge(const Coverage& other) {
  for (const auto& [k, v] : other.cross_) cross_[k] += v;
  for (const auto& [k, v] : other.edges_) edges_[k] += v;
}

}  // namespace qta::verif
