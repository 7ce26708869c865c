// Block test of the scheduler's dataflow decision (rtl/default_8x8/rtl/qta_auto.v, the cost
// formulas, and qta_auto_pick.v, the comparison; composed in qta_auto_decision.v) at
// twelve array sizes, column groups, row groups and dataflow sets (qta_auto_variants.v) against
// the C++ cost model (qta::perf::ws_cycles, os_cycles, wsc_cycles, wsr_cycles, wsc_fits,
// wsr_fits, policy_dataflow with Policy::Auto): the four cycle counts, the two fits and the chosen
// dataflow for WS, OS, AUTO, WSC and WSR descriptors (codes 0..4; an explicit code passes
// through, 5..7 too, which the scheduler rejects before it asks), over random shapes of the whole
// 16-bit descriptor range, thin-N shapes that fit the column groups, thin-K shapes that fit the
// row groups, shapes around tile boundaries, the near-ties where WS and OS differ by a few cycles
// and the near-ties (within one cycle, found with the cost model) between WSR and each of WS,
// WSC and OS.
// $QTA_AUTO_SHAPES sets the number of random shapes (default 20000).
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <fmt/format.h>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "Vqta_auto_variants.h"
#include "qta/harness/harness.h"
#include "qta/harness/verilated_model.h"
#include "qta/perf/perf.h"

using namespace qta::harness;
namespace perf = qta::perf;

