// Block test of the scheduler's dataflow decision (rtl/default_8x8/rtl/qta_auto.v, the cost
// formulas, and qta_auto_pick.v, the comparison; composed in qta_auto_decision.v) at
// eight array sizes, column groups and dataflow sets (qta_auto_variants.v) against the C++ cost
// model (qta::perf::ws_cycles, os_cycles, wsc_cycles, policy_dataflow with Policy::Auto): the
// three cycle counts and the chosen dataflow for WS, OS, AUTO and WSC descriptors, over random
// shapes of the whole 16-bit descriptor range, thin-N shapes that fit the column groups, shapes
// around tile boundaries and the near-ties where WS and OS differ by a few cycles.
// $QTA_AUTO_SHAPES sets the number of random shapes (default 20000).
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
  int64_t rows, cols, col_groups;
  bool ws, os;
};
// The instances of qta_auto_variants.v, in bit order.
constexpr Variant kVariants[] = {{"8x8 G4", 8, 8, 4, true, true},          {"16x8 G2", 16, 8, 2, true, true},
                                 {"64x64 G4", 64, 64, 4, true, true},      {"1x128 G16", 1, 128, 16, true, true},
                                 {"128x128 G4", 128, 128, 4, true, true},  {"8x8 G2 WS only", 8, 8, 2, true, false},
                                 {"64x64 OS only", 64, 64, 1, false, true}, {"16x16 no groups", 16, 16, 1, true, true}};
constexpr int kCount = int(std::size(kVariants));

struct AutoTb {
  explicit AutoTb(Dut& dut)
      : top(dut.top<Vqta_auto_variants>()),
        m(dut.signal(top.m_i, "m_i", 16)),
        n(dut.signal(top.n_i, "n_i", 16)),
        k(dut.signal(top.k_i, "k_i", 16)),
        df(dut.signal(top.dataflow_i, "dataflow_i", 2)),
        ran(dut.signal(top.dataflow_o, "dataflow_o", kCount * 2)),
        ws_cycles(dut.signal(top.ws_cycles_o, "ws_cycles_o", kCount * 64)),
        os_cycles(dut.signal(top.os_cycles_o, "os_cycles_o", kCount * 64)),
        wsc_cycles(dut.signal(top.wsc_cycles_o, "wsc_cycles_o", kCount * 64)),
        wsc_fits(dut.signal(top.wsc_fits_o, "wsc_fits_o", kCount)) {}
  Vqta_auto_variants& top;
  Signal m, n, k, df, ran, ws_cycles, os_cycles, wsc_cycles, wsc_fits;
};

uint64_t word64(const std::vector<uint32_t>& w, int i) { return uint64_t(w[2 * i]) | uint64_t(w[2 * i + 1]) << 32; }

struct Picks {
  int64_t ws = 0, os = 0, wsc = 0;  // AUTO's choices
};

