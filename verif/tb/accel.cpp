#include "accel.h"

#include "Vqta_top.h"

#include <cstdlib>
#include <fmt/format.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "qta/perf/perf.h"
#include "tb_contract.h"

#ifdef QTA_DPI_BACKDOOR
#include "Vqta_top__Dpi.h"
#include "svdpi.h"
#endif

namespace qta::verif {

using harness::FallingEdge;
using harness::ReadOnly;
using harness::RisingEdge;
using harness::Signal;
using harness::Task;

gen::Config load_accel_config() {
  const char* dir = std::getenv("QTA_GEN_DIR");
  if (!dir || !*dir)
    throw std::runtime_error("QTA_GEN_DIR is not set: it names the generated configuration (qta verify sets it)");
  return gen::load_config(std::filesystem::path(dir) / "config.json");
}

Accel::Accel(harness::Dut& dut)
    : dut_(dut),
      top_(dut.top<Vqta_top>()),
      cfg_(load_accel_config()),
      clk_(top_.clk_i, "clk_i", 1),
      rst_n_(top_.rst_ni, "rst_ni", 1) {}

Task<> Accel::start() {
  // Every input gets a defined value before the first edge (inputs too are randomized by
  // +verilator+rand+reset+2).
  rst_n_.set(0);
  Signal(top_.desc_valid_i, "desc_valid_i", 1).set(0);
  Signal(top_.bd_in_we_i, "bd_in_we_i", 1).set(0);
  Signal(top_.bd_wt_we_i, "bd_wt_we_i", 1).set(0);
  Signal(top_.bd_out_we_i, "bd_out_we_i", 1).set(0);
  clk_.set(0);
  clock_ = std::make_unique<harness::Clock>(clk_, kTbClockPeriodNs, "ns");
  clock_task_ = clock_->start();
  co_await harness::ClockCycles(clk_, 4);
  co_await FallingEdge(clk_);
  rst_n_.set(1);
  monitor_task_ = harness::start_soon(monitor(), "done_monitor");
  co_await RisingEdge(clk_);
}

Task<> Accel::monitor() {
  for (;;) {
    co_await FallingEdge(clk_);
    if (!top_.done_o) continue;
    Completion c;
    c.id = top_.done_id_o;
    c.error = top_.done_error_o;
    c.os = top_.done_os_o;
    c.wsc = top_.done_wsc_o;
    c.wsr = top_.done_wsr_o;
    c.cycles = top_.done_cycles_o;
    c.compute_cycles = top_.done_compute_cycles_o;
    c.busy_pe_cycles = top_.done_busy_pe_cycles_o;
    c.amax = int64_t(top_.done_amax_o);
    c.m0 = top_.done_m0_o;
    c.shift = int(top_.done_shift_o);
    done_.put_nowait(c);
  }
}

const char* buffer_name(Buffer b) {
  switch (b) {
    case Buffer::Input: return "input";
    case Buffer::Weight: return "weight";
    case Buffer::Output: return "output";
  }
  return "?";
}

bool Accel::dpi_available() {
#ifdef QTA_DPI_BACKDOOR
  return true;
#else
  return false;
#endif
}

// One buffer's backdoor ports, depth, word width and DPI-C scope: the only place that maps a
// Buffer to qta_top's names.
struct Accel::BufferAccess {
  harness::Signal we, addr, wdata, rdata;
  int64_t depth = 0;
  int width = 0;
  const char* scope = "";
};

Accel::BufferAccess Accel::access(Buffer b) {
  switch (b) {
    case Buffer::Input:
      return {Signal(top_.bd_in_we_i, "bd_in_we_i", 1), Signal(top_.bd_in_addr_i, "bd_in_addr_i"),
              Signal(top_.bd_in_wdata_i, "bd_in_wdata_i", cfg_->data_width),
              Signal(top_.bd_in_rdata_o, "bd_in_rdata_o", cfg_->data_width), cfg_->input_depth, cfg_->data_width,
              "TOP.qta_top.u_input_buffer"};
    case Buffer::Weight:
      return {Signal(top_.bd_wt_we_i, "bd_wt_we_i", 1), Signal(top_.bd_wt_addr_i, "bd_wt_addr_i"),
              Signal(top_.bd_wt_wdata_i, "bd_wt_wdata_i", cfg_->data_width),
              Signal(top_.bd_wt_rdata_o, "bd_wt_rdata_o", cfg_->data_width), cfg_->weight_depth, cfg_->data_width,
              "TOP.qta_top.u_weight_buffer"};
    case Buffer::Output:
      break;
  }
  return {Signal(top_.bd_out_we_i, "bd_out_we_i", 1), Signal(top_.bd_out_addr_i, "bd_out_addr_i"),
          Signal(top_.bd_out_wdata_i, "bd_out_wdata_i", cfg_->acc_width),
          Signal(top_.bd_out_rdata_o, "bd_out_rdata_o", cfg_->acc_width), cfg_->output_depth, cfg_->acc_width,
          "TOP.qta_top.u_output_buffer"};
}

int64_t Accel::buffer_depth(Buffer b) { return access(b).depth; }
int Accel::buffer_width(Buffer b) { return access(b).width; }

namespace {
void check_range(const char* name, int64_t depth, uint32_t base, int64_t words) {
  if (words < 0 || int64_t(base) + words > depth)
    QTA_FAIL("backdoor access to words [{}, {}) of the {} buffer: valid addresses are 0..{}", base,
             int64_t(base) + words, name, depth - 1);
}

#ifdef QTA_DPI_BACKDOOR
// Selects the qta_buffer instance whose DPI-C exports the next calls reach.
void set_dpi_scope(const char* name) {
  const svScope scope = svGetScopeFromName(name);
  if (!scope) QTA_FAIL("DPI-C backdoor: no scope {} in the model (was it built with +define+QTA_DPI_BACKDOOR?)", name);
  svSetScope(scope);
}

void dpi_write(const char* scope, uint32_t base, const golden::MatI& x) {
  set_dpi_scope(scope);
  for (int64_t e = 0; e < x.size(); ++e) qta_buffer_bd_write(int(base + uint64_t(e)), x.data[size_t(e)]);
}

golden::MatI dpi_read(const char* scope, uint32_t base, int64_t rows, int64_t cols) {
  set_dpi_scope(scope);
  golden::MatI x(rows, cols);
  for (int64_t e = 0; e < x.size(); ++e) x.data[size_t(e)] = qta_buffer_bd_read(int(base + uint64_t(e)));
  return x;
}
#else
[[noreturn]] void no_dpi() {
  QTA_FAIL("DPI-C backdoor: this model was built without QTA_DPI_BACKDOOR; use Backdoor::Port");
}
void dpi_write(const char*, uint32_t, const golden::MatI&) { no_dpi(); }
golden::MatI dpi_read(const char*, uint32_t, int64_t, int64_t) { no_dpi(); }
#endif
}  // namespace

Task<> Accel::write_buffer(Buffer b, uint32_t base, const golden::MatI& x, std::optional<Backdoor> via) {
  BufferAccess buf = access(b);
  check_range(buffer_name(b), buf.depth, base, x.size());
  if (via.value_or(backdoor_) == Backdoor::Dpi) {
    dpi_write(buf.scope, base, x);  // zero simulation time
    co_return;
  }
  for (int64_t e = 0; e < x.size(); ++e) {
    co_await FallingEdge(clk_);
    buf.we.set(1);
    buf.addr.set(base + uint64_t(e));
    buf.wdata.set_signed(x.data[size_t(e)]);
  }
  co_await FallingEdge(clk_);
  buf.we.set(0);
}

Task<golden::MatI> Accel::read_buffer(Buffer b, uint32_t base, int64_t rows, int64_t cols,
                                      std::optional<Backdoor> via) {
  BufferAccess buf = access(b);
  check_range(buffer_name(b), buf.depth, base, rows * cols);
  if (via.value_or(backdoor_) == Backdoor::Dpi) co_return dpi_read(buf.scope, base, rows, cols);
  golden::MatI x(rows, cols);
  for (int64_t e = 0; e < x.size(); ++e) {
    co_await FallingEdge(clk_);
    buf.addr.set(base + uint64_t(e));
    co_await ReadOnly();
    x.data[size_t(e)] = int32_t(buf.rdata.value_signed());
  }
  co_return x;
}

Task<> Accel::write_input(uint32_t base, const golden::MatI& x) { co_await write_buffer(Buffer::Input, base, x); }

Task<> Accel::write_weight(uint32_t base, const golden::MatI& x) { co_await write_buffer(Buffer::Weight, base, x); }

Task<golden::MatI> Accel::read_output(uint32_t base, int64_t rows, int64_t cols) {
  co_return co_await read_buffer(Buffer::Output, base, rows, cols);
}

Task<> Accel::submit(const Descriptor& d) {
  co_await FallingEdge(clk_);
  auto& t = top_;
  Signal(t.desc_id_i, "desc_id_i", 8).set(d.id);
  Signal(t.desc_m_i, "desc_m_i", 16).set(uint64_t(d.m) & 0xffff);
  Signal(t.desc_n_i, "desc_n_i", 16).set(uint64_t(d.n) & 0xffff);
  Signal(t.desc_k_i, "desc_k_i", 16).set(uint64_t(d.k) & 0xffff);
  Signal(t.desc_a_base_i, "desc_a_base_i", 32).set(d.a_base);
  Signal(t.desc_lda_i, "desc_lda_i", 16).set(d.lda & 0xffff);
  Signal(t.desc_a_trans_i, "desc_a_trans_i", 1).set(d.a_trans);
  Signal(t.desc_b_base_i, "desc_b_base_i", 32).set(d.b_base);
  Signal(t.desc_ldb_i, "desc_ldb_i", 16).set(d.ldb & 0xffff);
  Signal(t.desc_b_trans_i, "desc_b_trans_i", 1).set(d.b_trans);
  Signal(t.desc_c_base_i, "desc_c_base_i", 32).set(d.c_base);
  Signal(t.desc_q_base_i, "desc_q_base_i", 32).set(d.q_base);
  Signal(t.desc_dataflow_i, "desc_dataflow_i", 3).set(uint64_t(d.dataflow) & 7);
  Signal(t.desc_rounding_i, "desc_rounding_i", 1).set(d.rounding == golden::Rounding::SR);
  Signal(t.desc_m0_i, "desc_m0_i", 32).set(d.m0);
  Signal(t.desc_shift_i, "desc_shift_i", 6).set(uint64_t(d.shift) & 63);
  Signal(t.desc_sr_seed_i, "desc_sr_seed_i", 32).set(d.sr_seed);
  Signal(t.desc_scale_mode_i, "desc_scale_mode_i", 1).set(d.dynamic_scale);
  Signal valid(t.desc_valid_i, "desc_valid_i", 1);
  valid.set(1);
  for (;;) {
    co_await ReadOnly();
    const bool ready = t.desc_ready_o;
    co_await RisingEdge(clk_);
    if (ready) break;
  }
  co_await FallingEdge(clk_);
  valid.set(0);
}

Task<Completion> Accel::wait_done(uint64_t cycles) {
  for (uint64_t i = 0; i <= cycles; ++i) {
    if (!done_.empty()) co_return done_.get_nowait();
    co_await RisingEdge(clk_);
  }
  QTA_FAIL("no completion within {} cycles: the scheduler hangs (seed {}; reproduce: {})", cycles, dut_.seed(),
           reproduce_command(dut_));
}

uint64_t Accel::cycle_budget(int64_t m, int64_t n, int64_t k) const {
  const perf::Gemm g{std::max<int64_t>(m, 1), std::max<int64_t>(n, 1), std::max<int64_t>(k, 1)};
  const perf::Array a = perf::array_of(cfg_);
  return uint64_t(2 * std::max(perf::ws_cycles(g, a), perf::os_cycles(g, a)) + g.m * g.n + 200);
}

Descriptor Accel::descriptor_for(const GemmCase& c, uint8_t id) const {
  Descriptor d;
  d.id = id;
  d.m = c.m;
  d.n = c.n;
  d.k = c.k;
  d.a_trans = c.op_a == golden::Op::T;
  d.b_trans = c.op_b == golden::Op::T;
  d.lda = uint32_t(c.a.cols);
  d.ldb = uint32_t(c.b.cols);
  d.c_base = 0;
  d.q_base = uint32_t(c.m * c.n);
  d.dataflow = int(c.dataflow);
  d.rounding = c.rounding;
  if (c.multiplier) {
    d.m0 = uint32_t(c.multiplier->m0);
    d.shift = c.multiplier->n;
  } else {
    d.dynamic_scale = true;
    d.m0 = uint32_t(c.seed * 0x9e3779b97f4a7c15ull >> 32) | 0x80000000u;  // illegal as EXPLICIT
    d.shift = int(c.seed % 64);
  }
  d.sr_seed = c.sr_seed;
  return d;
}

Task<GemmRun> Accel::run_case(const GemmCase& c, uint8_t id) {
  co_await write_input(0, c.a);
  co_await write_weight(0, c.b);
  co_await submit(descriptor_for(c, id));
  GemmRun r;
  r.done = co_await wait_done(cycle_budget(c.m, c.n, c.k));
  r.acc = co_await read_output(0, c.m, c.n);
  r.out = co_await read_output(uint32_t(c.m * c.n), c.m, c.n);
  co_return r;
}

uint64_t Accel::status(const char* which) {
  const std::string w = which;
  if (w == "error") return top_.status_error_o;
  if (w == "error_count") return top_.error_count_o;
  if (w == "gemm_count") return top_.gemm_count_o;
  if (w == "cycles") return top_.cycle_count_o;
  if (w == "compute") return top_.compute_cycle_count_o;
  if (w == "busy_pe") return top_.busy_pe_cycle_count_o;
  throw std::invalid_argument("unknown status register " + w);
}

bool Accel::busy() const { return top_.busy_o != 0; }
bool Accel::desc_ready() const { return top_.desc_ready_o != 0; }

std::string reproduce_command(harness::Dut& dut) {
  const char* cmd = std::getenv("QTA_REPRODUCE");
  return fmt::format("{} --test {}", cmd ? cmd : "qta verify", dut.test_name());
}

void expect_tensor_equal(const std::string& context, const golden::MatI& expected, const golden::MatI& got,
                         harness::Dut& dut) {
  if (expected.rows != got.rows || expected.cols != got.cols)
    QTA_FAIL("{}: shape {}x{} expected, {}x{} read back (seed {}; reproduce: {})", context, expected.rows,
             expected.cols, got.rows, got.cols, dut.seed(), reproduce_command(dut));
  for (int64_t e = 0; e < expected.size(); ++e)
    if (expected.data[size_t(e)] != got.data[size_t(e)]) {
      int64_t mismatches = 0;
      for (int64_t f = e; f < expected.size(); ++f) mismatches += expected.data[size_t(f)] != got.data[size_t(f)];
      QTA_FAIL("{}: first mismatch at index {} (row {}, col {}): expected {}, got {} ({} of {} elements differ; "
               "seed {}; reproduce: {})",
               context, e, e / expected.cols, e % expected.cols, expected.data[size_t(e)], got.data[size_t(e)],
               mismatches, expected.size(), dut.seed(), reproduce_command(dut));
    }
}

}  // namespace qta::verif
