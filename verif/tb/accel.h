// Driver, monitor and scoreboard helpers for the generated accelerator top (qta_top), on the
// qta harness. A test gets an Accel, starts it (clock, reset, completion monitor), loads operands
// through the buffer backdoors, submits GEMM descriptors and reads results back.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "gemm_case.h"
#include "qta/harness/harness.h"
#include "qta/harness/axil.h"
#include "qta/hostif/driver.h"
#include "qta/perf/perf.h"

// The Verilated model's class, complete only in accel.cpp and tb_main.cpp: the tests and the
// runtime server use Accel's interface, so they are compiled once (qta_tb_tests) and linked into
// every configuration's model instead of being recompiled against each Vqta_top.h.
class Vqta_top;

namespace qta::verif {

// The configuration the model was generated from ($QTA_GEN_DIR/config.json), read through the
// generator's one schema (qta::gen::load_config).
gen::Config load_accel_config();

// The descriptor and the completion record are the host interface's own types, rendered from
// hostif/host_if.json (qta/hostif/host_if.h): the bench sets d.m, d.sr_seed, ... and reads c.amax,
// c.cycles, ... with no field listed here. ran(c) is the dataflow a completion ran, and
// busy_pe_cycles(c) its busy PE-cycles (two 32-bit fields).
using Descriptor = hostif::Descriptor;
using Completion = hostif::Completion;
using hostif::busy_pe_cycles;
using hostif::ran;

// How run_case submits a case: DYNAMIC unless it sets a multiplier.
inline perf::ScaleMode scale_mode_of(const GemmCase& c) {
  return c.multiplier ? perf::ScaleMode::Explicit : perf::ScaleMode::Dynamic;
}

struct GemmRun {
  Completion done;
  golden::MatI acc, out;
};

// The three SRAM models of qta_top and the two ways a test bench reaches their words:
// Dpi, the exported DPI-C functions of qta_buffer (zero simulation time; the default when the
// model is built with QTA_DPI_BACKDOOR, as `qta verify` does), and Port, the bd_* ports of
// qta_top (one word per clock, also what a gate-level or non-Verilator bench can use).
enum class Buffer { Input, Weight, Output };
enum class Backdoor { Dpi, Port };
const char* buffer_name(Buffer b);

class Accel {
 public:
  explicit Accel(harness::Dut& dut);

  // Clock (10 ns), synchronous active-low reset for 4 cycles, the AXI4-Lite protocol checker,
  // and (monitor) the completion monitor: INTR_ENABLE set, and on every interrupt the completion
  // FIFO drained into wait_done's queue. Without it (the runtime server) the host takes the
  // completions itself.
  harness::Task<> start(bool monitor = true);
  harness::Task<> write_input(uint32_t base, const golden::MatI& x);
  harness::Task<> write_weight(uint32_t base, const golden::MatI& x);
  harness::Task<golden::MatI> read_output(uint32_t base, int64_t rows, int64_t cols);
  // Any buffer through the chosen backdoor (default: backdoor()). Fails the test if
  // [base, base + rows * cols) is not inside the buffer.
  harness::Task<> write_buffer(Buffer b, uint32_t base, const golden::MatI& x, std::optional<Backdoor> via = {});
  harness::Task<golden::MatI> read_buffer(Buffer b, uint32_t base, int64_t rows, int64_t cols,
                                          std::optional<Backdoor> via = {});
  Backdoor backdoor() const { return backdoor_; }
  static bool dpi_available();
  int64_t buffer_depth(Buffer b);  // words
  int buffer_width(Buffer b);      // bits per word
  // Submits the descriptor through the AXI4-Lite port: the driver's register program (the
  // DESC_* words that changed, then DOORBELL, whose response waits while the queue is full).
  // A DOORBELL refused with SLVERR (queue and completion FIFO full) is rung again while the
  // completion monitor pops; any other response but OKAY fails the test.
  harness::Task<> submit(const Descriptor& d);
  // One try: the DESC_* writes (failing the test unless OKAY), then DOORBELL's response.
  harness::Task<uint32_t> submit_once(const Descriptor& d);
  // The next completion; fails the test (never hangs) if none arrives within `cycles`.
  harness::Task<Completion> wait_done(uint64_t cycles);
  // Loads a case's operands at address 0, runs it (DYNAMIC unless the case sets a multiplier:
  // nothing of the golden result is computed before the run), reads back the int32 and the
  // requantized results.
  harness::Task<GemmRun> run_case(const GemmCase& c, uint8_t id = 1);
  // The case's descriptor. DYNAMIC cases carry an m0 / shift that EXPLICIT would reject (bit 31
  // set), derived from the case seed: the hardware must ignore them.
  Descriptor descriptor_for(const GemmCase& c, uint8_t id) const;
  // Cycles the scheduler may need for a descriptor (generous: for timeouts only).
  uint64_t cycle_budget(int64_t m, int64_t n, int64_t k) const;

  const gen::Config& config() const { return cfg_; }
  Vqta_top& top() { return top_; }
  harness::Signal& clk() { return clk_; }
  harness::Dut& dut() { return dut_; }
  // A status register read through the bus: "error" (STATUS.last_error), "error_count",
  // "gemm_count", "cycles", "compute", "busy_pe" (64-bit counters: HI, LO, HI), "queue_full".
  harness::Task<uint64_t> status(const char* which);
  // One register access through the AXI4-Lite master; read_reg fails the test unless OKAY.
  harness::Task<uint32_t> read_reg(uint32_t offset);
  harness::Task<std::pair<uint32_t, uint32_t>> read_reg_resp(uint32_t offset);  // {data, RRESP}
  harness::Task<uint32_t> write_reg(uint32_t offset, uint32_t data, uint32_t strb = 0xf);  // BRESP
  // Random VALID / READY delays of the master on all five channels (random tests).
  void set_bus_delays(const harness::AxiLiteDelays& d) { bus_.set_delays(d); }
  harness::AxiLiteMaster& bus() { return bus_; }
  harness::Signal& irq() { return irq_; }
  // Bus cycles spent submitting descriptors (the command overhead), and descriptors submitted.
  uint64_t submit_bus_cycles() const { return submit_cycles_; }
  uint64_t submitted() const { return submitted_; }
  bool busy() const;        // busy_o: a descriptor is queued, computing or finishing

 private:
  harness::Task<> monitor();
  harness::AxiLiteBus axil_bus();
  struct BufferAccess;
  BufferAccess access(Buffer b);
  harness::Dut& dut_;
  Vqta_top& top_;
  gen::Config cfg_;
  harness::Signal clk_, rst_n_, irq_;
  harness::AxiLiteMaster bus_;
  harness::AxiLiteChecker checker_;
  hostif::Submitter submitter_;
  uint64_t submit_cycles_ = 0, submitted_ = 0;
  harness::Queue<Completion> done_;
  harness::Task<> monitor_task_, checker_task_;
  bool monitoring_ = false;
  std::unique_ptr<harness::Clock> clock_;
  harness::Task<> clock_task_;
  Backdoor backdoor_ = dpi_available() ? Backdoor::Dpi : Backdoor::Port;
};

// Scoreboard check of a whole tensor: on the first mismatching element fails the test with the
// context (layer, step, tensor), the index, expected and got, the seed and a reproduce command.
void expect_tensor_equal(const std::string& context, const golden::MatI& expected, const golden::MatI& got,
                         harness::Dut& dut);
std::string reproduce_command(harness::Dut& dut);

}  // namespace qta::verif
