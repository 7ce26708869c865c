// Block test of qta_auto (the scheduler's dataflow decision, rtl/default_8x8/rtl/qta_auto.v) at
// seven array sizes and dataflow sets (qta_auto_variants.v) against the C++ cost model
// (qta::perf::ws_cycles, os_cycles, policy_dataflow with Policy::AutoWsOs): both cycle counts
// and the chosen dataflow for WS, OS and AUTO descriptors, over random shapes of the whole
// 16-bit descriptor range, shapes around tile boundaries and the near-ties where WS and OS
// differ by a few cycles. $QTA_AUTO_SHAPES sets the number of random shapes (default 20000).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fmt/format.h>
#include <random>

#include "Vqta_auto_variants.h"
#include "qta/harness/harness.h"
#include "qta/harness/verilated_model.h"
#include "qta/perf/perf.h"

using namespace qta::harness;
namespace perf = qta::perf;

namespace {
struct Variant {
  const char* name;
  int64_t rows, cols;
  bool ws, os;
};
// The instances of qta_auto_variants.v, in bit order.
constexpr Variant kVariants[] = {{"8x8", 8, 8, true, true},       {"16x8", 16, 8, true, true},
                                 {"64x64", 64, 64, true, true},   {"1x128", 1, 128, true, true},
                                 {"128x128", 128, 128, true, true}, {"8x8 WS only", 8, 8, true, false},
                                 {"64x64 OS only", 64, 64, false, true}};
constexpr int kCount = int(std::size(kVariants));

struct AutoTb {
  explicit AutoTb(Dut& dut)
      : top(dut.top<Vqta_auto_variants>()),
        m(dut.signal(top.m_i, "m_i", 16)),
        n(dut.signal(top.n_i, "n_i", 16)),
        k(dut.signal(top.k_i, "k_i", 16)),
        df(dut.signal(top.dataflow_i, "dataflow_i", 2)),
        os(dut.signal(top.os_o, "os_o", kCount)),
        ws_cycles(dut.signal(top.ws_cycles_o, "ws_cycles_o", kCount * 64)),
        os_cycles(dut.signal(top.os_cycles_o, "os_cycles_o", kCount * 64)) {}
  Vqta_auto_variants& top;
  Signal m, n, k, df, os, ws_cycles, os_cycles;
};

uint64_t word64(const std::vector<uint32_t>& w, int i) { return uint64_t(w[2 * i]) | uint64_t(w[2 * i + 1]) << 32; }

// Drives one shape with each dataflow code and checks every variant. Returns the number of
// variants whose AUTO result was OS (for the distribution check).
Task<int> check_shape(Dut& dut, AutoTb& tb, int64_t m, int64_t n, int64_t k) {
  int auto_os = 0;
  for (int code : {0, 1, 2}) {
    tb.m.set(uint64_t(m));
    tb.n.set(uint64_t(n));
    tb.k.set(uint64_t(k));
    tb.df.set(uint64_t(code));
    co_await Timer(1, Unit::ns);
    const auto ws = tb.ws_cycles.words(), os = tb.os_cycles.words();
    const uint64_t os_bits = tb.os.value();
    for (int v = 0; v < kCount; ++v) {
      const Variant& var = kVariants[v];
      const perf::Gemm g{m, n, k};
      const perf::Array a{var.rows, var.cols};
      const auto where = [&] {
        // The runner prints the reproduce command (run seed and test name) after a failure.
        return fmt::format("qta_auto {} (R={} C={} ws={} os={}), M={} N={} K={}, dataflow code {} (test seed {})",
                           var.name, var.rows, var.cols, var.ws, var.os, m, n, k, code, dut.seed());
      };
      if (int64_t(word64(ws, v)) != perf::ws_cycles(g, a))
        QTA_FAIL("{}: ws_cycles {} from the RTL, the cost model {}", where(), word64(ws, v), perf::ws_cycles(g, a));
      if (int64_t(word64(os, v)) != perf::os_cycles(g, a))
        QTA_FAIL("{}: os_cycles {} from the RTL, the cost model {}", where(), word64(os, v), perf::os_cycles(g, a));
      // WS (0) and OS (1) pass through (the scheduler rejects an unsupported one first); AUTO
      // is the model's policy for this configuration.
      const bool want_os = code == 1 || (code == 2 && perf::policy_dataflow(perf::Policy::AutoWsOs, g, a, var.ws,
                                                                            var.os) == qta::Dataflow::OS);
      const bool got_os = (os_bits >> v) & 1;
      if (got_os != want_os)
        QTA_FAIL("{}: runs {}, the cost model {} (WS {} cycles, OS {})", where(), got_os ? "OS" : "WS",
                 want_os ? "OS" : "WS", perf::ws_cycles(g, a), perf::os_cycles(g, a));
      if (code == 2) auto_os += got_os;
    }
  }
  co_return auto_os;
}
}  // namespace

QTA_TEST(auto_matches_the_cost_model_on_random_and_boundary_shapes, .timeout = 600, .timeout_unit = Unit::sec) {
  AutoTb tb(dut);
  const char* env = std::getenv("QTA_AUTO_SHAPES");
  const int shapes = env ? std::atoi(env) : 20000;
  std::mt19937_64 rng(dut.seed());
  // Dimensions: a third over the whole 16-bit range, a third small (thin LoRA shapes), a third
  // at a multiple of a tile size +-1 (8, 16, 64, 128).
  const auto dim = [&]() -> int64_t {
    switch (rng() % 3) {
      case 0: return 1 + int64_t(rng() % 65535);
      case 1: return 1 + int64_t(rng() % 160);
      default: {
        const int64_t tile = int64_t(8) << (rng() % 5);  // 8..128
        const int64_t v = tile * int64_t(1 + rng() % 40) + int64_t(rng() % 3) - 1;
        return std::clamp<int64_t>(v, 1, 65535);
      }
    }
  };
  int64_t auto_os = 0, checked = 0;
  for (int i = 0; i < shapes; ++i) {
    const int64_t m = dim(), n = dim(), k = dim();
    auto_os += co_await check_shape(dut, tb, m, n, k);
    ++checked;
  }
  // Near-ties at 8x8: WS - OS = ceil(N/8) * (ceil(K/8) (M + 15) - ceil(M/8) (K + 15)) is small
  // when M and K are close; every M, K in 1..96 with N = 1.
  for (int64_t m = 1; m <= 96; ++m)
    for (int64_t k = 1; k <= 96; ++k) {
      auto_os += co_await check_shape(dut, tb, m, 1, k);
      ++checked;
    }
  // Extremes of the descriptor fields.
  for (int64_t m : {1, 65535})
    for (int64_t n : {1, 65535})
      for (int64_t k : {1, 65535}) {
        auto_os += co_await check_shape(dut, tb, m, n, k);
        ++checked;
      }
  // The test must see both decisions (AUTO on the both-dataflow variants picks OS sometimes and
  // WS sometimes), or it checks nothing about the comparison.
  const int64_t auto_decisions = checked * kCount;
  if (auto_os == 0 || auto_os == auto_decisions)
    QTA_FAIL("AUTO chose {} of {} decisions OS: the shapes do not exercise the comparison", auto_os, auto_decisions);
  dut.log().info("{} shapes x 3 dataflow codes x {} variants match the cost model; AUTO chose OS {} of {} times", checked,
                 kCount, auto_os, auto_decisions);
}

QTA_TEST_MAIN(Vqta_auto_variants)
