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

// qta_top's AXI4-Lite slave port: the only place that names its wires.
harness::AxiLiteBus Accel::axil_bus() {
  auto& t = top_;
  const int aw = hostif::kAddrBits;
  return {Signal(t.clk_i, "clk_i", 1),
          Signal(t.s_axil_awvalid_i, "s_axil_awvalid_i", 1), Signal(t.s_axil_awready_o, "s_axil_awready_o", 1),
          Signal(t.s_axil_awaddr_i, "s_axil_awaddr_i", aw),  Signal(t.s_axil_awprot_i, "s_axil_awprot_i", 3),
          Signal(t.s_axil_wvalid_i, "s_axil_wvalid_i", 1),   Signal(t.s_axil_wready_o, "s_axil_wready_o", 1),
          Signal(t.s_axil_wdata_i, "s_axil_wdata_i", 32),    Signal(t.s_axil_wstrb_i, "s_axil_wstrb_i", 4),
          Signal(t.s_axil_bvalid_o, "s_axil_bvalid_o", 1),   Signal(t.s_axil_bready_i, "s_axil_bready_i", 1),
          Signal(t.s_axil_bresp_o, "s_axil_bresp_o", 2),
          Signal(t.s_axil_arvalid_i, "s_axil_arvalid_i", 1), Signal(t.s_axil_arready_o, "s_axil_arready_o", 1),
          Signal(t.s_axil_araddr_i, "s_axil_araddr_i", aw),  Signal(t.s_axil_arprot_i, "s_axil_arprot_i", 3),
          Signal(t.s_axil_rvalid_o, "s_axil_rvalid_o", 1),   Signal(t.s_axil_rready_i, "s_axil_rready_i", 1),
          Signal(t.s_axil_rdata_o, "s_axil_rdata_o", 32),    Signal(t.s_axil_rresp_o, "s_axil_rresp_o", 2)};
}

Accel::Accel(harness::Dut& dut)
    : dut_(dut),
      top_(dut.top<Vqta_top>()),
      cfg_(load_accel_config()),
      clk_(top_.clk_i, "clk_i", 1),
      rst_n_(top_.rst_ni, "rst_ni", 1),
      irq_(top_.irq_o, "irq_o", 1),
      bus_(axil_bus(), "axil", dut.seed() ^ 0xa11ce5ull),
      checker_(axil_bus(), rst_n_, "qta_top.s_axil") {}

Task<> Accel::start(bool monitor_completions) {
  // Every input gets a defined value before the first edge (inputs too are randomized by
  // +verilator+rand+reset+2).
  rst_n_.set(0);
  bus_.idle();
  Signal(top_.bd_in_we_i, "bd_in_we_i", 1).set(0);
  Signal(top_.bd_wt_we_i, "bd_wt_we_i", 1).set(0);
  Signal(top_.bd_out_we_i, "bd_out_we_i", 1).set(0);
  clk_.set(0);
  clock_ = std::make_unique<harness::Clock>(clk_, kTbClockPeriodNs, "ns");
  clock_task_ = clock_->start();
  co_await harness::ClockCycles(clk_, 4);
  co_await FallingEdge(clk_);
  rst_n_.set(1);
  submitter_.reset();
  if (!checker_task_.valid()) checker_task_ = harness::start_soon(checker_.run(), "axil_checker");
  co_await RisingEdge(clk_);
  if (monitor_completions) {
    const uint32_t resp = co_await write_reg(hostif::reg::INTR_ENABLE, hostif::kIrqAll);
    if (resp != harness::kAxiOkay) QTA_FAIL("INTR_ENABLE write answered {}", harness::axi_resp_name(resp));
    if (!monitor_task_.valid()) monitor_task_ = harness::start_soon(monitor(), "done_monitor");
    monitoring_ = true;
  }
}

// On every interrupt: drain the completion FIFO (while STATUS.cpl_valid: the CPL_* words, then
// CPL_POP), clear INTR_STATE, and look once more: a completion that arrived before the clear is
// drained now, one after it raises the interrupt anew. Reads go on while a DOORBELL write waits
// for queue space (the AXI channels are independent); CPL_POP waits behind it.
Task<> Accel::monitor() {
  for (;;) {
    co_await RisingEdge(clk_);
    if (!irq_.value()) continue;
    do {
      while (hostif::cpl_valid(co_await read_reg(hostif::reg::STATUS))) {
        std::array<uint32_t, Completion::kWords> w{};
        for (int i = 0; i < Completion::kWords; ++i) w[size_t(i)] = co_await read_reg(Completion::kOffsets[size_t(i)]);
        const uint32_t resp = co_await write_reg(hostif::reg::CPL_POP, 1);
        if (resp != harness::kAxiOkay) QTA_FAIL("CPL_POP write answered {}", harness::axi_resp_name(resp));
        done_.put_nowait(Completion::unpack(w));
      }
      co_await write_reg(hostif::reg::INTR_STATE, hostif::kIrqAll);
    } while (hostif::cpl_valid(co_await read_reg(hostif::reg::STATUS)));
  }
}

