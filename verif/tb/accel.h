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
#include "qta/perf/perf.h"

// The Verilated model's class, complete only in accel.cpp and tb_main.cpp: the tests and the
// runtime server use Accel's interface, so they are compiled once (qta_tb_tests) and linked into
// every configuration's model instead of being recompiled against each Vqta_top.h.
class Vqta_top;

namespace qta::verif {

// The configuration the model was generated from ($QTA_GEN_DIR/config.json), read through the
// generator's one schema (qta::gen::load_config).
gen::Config load_accel_config();

struct Descriptor {
  uint8_t id = 0;
  int64_t m = 1, n = 1, k = 1;  // int64 so that tests can build oversized descriptors; truncated to the port
  uint32_t a_base = 0, b_base = 0, c_base = 0, q_base = 0;
  uint32_t lda = 0, ldb = 0;
  bool a_trans = false, b_trans = false;
  int dataflow = int(Dataflow::AUTO);  // the Dataflow encoding (3 WSC: illegal without column groups or for N > C/G;
                                       // 4 WSR: without row groups or for K > R/GR; 5..7 always)
  golden::Rounding rounding = golden::Rounding::RNE;
  uint32_t m0 = 0;  // EXPLICIT only; ignored (and not checked) when dynamic_scale
  int shift = 0;
  uint32_t sr_seed = 1;
  bool dynamic_scale = false;  // scale_mode: false EXPLICIT (m0 / shift above), true DYNAMIC (derived on chip)
};

struct Completion {
  uint8_t id = 0;
  int error = 0;
  bool os = false;
  bool wsc = false;  // ran WSC (WS on column groups)
  bool wsr = false;  // ran WSR (WS on row groups)
  Dataflow ran() const { return wsr ? Dataflow::WSR : wsc ? Dataflow::WSC : os ? Dataflow::OS : Dataflow::WS; }
  uint32_t cycles = 0, compute_cycles = 0;
  uint64_t busy_pe_cycles = 0;
  int64_t amax = 0;   // max |acc| of the final int32 results
  uint32_t m0 = 0;    // the multiplier the requantization used (DYNAMIC: derived; 0 when rejected)
  int shift = 0;
};

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

  // Clock (10 ns), synchronous active-low reset for 4 cycles, completion monitor.
  harness::Task<> start();
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
  // Presents the descriptor until the queue accepts it.
  harness::Task<> submit(const Descriptor& d);
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
  uint64_t status(const char* which);  // "error", "error_count", "gemm_count", "cycles", "compute", "busy_pe"
  bool busy() const;        // busy_o: a descriptor is running or queued
  bool desc_ready() const;  // desc_ready_o: the queue accepts a descriptor

 private:
  harness::Task<> monitor();
  struct BufferAccess;
  BufferAccess access(Buffer b);
  harness::Dut& dut_;
  Vqta_top& top_;
  gen::Config cfg_;
  harness::Signal clk_, rst_n_;
  harness::Queue<Completion> done_;
  harness::Task<> monitor_task_;
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