// Drives one shape with each dataflow code and checks every variant; counts AUTO's choices.
Task<void> check_shape(Dut& dut, AutoTb& tb, int64_t m, int64_t n, int64_t k, Picks& picks) {
  for (int code : {0, 1, 2, 3}) {
    tb.m.set(uint64_t(m));
    tb.n.set(uint64_t(n));
    tb.k.set(uint64_t(k));
    tb.df.set(uint64_t(code));
    co_await Timer(1, Unit::ns);
    const auto ws = tb.ws_cycles.words(), os = tb.os_cycles.words(), wsc = tb.wsc_cycles.words();
    const uint64_t ran_bits = tb.ran.value();
    const uint64_t fits_bits = tb.wsc_fits.value();
    for (int v = 0; v < kCount; ++v) {
      const Variant& var = kVariants[v];
      const perf::Gemm g{m, n, k};
      perf::Array a{var.rows, var.cols};
      a.col_groups = var.col_groups;
      const auto where = [&] {
        // The runner prints the reproduce command (run seed and test name) after a failure.
        return fmt::format("qta_auto {} (R={} C={} ws={} os={}), M={} N={} K={}, dataflow code {} (test seed {})",
                           var.name, var.rows, var.cols, var.ws, var.os, m, n, k, code, dut.seed());
      };
      if (int64_t(word64(ws, v)) != perf::ws_cycles(g, a))
        QTA_FAIL("{}: ws_cycles {} from the RTL, the cost model {}", where(), word64(ws, v), perf::ws_cycles(g, a));
      if (int64_t(word64(os, v)) != perf::os_cycles(g, a))
        QTA_FAIL("{}: os_cycles {} from the RTL, the cost model {}", where(), word64(os, v), perf::os_cycles(g, a));
      const bool fits = perf::wsc_fits(g, a) && var.ws;  // WSC is a WS: never on an OS-only array
      if (bool((fits_bits >> v) & 1) != fits)
        QTA_FAIL("{}: wsc_fits {} from the RTL, the cost model {}", where(), (fits_bits >> v) & 1, fits);
      if (perf::wsc_fits(g, a) && int64_t(word64(wsc, v)) != perf::wsc_cycles(g, a))
        QTA_FAIL("{}: wsc_cycles {} from the RTL, the cost model {}", where(), word64(wsc, v), perf::wsc_cycles(g, a));
      // WS (0), OS (1) and WSC (3) pass through (the scheduler rejects an unsupported one
      // first); AUTO is the model's policy for this configuration.
      const auto want = code == 2 ? perf::policy_dataflow(perf::Policy::Auto, g, a, var.ws, var.os)
                                  : qta::Dataflow(code);
      const auto got = qta::Dataflow((ran_bits >> (2 * v)) & 3);
      if (got != want)
        QTA_FAIL("{}: runs {}, the cost model {} (WS {} cycles, OS {}, WSC {})", where(), qta::to_string(got),
                 qta::to_string(want), perf::ws_cycles(g, a), perf::os_cycles(g, a),
                 perf::wsc_fits(g, a) ? fmt::format("{}", perf::wsc_cycles(g, a)) : std::string("does not fit"));
      if (code == 2) {
        if (got == qta::Dataflow::WS) ++picks.ws;
        if (got == qta::Dataflow::OS) ++picks.os;
        if (got == qta::Dataflow::WSC) ++picks.wsc;
      }
    }
  }
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
  Picks picks;
  int64_t checked = 0;
  for (int i = 0; i < shapes; ++i) {
    const int64_t m = dim(), k = dim();
    // Every fourth shape thin in N (1..32), where the column groups fit and compete.
    const int64_t n = i % 4 == 0 ? 1 + int64_t(rng() % 32) : dim();
    co_await check_shape(dut, tb, m, n, k, picks);
    ++checked;
  }
  // Near-ties at 8x8: WS - OS = ceil(N/8) * (ceil(K/8) (M + 15) - ceil(M/8) (K + 15)) is small
  // when M and K are close; every M, K in 1..96 with N = 1.
  for (int64_t m = 1; m <= 96; ++m)
    for (int64_t k = 1; k <= 96; ++k) {
      co_await check_shape(dut, tb, m, 1, k, picks);
      ++checked;
    }
  // Extremes of the descriptor fields.
  for (int64_t m : {1, 65535})
    for (int64_t n : {1, 65535})
      for (int64_t k : {1, 65535}) {
        co_await check_shape(dut, tb, m, n, k, picks);
        ++checked;
      }
  // The test must see every decision (AUTO picks WS, OS and WSC on some shapes), or it checks
  // nothing about the comparison.
  if (picks.ws == 0 || picks.os == 0 || picks.wsc == 0)
    QTA_FAIL("AUTO chose WS {} times, OS {}, WSC {}: the shapes do not exercise the three-way comparison", picks.ws,
             picks.os, picks.wsc);
  dut.log().info("{} shapes x 4 dataflow codes x {} variants match the cost model; AUTO chose WS {}, OS {}, WSC {} times",
                 checked, kCount, picks.ws, picks.os, picks.wsc);
}

QTA_TEST_MAIN(Vqta_auto_variants)
