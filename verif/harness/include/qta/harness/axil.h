// AXI4-Lite verification components (cocotbext-axi style): a bus-functional master that drives
// a slave's five channels with optional random VALID and READY delays, and a protocol checker
// that watches the same wires and fails the test on every AXI4-Lite rule it can see.
//
// Sampling follows components.h: the master writes right after a rising edge; a handshake
// "VALID && READY" seen in that time step's ReadOnly phase completes at the next rising edge.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <utility>

#include "qta/harness/signal.h"
#include "qta/harness/sync.h"
#include "qta/harness/task.h"

namespace qta::harness {

// The wires of one AXI4-Lite slave port, named from the master's side (awvalid is driven by the
// master, awready read from the slave). 32-bit data.
struct AxiLiteBus {
  Signal clk;
  Signal awvalid, awready, awaddr, awprot;
  Signal wvalid, wready, wdata, wstrb;
  Signal bvalid, bready, bresp;
  Signal arvalid, arready, araddr, arprot;
  Signal rvalid, rready, rdata, rresp;
};

enum AxiResp : uint32_t { kAxiOkay = 0, kAxiExOkay = 1, kAxiSlvErr = 2, kAxiDecErr = 3 };
const char* axi_resp_name(uint32_t resp);

// Random delays: before asserting AWVALID, WVALID and ARVALID (each channel drawn on its own, so
// W may come before AW), and before asserting BREADY and RREADY, uniform in [0, max]. With
// ready_toggle, BREADY / RREADY are also dropped for random cycles while the slave waits
// (back-pressure on the response channels).
struct AxiLiteDelays {
  int max_valid_delay = 0;
  int max_ready_delay = 0;
  bool ready_toggle = false;
};

class AxiLiteMaster {
 public:
  AxiLiteMaster(AxiLiteBus bus, std::string name, uint64_t seed);
  // Drives every master output to idle (call before reset ends).
  void idle();
  void set_delays(const AxiLiteDelays& d) { delays_ = d; }
  const AxiLiteDelays& delays() const { return delays_; }
  // One write (all four byte lanes unless strb says otherwise); returns BRESP. Writes of
  // concurrent tasks are serialized (one outstanding at a time), and so are reads; a read does
  // not wait for a write (the channels are independent, as AXI's are).
  Task<uint32_t> write(uint32_t addr, uint32_t data, uint32_t strb = 0xf);
  // One read; returns {RDATA, RRESP}.
  Task<std::pair<uint32_t, uint32_t>> read(uint32_t addr);
  uint64_t writes() const { return writes_; }
  uint64_t reads() const { return reads_; }
  uint64_t bus_cycles() const { return bus_cycles_; }  // cycles spent inside transactions

 private:
  int draw(int max);
  AxiLiteBus bus_;
  std::string name_;
  std::mt19937_64 rng_;
  AxiLiteDelays delays_;
  Lock write_lock_, read_lock_;
  uint64_t writes_ = 0, reads_ = 0, bus_cycles_ = 0;
};

// Watches a bus every cycle (while reset_n is high) and fails the test, naming the rule, the
// channel and the cycle, on: VALID dropped before READY; the payload (address, data, strobes,
// response) changed while VALID waited for READY; a write response before both its address and
// its data were taken; a read response before its address was taken; a response code the slave
// must not give (EXOKAY: no exclusive accesses on AXI4-Lite); a slave VALID high in the first
// cycle after reset (a response register without reset: what X-randomized reset shows).
class AxiLiteChecker {
 public:
  AxiLiteChecker(AxiLiteBus bus, Signal reset_n, std::string name);
  Task<> run();  // start with start_soon
  uint64_t cycles() const { return cycles_; }
  uint64_t write_handshakes() const { return b_hs_; }
  uint64_t read_handshakes() const { return r_hs_; }

 private:
  AxiLiteBus bus_;
  Signal rst_n_;
  std::string name_;
  uint64_t cycles_ = 0, aw_hs_ = 0, w_hs_ = 0, b_hs_ = 0, ar_hs_ = 0, r_hs_ = 0;
};

}  // namespace qta::harness
