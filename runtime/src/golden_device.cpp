// The golden model executing descriptors: the device the golden backend of qta train runs on.
// It checks a descriptor as the scheduler does (docs/rtl.md error codes), computes with the
// golden GEMM and requantization and reports the performance model's cycles.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "qta/golden/gemm.h"
#include "qta/golden/lfsr.h"
#include "qta/golden/quant.h"
#include "qta/perf/perf.h"
#include "qta/runtime/device.h"
#include "qta/runtime/runtime.h"

namespace qta::runtime {
namespace {

using golden::MatI;

class GoldenDevice final : public Device {
 public:
  explicit GoldenDevice(const gen::Config& cfg)
      : cfg_(cfg),
        buffers_{std::vector<int32_t>(size_t(cfg->input_depth)), std::vector<int32_t>(size_t(cfg->weight_depth)),
                 std::vector<int32_t>(size_t(cfg->output_depth))} {}

  const gen::Config& config() const override { return cfg_; }
  std::string name() const override { return "golden"; }
  bool has_dynamic_scale() const override { return true; }

  void write(BufferKind b, uint32_t base, const MatI& x) override {
    auto& buf = buffer(b, base, x.size());
    std::copy(x.data.begin(), x.data.end(), buf.begin() + base);
  }

  MatI read(BufferKind b, uint32_t base, int64_t rows, int64_t cols) override {
    const auto& buf = buffer(b, base, rows * cols);
    MatI x(rows, cols);
    std::copy_n(buf.begin() + base, rows * cols, x.data.begin());
    return x;
  }

  DeviceCompletion run(const DeviceDescriptor& d) override {
    DeviceCompletion c;
    c.id = d.id;
    c.error = uint32_t(check(d));
    if (c.error) {
      c.cycles = 2;
      return c;
    }
    const perf::Array arr = perf::array_of(cfg_);
    const perf::Gemm g{d.m, d.n, d.k};
    const bool at = d.a_trans != 0, bt = d.b_trans != 0;
    const golden::Rounding rounding = rounding_of(d);
    // AUTO: the RTL's qta_auto, over the configuration's WS, OS and, where they fit, WSC (N within
    // a column group) and WSR (K within a row group).
    const Dataflow df = dataflow_of(d) == Dataflow::AUTO
                            ? perf::auto_dataflow(g, arr, cfg_.supports_ws(), cfg_.supports_os())
                            : dataflow_of(d);
    const MatI a = stored(BufferKind::Input, d.a_base, at ? d.k : d.m, at ? d.m : d.k, d.lda);
    const MatI b = stored(BufferKind::Weight, d.b_base, bt ? d.n : d.k, bt ? d.k : d.n, d.ldb);
    const MatI acc = golden::gemm_int(a, at ? golden::Op::T : golden::Op::N, b, bt ? golden::Op::T : golden::Op::N,
                                      cfg_->data_width, cfg_->acc_width);
    MatI q;
    int64_t amax = 0;
    golden::FixedPoint mult;
    if (d.dynamic_scale) {
      golden::Requantized r = golden::requantize(acc, cfg_->data_width, rounding, d.sr_seed);
      q = std::move(r.values);
      amax = r.amax;
      mult = r.m;
    } else {
      mult = golden::FixedPoint{int32_t(d.m0), int(d.shift)};
      q = MatI(d.m, d.n);
      uint32_t state = d.sr_seed;
      for (size_t e = 0; e < acc.data.size(); ++e) {
        amax = std::max<int64_t>(amax, std::llabs(int64_t(acc.data[e])));
        state = golden::lfsr_step(state);
        q.data[e] = golden::requantize_one(acc.data[e], mult, rounding, state, cfg_->data_width);
      }
    }
    write(BufferKind::Output, d.c_base, acc);
    write(BufferKind::Output, d.q_base, q);
    c.amax = uint32_t(amax);
    c.m0 = uint32_t(mult.m0);
    c.shift = uint32_t(mult.n);
    c.ran = uint32_t(df);
    c.compute_cycles = uint32_t(perf::compute_cycles(g, arr, df));
    c.cycles = uint32_t(predicted_descriptor_cycles(g, cfg_, d.dynamic_scale != 0, df));
    const uint64_t busy = uint64_t(d.m) * d.n * d.k;
    c.busy_pe_cycles_lo = uint32_t(busy);
    c.busy_pe_cycles_hi = uint32_t(busy >> 32);
    return c;
  }

