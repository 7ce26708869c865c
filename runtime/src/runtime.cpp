#include "qta/runtime/runtime.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "qta/cli.h"
#include "qta/golden/gemm.h"
#include "qta/golden/quant.h"

namespace qta::runtime {

using golden::MatI;
using golden::Op;

namespace {
constexpr int64_t kMaxDescriptorDim = 65535;  // m, n, k, lda, ldb are 16-bit descriptor fields

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// The distinct tile sizes ceil(d / s) for s = 1..d that are at most `limit`, largest first.
std::vector<int64_t> tile_sizes(int64_t d, int64_t limit) {
  std::vector<int64_t> out;
  for (int64_t s = 1; s <= d; ++s) {
    const int64_t t = ceil_div(d, s);
    if (t <= limit && (out.empty() || out.back() != t)) out.push_back(t);
  }
  return out;
}

bool fits_buffers(int64_t m, int64_t n, int64_t k, const gen::Config& cfg) {
  return m * k <= cfg->input_depth && k * n <= cfg->weight_depth && 2 * m * n <= cfg->output_depth &&
         m <= kMaxDescriptorDim && n <= kMaxDescriptorDim && k <= kMaxDescriptorDim && k <= cfg.max_k();
}
}  // namespace

const char* buffer_kind_name(BufferKind b) {
  switch (b) {
    case BufferKind::Input: return "input";
    case BufferKind::Weight: return "weight";
    case BufferKind::Output: return "output";
  }
  return "?";
}

}  // namespace qta::runtime

// The performance model's scale mode (EXPLICIT 0, DYNAMIC 1), declared here too so that this file
// builds both against a perf.h without it (both modes cost the same there) and against one whose
// rtl_total_cycles takes it (DYNAMIC adds the on-chip multiplier derivation).
namespace qta::perf {
enum class ScaleMode;
}