namespace {
struct Variant {
  const char* name;
  int64_t rows, cols, col_groups, row_groups;
  bool ws, os;
};
// The instances of qta_auto_variants.v, in bit order.
constexpr Variant kVariants[] = {
    {"8x8 G4 GR2", 8, 8, 4, 2, true, true},
    {"16x8 G2 GR4", 16, 8, 2, 4, true, true},
    {"64x64 G4 GR4", 64, 64, 4, 4, true, true},
    {"1x128 G16", 1, 128, 16, 1, true, true},
    {"128x128 G4 GR16", 128, 128, 4, 16, true, true},
    {"8x8 G2 GR2 WS only", 8, 8, 2, 2, true, false},
    {"64x64 OS only", 64, 64, 1, 1, false, true},
    {"16x16 no groups", 16, 16, 1, 1, true, true},
    {"32x16 GR8", 32, 16, 1, 8, true, true},
    {"16x16 GR16", 16, 16, 1, 16, true, true},
    {"16x16 GR4 WS only", 16, 16, 1, 4, true, false},
    {"64x64 G4 GR2", 64, 64, 4, 2, true, true},
};
constexpr int kCount = int(std::size(kVariants));
constexpr int kCodeBits = 3;  // the descriptor's dataflow field

perf::Array array_of(const Variant& var) {
  perf::Array a{var.rows, var.cols};
  a.col_groups = var.col_groups;
  a.row_groups = var.row_groups;
  return a;
}

struct AutoTb {
  explicit AutoTb(Dut& dut)
      : top(dut.top<Vqta_auto_variants>()),
        m(dut.signal(top.m_i, "m_i", 16)),
        n(dut.signal(top.n_i, "n_i", 16)),
        k(dut.signal(top.k_i, "k_i", 16)),
        df(dut.signal(top.dataflow_i, "dataflow_i", kCodeBits)),
        ran(dut.signal(top.dataflow_o, "dataflow_o", kCount * kCodeBits)),
        ws_cycles(dut.signal(top.ws_cycles_o, "ws_cycles_o", kCount * 64)),
        os_cycles(dut.signal(top.os_cycles_o, "os_cycles_o", kCount * 64)),
        wsc_cycles(dut.signal(top.wsc_cycles_o, "wsc_cycles_o", kCount * 64)),
        wsc_fits(dut.signal(top.wsc_fits_o, "wsc_fits_o", kCount)),
        wsr_cycles(dut.signal(top.wsr_cycles_o, "wsr_cycles_o", kCount * 64)),
        wsr_fits(dut.signal(top.wsr_fits_o, "wsr_fits_o", kCount)) {}
  Vqta_auto_variants& top;
  Signal m, n, k, df, ran, ws_cycles, os_cycles, wsc_cycles, wsc_fits, wsr_cycles, wsr_fits;
};

uint64_t word64(const std::vector<uint32_t>& w, int i) { return uint64_t(w[2 * i]) | uint64_t(w[2 * i + 1]) << 32; }

std::string code_name(int code) {
  return code <= 4 ? std::string(qta::to_string(qta::Dataflow(code))) : fmt::format("code {}", code);
}

struct Picks {
  int64_t ws = 0, os = 0, wsc = 0, wsr = 0;  // AUTO's choices
};

constexpr std::array<int, 5> kCodes = {0, 1, 2, 3, 4};      // every shape
constexpr std::array<int, 8> kAllCodes = {0, 1, 2, 3, 4, 5, 6, 7};  // the extremes and the ties

// Drives one shape with each dataflow code and checks every variant; counts AUTO's choices.
template <class Codes>
Task<void> check_shape(Dut& dut, AutoTb& tb, int64_t m, int64_t n, int64_t k, Picks& picks, const Codes& codes) {
  for (int code : codes) {
    tb.m.set(uint64_t(m));
    tb.n.set(uint64_t(n));
    tb.k.set(uint64_t(k));
    tb.df.set(uint64_t(code));
    co_await Timer(1, Unit::ns);
    const auto ws = tb.ws_cycles.words(), os = tb.os_cycles.words(), wsc = tb.wsc_cycles.words(),
               wsr = tb.wsr_cycles.words();
    const uint64_t ran_bits = tb.ran.value();
    const uint64_t wsc_fits_bits = tb.wsc_fits.value(), wsr_fits_bits = tb.wsr_fits.value();
    for (int v = 0; v < kCount; ++v) {
      const Variant& var = kVariants[v];
      const perf::Gemm g{m, n, k};
      const perf::Array a = array_of(var);
      const auto where = [&] {
        // The runner prints the reproduce command (run seed and test name) after a failure.
        return fmt::format("qta_auto {} (R={} C={} G={} GR={} ws={} os={}), M={} N={} K={}, dataflow code {} (test seed {})",
                           var.name, var.rows, var.cols, var.col_groups, var.row_groups, var.ws, var.os, m, n, k, code,
                           dut.seed());
      };
      if (int64_t(word64(ws, v)) != perf::ws_cycles(g, a))
        QTA_FAIL("{}: ws_cycles {} from the RTL, the cost model {}", where(), word64(ws, v), perf::ws_cycles(g, a));
      if (int64_t(word64(os, v)) != perf::os_cycles(g, a))
        QTA_FAIL("{}: os_cycles {} from the RTL, the cost model {}", where(), word64(os, v), perf::os_cycles(g, a));
      const bool wsc_fits = perf::wsc_fits(g, a) && var.ws;  // WSC is a WS: never on an OS-only array
      if (bool((wsc_fits_bits >> v) & 1) != wsc_fits)
        QTA_FAIL("{}: wsc_fits {} from the RTL, the cost model {}", where(), (wsc_fits_bits >> v) & 1, wsc_fits);
      if (perf::wsc_fits(g, a) && int64_t(word64(wsc, v)) != perf::wsc_cycles(g, a))
        QTA_FAIL("{}: wsc_cycles {} from the RTL, the cost model {}", where(), word64(wsc, v), perf::wsc_cycles(g, a));
      const bool wsr_fits = perf::wsr_fits(g, a) && var.ws;  // WSR is a WS too
      if (bool((wsr_fits_bits >> v) & 1) != wsr_fits)
        QTA_FAIL("{}: wsr_fits {} from the RTL, the cost model {}", where(), (wsr_fits_bits >> v) & 1, wsr_fits);
      if (perf::wsr_fits(g, a) && int64_t(word64(wsr, v)) != perf::wsr_cycles(g, a))
        QTA_FAIL("{}: wsr_cycles {} from the RTL, the cost model {}", where(), word64(wsr, v), perf::wsr_cycles(g, a));
      // WS (0), OS (1), WSC (3), WSR (4) and 5..7 pass through (the scheduler rejects an
      // unsupported or unfitting one first); AUTO is the model's policy for this configuration.
      const int want = code == 2 ? int(perf::policy_dataflow(perf::Policy::Auto, g, a, var.ws, var.os)) : code;
      const int got = int((ran_bits >> (kCodeBits * v)) & ((1u << kCodeBits) - 1));
      if (got != want)
        QTA_FAIL("{}: runs {}, the cost model {} (WS {} cycles, OS {}, WSC {}, WSR {})", where(), code_name(got),
                 code_name(want), perf::ws_cycles(g, a), perf::os_cycles(g, a),
                 perf::wsc_fits(g, a) ? fmt::format("{}", perf::wsc_cycles(g, a)) : std::string("does not fit"),
                 perf::wsr_fits(g, a) ? fmt::format("{}", perf::wsr_cycles(g, a)) : std::string("does not fit"));
      if (code == 2) {
        if (got == int(qta::Dataflow::WS)) ++picks.ws;
        if (got == int(qta::Dataflow::OS)) ++picks.os;
        if (got == int(qta::Dataflow::WSC)) ++picks.wsc;
        if (got == int(qta::Dataflow::WSR)) ++picks.wsr;
      }
    }
  }
}

// The rivals of WSR in AUTO's comparison.
enum Rival { kWs, kWsc, kOs, kRivals };
constexpr const char* kRivalNames[] = {"WS", "WSC", "OS"};

// Shapes where WSR's count is within one cycle of a rival's on some variant with row groups (thin
// K, K <= R/GR), found with the cost model: M over 1..4*R*GR (at most 2048), every K that fits,
// N around C/G and C. At most `per_bin` shapes (chosen at random) per variant, rival and gap
// (-1, 0, +1); ties[rival] counts the shapes with an exact tie (where the order WS, WSC, WSR, OS
// decides).
std::vector<std::array<int64_t, 3>> wsr_near_ties(std::mt19937_64& rng, int per_bin, std::array<int64_t, kRivals>& ties) {
  std::set<std::array<int64_t, 3>> out;
  for (const Variant& var : kVariants) {
    if (var.row_groups < 2 || !var.ws) continue;
    const perf::Array a = array_of(var);
    const int64_t rg = var.rows / var.row_groups, cg = var.cols / var.col_groups, c = var.cols;
    std::set<int64_t> ns = {1, cg, cg + 1, c - 1, c, c + 1, 2 * c + 1, 3 * c};
    std::vector<std::array<int64_t, 3>> bins[kRivals][3];
    for (int64_t m = 1; m <= std::min<int64_t>(4 * var.rows * var.row_groups, 2048); ++m)
      for (int64_t k = 1; k <= rg; ++k)
        for (int64_t n : ns) {
          if (n < 1 || n > 65535) continue;
          const perf::Gemm g{m, n, k};
          const int64_t wsr = perf::wsr_cycles(g, a);
          const auto near = [&](Rival r, int64_t other) {
            const int64_t gap = wsr - other;
            if (gap >= -1 && gap <= 1) bins[r][gap + 1].push_back({m, n, k});
          };
          near(kWs, perf::ws_cycles(g, a));
          if (perf::wsc_fits(g, a)) near(kWsc, perf::wsc_cycles(g, a));
          if (var.os) near(kOs, perf::os_cycles(g, a));
        }
    for (int r = 0; r < kRivals; ++r)
      for (int gap = 0; gap < 3; ++gap) {
        auto& b = bins[r][gap];
        std::shuffle(b.begin(), b.end(), rng);
        if (int(b.size()) > per_bin) b.resize(size_t(per_bin));
        if (gap == 1) ties[r] += int64_t(b.size());
        out.insert(b.begin(), b.end());
      }
  }
  return {out.begin(), out.end()};
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
    const int64_t m = dim();
    // Every fourth shape thin in N (1..32), where the column groups fit and compete; every fourth
    // thin in K (1..32: K <= R/GR on most variants with row groups), where the row groups do.
    const int64_t n = i % 4 == 0 ? 1 + int64_t(rng() % 32) : dim();
    const int64_t k = i % 4 == 1 ? 1 + int64_t(rng() % 32) : dim();
    co_await check_shape(dut, tb, m, n, k, picks, kCodes);
    ++checked;
  }
  // Near-ties at 8x8: WS - OS = ceil(N/8) * (ceil(K/8) (M + 15) - ceil(M/8) (K + 15)) is small
  // when M and K are close; every M, K in 1..96 with N = 1.
  for (int64_t m = 1; m <= 96; ++m)
    for (int64_t k = 1; k <= 96; ++k) {
      co_await check_shape(dut, tb, m, 1, k, picks, kCodes);
      ++checked;
    }
  // Near-ties of WSR with WS (M = 1: Mg = M), WSC (Mg + C/G against ceil(M/GR) + C) and OS
  // (ceil(M/GR) against K for one tile of each), with every code.
  std::array<int64_t, kRivals> ties{};
  const auto near = wsr_near_ties(rng, 25, ties);
  for (const auto& s : near) {
    co_await check_shape(dut, tb, s[0], s[1], s[2], picks, kAllCodes);
    ++checked;
  }
  for (int r = 0; r < kRivals; ++r)
    if (ties[r] == 0)
      QTA_FAIL("no shape where WSR ties {} exactly: the tie order WS, WSC, WSR, OS is not exercised", kRivalNames[r]);
  // Extremes of the descriptor fields, with every code.
  for (int64_t m : {1, 65535})
    for (int64_t n : {1, 65535})
      for (int64_t k : {1, 65535}) {
        co_await check_shape(dut, tb, m, n, k, picks, kAllCodes);
        ++checked;
      }
  // The test must see every decision (AUTO picks WS, OS, WSC and WSR on some shapes), or it
  // checks nothing about the comparison.
  if (picks.ws == 0 || picks.os == 0 || picks.wsc == 0 || picks.wsr == 0)
    QTA_FAIL("AUTO chose WS {} times, OS {}, WSC {}, WSR {}: the shapes do not exercise the four-way comparison",
             picks.ws, picks.os, picks.wsc, picks.wsr);
  dut.log().info(
      "{} shapes ({} WSR near-ties: {} exact with WS, {} with WSC, {} with OS) x 5 or 8 dataflow codes x {} variants "
      "match the cost model; AUTO chose WS {}, OS {}, WSC {}, WSR {} times",
      checked, near.size(), ties[kWs], ties[kWsc], ties[kOs], kCount, picks.ws, picks.os, picks.wsc, picks.wsr);
}

QTA_TEST_MAIN(Vqta_auto_variants)
