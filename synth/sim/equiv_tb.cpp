// Testbench of the gate-level equivalence check (synth/src/equiv.cpp writes the rest):
// qta_pe_equiv holds the RTL qta_pe and the Yosys-mapped netlist (qta_pe_gate, OSU cells)
// side by side on the same inputs. Every cycle drives random inputs (rst_ni low for the
// first cycles, then rarely), and compares every output before and after the clock edge.
// Usage: equiv_sim SEED CYCLES. Prints "EQUIV PASS cycles=N" or the first mismatch; exit 1.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "Vqta_pe_equiv.h"
#include "equiv_ports.h"
#include "verilated.h"
#include "bits.h"

namespace {

using qta_sim::set_bits;
using qta_sim::get_bits;

std::string hex_of(const Vqta_pe_equiv& top, bool gate, const qta_equiv::Port& p) {
  std::string s;
  for (int chunk = (p.width - 1) / 32; chunk >= 0; --chunk) {
    int w = std::min(32, p.width - chunk * 32);
    uint32_t v = gate ? get_bits(top.gate_o, p.offset + chunk * 32, w) : get_bits(top.rtl_o, p.offset + chunk * 32, w);
    char buf[16];
    std::snprintf(buf, sizeof buf, chunk == (p.width - 1) / 32 ? "%x" : "%08x", v);
    s += buf;
  }
  return s;
}

bool compare(const Vqta_pe_equiv& top, long cycle, const char* phase, uint64_t seed) {
  for (const auto& p : qta_equiv::kOutputs) {
    for (int chunk = 0; chunk * 32 < p.width; ++chunk) {
      int w = std::min(32, p.width - chunk * 32);
      if (get_bits(top.rtl_o, p.offset + chunk * 32, w) != get_bits(top.gate_o, p.offset + chunk * 32, w)) {
        std::printf("EQUIV FAIL seed=%llu cycle=%ld (%s) output %s: rtl=0x%s gate=0x%s\n"
                    "reproduce: equiv_sim %llu %ld\n",
                    static_cast<unsigned long long>(seed), cycle, phase, p.name,
                    hex_of(top, false, p).c_str(), hex_of(top, true, p).c_str(),
                    static_cast<unsigned long long>(seed), cycle + 1);
        return false;
      }
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t seed = argc > 1 ? std::strtoull(argv[1], nullptr, 0) : 1;
  long cycles = argc > 2 ? std::strtol(argv[2], nullptr, 0) : 1000;
  VerilatedContext ctx;
  Vqta_pe_equiv top(&ctx);
  std::mt19937_64 rng(seed);
  top.clk_i = 0;
  for (long cycle = 0; cycle < cycles; ++cycle) {
    for (const auto& p : qta_equiv::kInputs) {
      uint64_t v = rng();
      if (std::string(p.name) == "rst_ni") v = cycle < 3 ? 0 : (rng() % 100 != 0);
      if (p.width <= 64) {
        set_bits(top.in_i, p.offset, p.width, v);
      } else {
        for (int o = 0; o < p.width; o += 64) set_bits(top.in_i, p.offset + o, std::min(64, p.width - o), rng());
      }
    }
    top.clk_i = 0;
    top.eval();
    if (!compare(top, cycle, "before the clock edge", seed)) return 1;
    top.clk_i = 1;
    top.eval();
    if (!compare(top, cycle, "after the clock edge", seed)) return 1;
  }
  std::printf("EQUIV PASS seed=%llu cycles=%ld inputs=%d bits outputs=%d bits\n",
              static_cast<unsigned long long>(seed), cycles, qta_equiv::kInputBits, qta_equiv::kOutputBits);
  return 0;
}