 private:
  std::vector<int32_t>& buffer(BufferKind b, uint32_t base, int64_t words) {
    auto& buf = buffers_[int(b)];
    if (words < 0 || int64_t(base) + words > int64_t(buf.size()))
      throw std::logic_error(fmt::format("golden device: words [{}, {}) beyond the {} buffer ({} words)", base,
                                         int64_t(base) + words, buffer_kind_name(b), buf.size()));
    return buf;
  }

  MatI stored(BufferKind b, uint32_t base, int64_t rows, int64_t cols, int64_t ld) {
    const auto& buf = buffers_[int(b)];
    MatI x(rows, cols);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) x(r, c) = buf[size_t(base + r * ld + c)];
    return x;
  }

  // The scheduler's CHECK state, in its priority order (docs/rtl.md "Error codes").
  int check(const DeviceDescriptor& d) const {
    const int64_t m = d.m, n = d.n, k = d.k, lda = d.lda, ldb = d.ldb;
    if (m < 1 || n < 1 || k < 1 || m > 65535 || n > 65535 || k > 65535) return 1;
    if (k > cfg_.max_k()) return 2;
    const int64_t a_rows = d.a_trans ? k : m, a_cols = d.a_trans ? m : k;
    const int64_t b_rows = d.b_trans ? n : k, b_cols = d.b_trans ? k : n;
    if (lda < a_cols || ldb < b_cols) return 3;
    if (int64_t(d.a_base) + (a_rows - 1) * lda + a_cols > cfg_->input_depth) return 4;
    if (int64_t(d.b_base) + (b_rows - 1) * ldb + b_cols > cfg_->weight_depth) return 5;
    const int64_t mn = m * n;
    const bool overlap = int64_t(d.c_base) < int64_t(d.q_base) + mn && int64_t(d.q_base) < int64_t(d.c_base) + mn;
    if (int64_t(d.c_base) + mn > cfg_->output_depth || int64_t(d.q_base) + mn > cfg_->output_depth || overlap) return 6;
    // WSC: a configuration with column groups, and N within one group; WSR: one with row groups,
    // and K within one group (docs/interfaces.md section 4). Codes 5..7 of the 3-bit field (and
    // anything else that is no dataflow) are rejected too.
    const int code = int(d.dataflow);
    const Dataflow df = dataflow_of(d);
    const golden::Rounding rounding = rounding_of(d);
    const perf::Gemm g{m, n, k};
    if (code < 0 || code > int(Dataflow::WSR) || (df == Dataflow::WS && !cfg_.supports_ws()) ||
        (df == Dataflow::OS && !cfg_.supports_os()) || (df == Dataflow::WSC && !perf::wsc_fits(g, perf::array_of(cfg_))) ||
        (df == Dataflow::WSR && !perf::wsr_fits(g, perf::array_of(cfg_))))
      return 7;
    if ((rounding == golden::Rounding::RNE && !cfg_.supports_rne()) || (rounding == golden::Rounding::SR && !cfg_.supports_sr()))
      return 8;
    if (rounding == golden::Rounding::SR && d.sr_seed == 0) return 9;
    if (!d.dynamic_scale && d.m0 != 0 && (d.m0 < (1u << 30) || d.m0 >= (1u << 31))) return 10;
    return 0;
  }

  gen::Config cfg_;
  std::vector<int32_t> buffers_[3];
};

}  // namespace

std::unique_ptr<Device> make_golden_device(const gen::Config& cfg) { return std::make_unique<GoldenDevice>(cfg); }

}  // namespace qta::runtime