Task<std::pair<uint32_t, uint32_t>> Accel::read_reg_resp(uint32_t offset) { co_return co_await bus_.read(offset); }

Task<uint32_t> Accel::read_reg(uint32_t offset) {
  const auto [data, resp] = co_await bus_.read(offset);
  if (resp != harness::kAxiOkay)
    QTA_FAIL("AXI4-Lite read of 0x{:03X} answered {} (seed {}; reproduce: {})", offset, harness::axi_resp_name(resp),
             dut_.seed(), reproduce_command(dut_));
  co_return data;
}

Task<uint32_t> Accel::write_reg(uint32_t offset, uint32_t data, uint32_t strb) {
  co_return co_await bus_.write(offset, data, strb);
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

Task<uint32_t> Accel::submit_once(const Descriptor& d) {
  const uint64_t before = bus_.bus_cycles();
  uint32_t doorbell = harness::kAxiOkay;
  for (const hostif::RegWrite& w : submitter_.program(d)) {
    const uint32_t resp = co_await bus_.write(w.offset, w.data);
    if (w.offset == hostif::reg::DOORBELL) {
      doorbell = resp;
    } else if (resp != harness::kAxiOkay) {
      submitter_.forget();
      QTA_FAIL("descriptor {}: the write of 0x{:08X} to 0x{:03X} answered {} (seed {}; reproduce: {})", d.id, w.data,
               w.offset, harness::axi_resp_name(resp), dut_.seed(), reproduce_command(dut_));
    }
  }
  submit_cycles_ += bus_.bus_cycles() - before;
  if (doorbell == harness::kAxiOkay) ++submitted_;
  co_return doorbell;
}

Task<> Accel::submit(const Descriptor& d) {
  uint32_t resp = co_await submit_once(d);
  // Refused: the queue and the completion FIFO were full. The monitor pops; ring again.
  for (int tries = 0; resp == harness::kAxiSlvErr && monitoring_ && tries < 100000; ++tries) {
    co_await harness::ClockCycles(clk_, 4);
    const uint64_t before = bus_.bus_cycles();
    resp = co_await bus_.write(hostif::reg::DOORBELL, 1);
    submit_cycles_ += bus_.bus_cycles() - before;
    if (resp == harness::kAxiOkay) ++submitted_;
  }
  if (resp != harness::kAxiOkay)
    QTA_FAIL("descriptor {}: DOORBELL answered {} (STATUS 0x{:02X}; seed {}; reproduce: {})", d.id,
             harness::axi_resp_name(resp), co_await read_reg(hostif::reg::STATUS), dut_.seed(), reproduce_command(dut_));
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
  d.m = uint32_t(c.m);
  d.n = uint32_t(c.n);
  d.k = uint32_t(c.k);
  d.a_trans = c.op_a == golden::Op::T;
  d.b_trans = c.op_b == golden::Op::T;
  d.lda = uint32_t(c.a.cols);
  d.ldb = uint32_t(c.b.cols);
  d.c_base = 0;
  d.q_base = uint32_t(c.m * c.n);
  d.dataflow = uint32_t(c.dataflow);
  d.rounding = uint32_t(c.rounding);
  if (c.multiplier) {
    d.m0 = uint32_t(c.multiplier->m0);
    d.shift = uint32_t(c.multiplier->n);
  } else {
    d.dynamic_scale = 1;
    d.m0 = uint32_t(c.seed * 0x9e3779b97f4a7c15ull >> 32) | 0x80000000u;  // illegal as EXPLICIT
    d.shift = uint32_t(c.seed % 64);
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

Task<uint64_t> Accel::status(const char* which) {
  namespace r = hostif::reg;
  const std::string w = which;
  auto wide = [this](uint32_t lo, uint32_t hi) -> Task<uint64_t> {
    // HI, LO, HI: a carry between the reads shows as a changed HI, and is read again.
    for (;;) {
      const uint32_t h0 = co_await read_reg(hi), l = co_await read_reg(lo), h1 = co_await read_reg(hi);
      if (h0 == h1) co_return uint64_t(h1) << 32 | l;
    }
  };
  if (w == "error") co_return hostif::STATUS_LAST_ERROR.get(co_await read_reg(r::STATUS));
  if (w == "queue_full") co_return hostif::STATUS_QUEUE_FULL.get(co_await read_reg(r::STATUS));
  if (w == "error_count") co_return co_await read_reg(r::ERROR_COUNT);
  if (w == "gemm_count") co_return co_await read_reg(r::GEMM_COUNT);
  if (w == "cycles") co_return co_await wide(r::CYCLES_LO, r::CYCLES_HI);
  if (w == "compute") co_return co_await wide(r::COMPUTE_LO, r::COMPUTE_HI);
  if (w == "busy_pe") co_return co_await wide(r::BUSY_PE_LO, r::BUSY_PE_HI);
  throw std::invalid_argument("unknown status register " + w);
}

bool Accel::busy() const { return top_.busy_o != 0; }

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