namespace qta::runtime {
namespace {
template <class Mode = perf::ScaleMode>
int64_t rtl_total_for_mode(const perf::Gemm& g, const perf::Array& a, Dataflow d, bool dynamic) {
  if constexpr (requires(Mode m) { perf::rtl_total_cycles(g, a, d, m); })
    return perf::rtl_total_cycles(g, a, d, Mode(dynamic ? 1 : 0));
  else
    return perf::rtl_total_cycles(g, a, d);
}
}  // namespace

int64_t predicted_descriptor_cycles(const perf::Gemm& g, const gen::Config& cfg, bool dynamic, Dataflow dataflow) {
  const perf::Array arr = perf::array_of(cfg);
  // AUTO: the RTL's choice among the configuration's WS, OS, WSC (where N fits a column group) and
  // WSR (where K fits a row group).
  const Dataflow d =
      dataflow != Dataflow::AUTO ? dataflow : perf::auto_dataflow(g, arr, cfg.supports_ws(), cfg.supports_os());
  return rtl_total_for_mode(g, arr, d, dynamic);
}

GemmPlan plan_gemm(const std::string& name, int64_t m, int64_t n, int64_t k, const gen::Config& cfg, bool dynamic,
                   Dataflow dataflow) {
  GemmPlan p;
  p.m = m;
  p.n = n;
  p.k = k;
  if (m < 1 || n < 1 || k < 1)
    throw UsageError(fmt::format("GEMM {}: {} x {} x {} has an empty dimension; valid: M, N, K >= 1", name, m, n, k));
  if (k > cfg.max_k())
    throw UsageError(fmt::format(
        "GEMM {}: K = {} cannot run even after splitting: its exact int32 sum may exceed the {}-bit accumulator at "
        "q = {} (valid: K <= {} = (2^(acc_width - 1) - 1) / (2^(data_width - 1) - 1)^2 with acc_width = {} and "
        "data_width = {} of the configuration; splitting K into partial sums does not make the logical result fit)",
        name, k, cfg->acc_width, cfg->data_width, cfg.max_k(), cfg->acc_width, cfg->data_width));
  if (fits_buffers(m, n, k, cfg)) {
    p.mt = m;
    p.nt = n;
    p.kt = k;
    p.predicted_cycles = predicted_descriptor_cycles({m, n, k}, cfg, dynamic, dataflow);
    return p;
  }
  // The tiling with the fewest predicted cycles: every tile's descriptor pays its compute, its
  // (unused) requantization pass and its control cycles.
  p.single = false;
  int64_t best = std::numeric_limits<int64_t>::max();
  const int64_t kt_limit = std::min({cfg.max_k(), kMaxDescriptorDim, cfg->input_depth, cfg->weight_depth});
  for (const int64_t kt : tile_sizes(k, kt_limit))
    for (const int64_t nt : tile_sizes(n, std::min<int64_t>(kMaxDescriptorDim, cfg->weight_depth / kt))) {
      const int64_t mt_limit = std::min({kMaxDescriptorDim, cfg->input_depth / kt, cfg->output_depth / (2 * nt)});
      for (const int64_t mt : tile_sizes(m, mt_limit)) {
        const int64_t tm = ceil_div(m, mt), tn = ceil_div(n, nt), tk = ceil_div(k, kt);
        const int64_t em = m - (tm - 1) * mt, en = n - (tn - 1) * nt, ek = k - (tk - 1) * kt;
        int64_t cost = 0;
        for (int fm = 0; fm < 2; ++fm)
          for (int fn = 0; fn < 2; ++fn)
            for (int fk = 0; fk < 2; ++fk) {
              // fm = 1: the edge tile along M (counted once), else the tm - 1 full ones.
              const int64_t cm = fm ? 1 : tm - 1, cn = fn ? 1 : tn - 1, ck = fk ? 1 : tk - 1;
              if (cm * cn * ck == 0) continue;
              cost += cm * cn * ck *
                      predicted_descriptor_cycles({fm ? em : mt, fn ? en : nt, fk ? ek : kt}, cfg, false, dataflow);
            }
        if (cost < best || (cost == best && tm * tn * tk < p.tiles())) {
          best = cost;
          p.mt = mt;
          p.nt = nt;
          p.kt = kt;
          p.tiles_m = tm;
          p.tiles_n = tn;
          p.tiles_k = tk;
          p.predicted_cycles = cost;
        }
      }
    }
  if (best == std::numeric_limits<int64_t>::max())
    throw UsageError(fmt::format("GEMM {}: {} x {} x {} cannot be split to fit the buffers (input {}, weight {}, "
                                 "output {} words); valid: buffers of at least one 1 x 1 x 1 tile",
                                 name, m, n, k, cfg->input_depth, cfg->weight_depth, cfg->output_depth));
  return p;
}

double RunStats::utilization(const gen::Config& cfg) const {
  return cycles == 0 ? 0.0 : double(busy_pe_cycles) / (double(cfg->rows) * double(cfg->cols) * double(cycles));
}

void check_compatible(const gen::Config& cfg, const golden::QuantConfig& quant, const std::string& config_name) {
  if (quant.q != cfg->data_width)
    throw UsageError(fmt::format("q = {} of the training does not match data_width = {} of configuration {}; valid: "
                                 "--q {} (or a configuration with data_width {})",
                                 quant.q, cfg->data_width, config_name, cfg->data_width, quant.q));
  if (quant.acc_width != cfg->acc_width)
    throw UsageError(fmt::format("acc_width = {} of the training does not match acc_width = {} of configuration {}; "
                                 "valid: {}",
                                 quant.acc_width, cfg->acc_width, config_name, cfg->acc_width));
  auto supports = [&](golden::Rounding r) { return r == golden::Rounding::RNE ? cfg.supports_rne() : cfg.supports_sr(); };
  const std::string modes = cfg.supports_rne() && cfg.supports_sr() ? "rne, sr" : cfg.supports_rne() ? "rne" : "sr";
  for (const auto& [flag, r] : {std::pair{"--fwd-rounding", quant.fwd_rounding}, std::pair{"--bwd-rounding", quant.bwd_rounding}})
    if (!supports(r))
      throw UsageError(fmt::format("{} = {} needs a rounding mode configuration {} does not have (rounding {}); "
                                   "valid: {}",
                                   flag, golden::rounding_name(r), config_name, modes, modes));
}

Runtime::Runtime(Device& device, const golden::QuantConfig& quant)
    : device_(device), cfg_(device.config()), dynamic_(device.has_dynamic_scale()) {
  quant.validate();
  check_compatible(cfg_, quant, device.name() + " device");
}

void check_dataflow(const gen::Config& cfg, Dataflow d) {
  const std::string valid = fmt::format("auto{}{}", cfg.supports_ws() ? ", ws" : "", cfg.supports_os() ? ", os" : "");
  // WSC runs only GEMMs with N <= cols / col_groups, WSR only GEMMs with K <= rows / row_groups:
  // AUTO picks them per descriptor; forcing one on every descriptor would have the hardware
  // reject the others (error 7).
  if (d == Dataflow::WSC)
    throw UsageError(fmt::format("dataflow WSC cannot be forced on every descriptor: {}; valid: {}",
                                 cfg.supports_wsc() ? fmt::format("it runs only GEMMs with N <= cols / col_groups = {} "
                                                                  "and AUTO chooses it per descriptor",
                                                                  cfg->cols / cfg->col_groups)
                                                    : std::string("this configuration has no column groups (col_groups 1)"),
                                 valid));
  if (d == Dataflow::WSR)
    throw UsageError(fmt::format("dataflow WSR cannot be forced on every descriptor: {}; valid: {}",
                                 cfg.supports_wsr() ? fmt::format("it runs only GEMMs with K <= rows / row_groups = {} "
                                                                  "and AUTO chooses it per descriptor",
                                                                  cfg->rows / cfg->row_groups)
                                                    : std::string("this configuration has no row groups (row_groups 1)"),
                                 valid));
  if (int(d) < 0 || int(d) > int(Dataflow::WSR))
    throw UsageError(fmt::format("dataflow code {} is no dataflow (0 WS, 1 OS, 2 AUTO, 3 WSC, 4 WSR); valid: {}",
                                 int(d), valid));
  if ((d == Dataflow::WS && !cfg.supports_ws()) || (d == Dataflow::OS && !cfg.supports_os()))
    throw UsageError(fmt::format("--dataflow {} is not in this configuration (dataflows \"{}\"); valid: {}",
                                 d == Dataflow::WS ? "ws" : "os", cfg.supports_os() ? "os" : "ws", valid));
}

void Runtime::set_dataflow(Dataflow d) {
  check_dataflow(cfg_, d);
  forced_ = d;
  plans_.clear();
}

Dataflow Runtime::dataflow() const {
  if (forced_ != Dataflow::AUTO) return forced_;
  if (cfg_.dataflows().size() > 1) return Dataflow::AUTO;  // two or more of WS, OS, WSC, WSR
  return cfg_.supports_ws() ? Dataflow::WS : Dataflow::OS;
}

DeviceCompletion Runtime::issue(const DeviceDescriptor& d, const std::string& what) {
  const DeviceCompletion c = device_.run(d);
  if (c.error != 0)
    throw std::runtime_error(fmt::format("{}: the {} device rejected descriptor {} x {} x {} (a_base {}, b_base {}, "
                                         "c_base {}, q_base {}, lda {}, ldb {}) with error {} (docs/rtl.md): a "
                                         "runtime bug",
                                         what, device_.name(), d.m, d.n, d.k, d.a_base, d.b_base, d.c_base, d.q_base,
                                         d.lda, d.ldb, c.error));
  ++stats_.descriptors;
  stats_.cycles += c.cycles;
  stats_.compute_cycles += c.compute_cycles;
  stats_.busy_pe_cycles += busy_pe_cycles(c);
  stats_.predicted_cycles +=
      predicted_descriptor_cycles({d.m, d.n, d.k}, cfg_, d.dynamic_scale != 0, dataflow_of(d));
  return c;
}

golden::GemmStep Runtime::run(const std::string& name, const std::string& a_name, const golden::QTensor& a, Op op_a,
                              const std::string& b_name, const golden::QTensor& b, Op op_b, const std::string& out_name,
                              double extra, golden::Rounding rounding, const golden::QuantConfig& cfg) {
  golden::GemmStep st = golden::gemm_step_header(name, a_name, a, op_a, b_name, b, op_b, out_name, extra, rounding, cfg);
  if (golden::op_cols(a.values, op_a) != golden::op_rows(b.values, op_b))
    throw UsageError(fmt::format("GEMM {}: op(A) is {} x {} but op(B) is {} x {}; valid: equal inner dimensions", name,
                                 st.m, st.k, golden::op_rows(b.values, op_b), st.n));
  golden::note_long_gemm(name + " (" + device_.name() + ")", st.m, st.n, st.k);
  const auto key = std::make_tuple(st.m, st.n, st.k);
  auto it = plans_.find(key);
  if (it == plans_.end()) it = plans_.emplace(key, plan_gemm(name, st.m, st.n, st.k, cfg_, dynamic_, forced_)).first;
  const GemmPlan& plan = it->second;
  const RunStats before = stats_;
  st = plan.single && dynamic_ ? run_single_dynamic(std::move(st), plan) : run_tiled(std::move(st), plan);
  ++stats_.gemms;
  stats_.split_gemms += plan.single ? 0 : 1;
  stats_.macs += uint64_t(st.m) * uint64_t(st.n) * uint64_t(st.k);
  const int64_t unsplit = predicted_descriptor_cycles({st.m, st.n, st.k}, cfg_, dynamic_, forced_);
  stats_.unsplit_cycles += unsplit;
  records_.push_back({name, st.m, st.n, st.k, stats_.descriptors - before.descriptors, plan.single && dynamic_,
                      stats_.cycles - before.cycles, stats_.predicted_cycles - before.predicted_cycles, unsplit});
  return st;
}

golden::GemmStep Runtime::run_single_dynamic(golden::GemmStep st, const GemmPlan&) {
  device_.write(BufferKind::Input, 0, st.a.values);
  device_.write(BufferKind::Weight, 0, st.b.values);
  stats_.words_written += uint64_t(st.a.values.size() + st.b.values.size());
  DeviceDescriptor d;
  d.m = uint32_t(st.m);
  d.n = uint32_t(st.n);
  d.k = uint32_t(st.k);
  d.lda = uint32_t(st.a.values.cols);
  d.ldb = uint32_t(st.b.values.cols);
  d.a_trans = st.op_a == Op::T;
  d.b_trans = st.op_b == Op::T;
  d.c_base = 0;
  d.q_base = uint32_t(st.m * st.n);
  d.dataflow = uint32_t(dataflow());
  d.rounding = uint32_t(st.rounding);
  d.dynamic_scale = 1;
  d.sr_seed = st.sr_seed;
  const DeviceCompletion c = issue(d, "GEMM " + st.name);
  // The int32 result is read too (no device cycles: the backdoor), so every intermediate
  // tensor can be compared with the golden model's.
  MatI acc = device_.read(BufferKind::Output, 0, st.m, st.n);
  golden::Requantized out;
  out.values = device_.read(BufferKind::Output, d.q_base, st.m, st.n);
  out.amax = c.amax;
  out.m = multiplier(c);
  stats_.words_read += uint64_t(2 * st.m * st.n);
  golden::set_gemm_result(st, std::move(acc), std::move(out));
  return st;
}

namespace {
// Rows [r0, r0 + nr) x columns [c0, c0 + nc) of x, dense.
MatI block(const MatI& x, int64_t r0, int64_t nr, int64_t c0, int64_t nc) {
  MatI y(nr, nc);
  for (int64_t r = 0; r < nr; ++r)
    std::copy_n(x.data.begin() + (r0 + r) * x.cols + c0, nc, y.data.begin() + r * nc);
  return y;
}
}  // namespace

golden::GemmStep Runtime::run_tiled(golden::GemmStep st, const GemmPlan& p) {
  std::vector<int64_t> sum(size_t(st.m * st.n), 0);
  const bool at = st.op_a == Op::T, bt = st.op_b == Op::T;
  // The tiles' own requantized copies are unused: explicit multiplier 0 (every value 0), in a
  // rounding mode the configuration has.
  const golden::Rounding tile_rounding = cfg_.supports_rne() ? golden::Rounding::RNE : golden::Rounding::SR;
  for (int64_t jn = 0; jn < p.tiles_n; ++jn)
    for (int64_t jk = 0; jk < p.tiles_k; ++jk)
      for (int64_t jm = 0; jm < p.tiles_m; ++jm) {
        const int64_t m0 = jm * p.mt, n0 = jn * p.nt, k0 = jk * p.kt;
        const int64_t mt = std::min(p.mt, st.m - m0), nt = std::min(p.nt, st.n - n0), kt = std::min(p.kt, st.k - k0);
        // Stored A is M x K (N) or K x M (T); stored B is K x N (N) or N x K (T).
        const MatI a = at ? block(st.a.values, k0, kt, m0, mt) : block(st.a.values, m0, mt, k0, kt);
        const MatI b = bt ? block(st.b.values, n0, nt, k0, kt) : block(st.b.values, k0, kt, n0, nt);
        device_.write(BufferKind::Input, 0, a);
        device_.write(BufferKind::Weight, 0, b);
        stats_.words_written += uint64_t(a.size() + b.size());
        DeviceDescriptor d;
        d.m = uint32_t(mt);
        d.n = uint32_t(nt);
        d.k = uint32_t(kt);
        d.lda = uint32_t(a.cols);
        d.ldb = uint32_t(b.cols);
        d.a_trans = at;
        d.b_trans = bt;
        d.c_base = 0;
        d.q_base = uint32_t(mt * nt);
        d.dataflow = uint32_t(dataflow());
        d.rounding = uint32_t(tile_rounding);
        d.dynamic_scale = 0;
        d.m0 = 0;
        d.shift = 0;
        d.sr_seed = 1;
        issue(d, fmt::format("GEMM {} tile ({}, {}, {})", st.name, jm, jn, jk));
        const MatI part = device_.read(BufferKind::Output, 0, mt, nt);
        stats_.words_read += uint64_t(mt * nt);
        for (int64_t i = 0; i < mt; ++i)
          for (int64_t j = 0; j < nt; ++j) sum[size_t((m0 + i) * st.n + n0 + j)] += part(i, j);
      }
  MatI acc(st.m, st.n);
  for (size_t e = 0; e < sum.size(); ++e) {
    if (sum[e] > std::numeric_limits<int32_t>::max() || sum[e] < std::numeric_limits<int32_t>::min())
      throw std::logic_error(fmt::format("GEMM {}: a summed partial result {} exceeds int32 although K <= max_k",
                                         st.name, sum[e]));
    acc.data[e] = int32_t(sum[e]);
  }
  // One scale for the logical tensor: golden's integer recipe over the whole int32 result, the
  // LFSR in row-major order of the logical output.
  golden::Requantized out = golden::requantize(acc, st.a.q, st.rounding, st.sr_seed);
  golden::set_gemm_result(st, std::move(acc), std::move(out));
  return st;
}

}  // namespace qta::runtime
