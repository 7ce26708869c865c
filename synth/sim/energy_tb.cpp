// Testbench of the gate-level energy estimate (synth/src/energy.cpp writes the rest):
// qta_pe_energy holds the Yosys-mapped qta_pe netlist with the liberty's cell models. The
// testbench drives the operand stream a PE of the array sees in one dataflow and writes a VCD
// of the run after reset, from which energy.cpp counts every net's transitions.
//
// Operands are the int8 values of quantized Gaussian tensors: with a symmetric per-tensor
// scale S = max|x| / 127 and a few thousand elements, max|x| is about 3.5 sigma, so the int8
// values are round(N(0, 36)) clipped to [-127, 127].
//   ws: every `tile` cycles a new weight arrives (cap_i = swap_i = 1, b_i = weight), in
//       between b_i holds; a_i is a new activation every cycle; psum_i is the sum of
//       `depth` products from the PEs above. One MAC per cycle.
//   os: clear_i starts a tile of `tile` cycles with new a_i and b_i every cycle (one MAC per
//       cycle), then `depth` read-out cycles (shift_i = 1, psum_i = an accumulated sum from
//       above, operands 0).
// Inputs the PE of another template may have: any other 1-bit input is held at 1 (enable),
// any other bus gets operand values.
// Usage: energy_sim SEED CYCLES ws|os TILE DEPTH VCD. Prints "ENERGY RUN cycles=N macs=M".
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>

#include "Vqta_pe_energy.h"
#include "energy_ports.h"
#include "verilated.h"
#include "bits.h"
#include "verilated_vcd_c.h"

namespace {

using qta_sim::set_bits;

struct Operands {
  std::mt19937_64 rng;
  std::normal_distribution<double> normal{0.0, 36.0};
  explicit Operands(uint64_t seed) : rng(seed) {}
  int64_t int8() {
    double v = std::nearbyint(normal(rng));
    return static_cast<int64_t>(std::fmax(-127.0, std::fmin(127.0, v)));
  }
  int64_t sum_of_products(int n) {
    int64_t s = 0;
    for (int i = 0; i < n; ++i) s += int8() * int8();
    return s;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: energy_sim SEED CYCLES ws|os TILE DEPTH VCD\n");
    return 2;
  }
  uint64_t seed = std::strtoull(argv[1], nullptr, 0);
  long cycles = std::strtol(argv[2], nullptr, 0);
  bool os = std::strcmp(argv[3], "os") == 0;
  int tile = std::atoi(argv[4]);
  int depth = std::atoi(argv[5]);
  if (cycles < 1 || tile < 1 || depth < 0 || (!os && std::strcmp(argv[3], "ws") != 0)) {
    std::fprintf(stderr, "energy_sim: bad arguments\n");
    return 2;
  }

  VerilatedContext ctx;
  ctx.traceEverOn(true);
  Vqta_pe_energy top(&ctx);
  auto vcd = std::make_unique<VerilatedVcdC>();
  top.trace(vcd.get(), 99);
  Operands ops(seed);

  constexpr long kReset = 4;
  int64_t weight = 0, a = 0, b = 0, psum = 0;
  long macs = 0;
  for (long c = -kReset; c < cycles; ++c) {
    bool reset = c < 0;
    long pos = reset ? 0 : (os ? c % (tile + depth) : c % tile);
    bool tile_start = !reset && pos == 0;
    bool readout = os && pos >= tile;
    if (!os) {
      if (tile_start) weight = ops.int8();
      a = ops.int8();
      psum = ops.sum_of_products(depth);
      if (!reset) ++macs;
    } else if (!readout) {
      a = ops.int8();
      b = ops.int8();
      psum = 0;
      if (!reset) ++macs;
    } else {
      a = b = 0;
      psum = ops.sum_of_products(tile);
    }
    for (const auto& p : qta_energy::kInputs) {
      std::string n = p.name;
      int64_t v;
      if (n == "rst_ni") v = reset ? 0 : 1;
      else if (n == "mode_os_i") v = os;
      else if (n == "clear_i") v = os && tile_start;
      else if (n == "cap_i" || n == "swap_i") v = !os && tile_start;  // the weight on b_i, used at once
      else if (n == "shift_i") v = readout;
      else if (n == "a_i") v = a;
      else if (n == "b_i") v = os ? b : weight;
      else if (n == "psum_i") v = psum;
      else if (p.width == 1) v = 1;
      else v = ops.int8();
      set_bits(top.in_i, p.offset, p.width, static_cast<uint64_t>(v));
    }
    top.clk_i = 0;
    top.eval();
    if (c == 0) vcd->open(argv[6]);  // the run after reset only
    if (c >= 0) vcd->dump(static_cast<uint64_t>(2 * c));
    top.clk_i = 1;
    top.eval();
    if (c >= 0) vcd->dump(static_cast<uint64_t>(2 * c + 1));
  }
  top.clk_i = 0;
  top.eval();
  vcd->dump(static_cast<uint64_t>(2 * cycles));
  vcd->close();
  std::printf("ENERGY RUN cycles=%ld macs=%ld mode=%s seed=%llu\n", cycles, macs, os ? "os" : "ws",
              static_cast<unsigned long long>(seed));
  return 0;
}
