// Block-level tests of the accelerator through its top: both dataflows, every transpose, edges
// where M, N, K are not multiples of the array, AUTO's choice and the cycle model, the quantizer's
// rounding modes, saturation and max tracking, illegal descriptors, the queue, the counters.
#include <algorithm>
#include <array>
#include <cmath>
#include <tuple>
#include <fmt/format.h>
#include <random>

#include "accel.h"
#include "qta/golden/gemm.h"
#include "qta/golden/quant.h"
#include "qta/perf/perf.h"
#include "tb_coverage.h"

namespace qta::verif {
namespace {

using golden::Op;
using golden::Rounding;
using harness::Task;

// Runs one case and checks the int32 result, the requantized result and the reported amax
// against the golden model; returns the run for further checks.
Task<GemmRun> check_case(Accel& acc, const GemmCase& c, const std::string& context, uint8_t id = 1) {
  const GemmRun r = co_await acc.run_case(c, id);
  if (r.done.error != 0)
    QTA_FAIL("{}: descriptor rejected with error {} ({})", context, r.done.error, c.describe());
  if (r.done.id != id) QTA_FAIL("{}: completion carries id {}, the descriptor had {}", context, int(r.done.id), int(id));
  const golden::MatI want_acc = c.expected_acc();  // the golden GEMM once, for every check below
  const golden::Requantized want = c.expected_out(want_acc);
  acc.dut().log().debug("{}: acc[0..3] = {} {} {} {}, out[0..3] = {} {} {} {}, golden out[0..3] = {} {} {} {}", context,
                        r.acc.data[0], r.acc.data.size() > 1 ? r.acc.data[1] : 0, r.acc.data.size() > 2 ? r.acc.data[2] : 0,
                        r.acc.data.size() > 3 ? r.acc.data[3] : 0, r.out.data[0], r.out.data.size() > 1 ? r.out.data[1] : 0,
                        r.out.data.size() > 2 ? r.out.data[2] : 0, r.out.data.size() > 3 ? r.out.data[3] : 0,
                        want.values.data[0], want.values.data.size() > 1 ? want.values.data[1] : 0,
                        want.values.data.size() > 2 ? want.values.data[2] : 0, want.values.data.size() > 3 ? want.values.data[3] : 0);
  expect_tensor_equal(context + " int32", want_acc, r.acc, acc.dut());
  expect_tensor_equal(context + " int8", want.values, r.out, acc.dut());
  if (r.done.amax != want.amax)
    QTA_FAIL("{}: the accelerator reports amax {}, golden {} (seed {})", context, r.done.amax, want.amax, acc.dut().seed());
  // DYNAMIC: the multiplier derived on chip is golden's requant_multiplier(amax); EXPLICIT: the
  // descriptor's, echoed.
  if (r.done.m0 != uint32_t(want.m.m0) || r.done.shift != uint32_t(want.m.n))
    QTA_FAIL("{}: {} scale: the accelerator used m0 = {}, shift = {}; golden m0 = {}, shift = {} (amax {}; seed {}; "
             "reproduce: {})", context, perf::scale_mode_name(scale_mode_of(c)), r.done.m0, r.done.shift, want.m.m0,
             want.m.n, want.amax, acc.dut().seed(), reproduce_command(acc.dut()));
  run_coverage().sample_gemm(c, hostif::ran(r.done), want, want_acc, capacity(acc.config()));
  co_return r;
}

std::vector<Dataflow> supported(const gen::Config& cfg) {
  std::vector<Dataflow> d;
  if (cfg.supports_ws()) d.push_back(Dataflow::WS);
  if (cfg.supports_os()) d.push_back(Dataflow::OS);
  return d;
}

}  // namespace

// The README's example, next to its cocotb twin there.
QTA_TEST(illegal_descriptor_then_legal_one, .timeout = 1, .timeout_unit = harness::Unit::ms, .suites = {"smoke", "block"}) {
  Accel acc(dut);                         // driver: clock, reset, completion monitor
  co_await acc.start();
  Descriptor bad{.m = 0, .n = 4, .k = 4}; // M = 0 is illegal
  co_await acc.submit(bad);
  const Completion done = co_await acc.wait_done(100);
  QTA_CHECK(done.error != 0);             // error code, and the queue goes on
  QTA_CHECK_EQ((co_await acc.status("error_count")), 1u);  // the ERROR_COUNT register
  co_await acc.submit(Descriptor{.m = 4, .n = 4, .k = 4, .lda = 4, .ldb = 4, .q_base = 16});
  QTA_CHECK_EQ((co_await acc.wait_done(1000)).error, 0u);
}

// Both backdoors reach the same words: a random pattern written through the DPI-C exports of
// qta_buffer reads back identically through the bd_* ports, and the other way round, for all
// three buffers, at the top of each buffer's address range (every bank, full word width).
QTA_TEST(buffer_backdoor_dpi_and_port_agree, .timeout = 1, .timeout_unit = harness::Unit::ms, .suites = {"block"}) {
  Accel acc(dut);
  co_await acc.start();
  QTA_CHECK(Accel::dpi_available());
  std::mt19937_64 rng(dut.seed());
  for (Buffer b : {Buffer::Input, Buffer::Weight, Buffer::Output}) {
    const int width = acc.buffer_width(b);
    const int64_t depth = acc.buffer_depth(b);
    const int64_t words = std::min<int64_t>(64, depth);
    const uint32_t base = uint32_t(depth - words);
    std::uniform_int_distribution<int64_t> value(-(int64_t{1} << (width - 1)), (int64_t{1} << (width - 1)) - 1);
    auto pattern = [&] {
      golden::MatI x(1, words);
      for (auto& v : x.data) v = int32_t(value(rng));
      return x;
    };
    const golden::MatI via_dpi = pattern();
    co_await acc.write_buffer(b, base, via_dpi, Backdoor::Dpi);
    expect_tensor_equal(fmt::format("{} buffer: DPI write, port read", buffer_name(b)), via_dpi,
                        co_await acc.read_buffer(b, base, 1, words, Backdoor::Port), dut);
    const golden::MatI via_port = pattern();
    co_await acc.write_buffer(b, base, via_port, Backdoor::Port);
    expect_tensor_equal(fmt::format("{} buffer: port write, DPI read", buffer_name(b)), via_port,
                        co_await acc.read_buffer(b, base, 1, words, Backdoor::Dpi), dut);
  }
}

QTA_TEST(gemm_one_tile_both_dataflows, .timeout = 2, .timeout_unit = harness::Unit::ms, .suites = {"smoke", "block"}) {
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  for (Dataflow df : supported(cfg)) {
    const GemmCase c = directed_gemm_case("tile", dut.seed(), cfg->rows, cfg->cols, cfg->rows, Op::N, Op::N, df, Rounding::RNE);
    const GemmRun r = co_await check_case(acc, c, fmt::format("{}x{}x{} {}", c.m, c.n, c.k, to_string(df)));
    QTA_CHECK_EQ((hostif::ran(r.done) == Dataflow::OS), df == Dataflow::OS);
  }
}

QTA_TEST(gemm_every_transpose, .timeout = 5, .timeout_unit = harness::Unit::ms, .suites = {"block"}) {
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  for (Dataflow df : supported(cfg))
    for (Op a : {Op::N, Op::T})
      for (Op b : {Op::N, Op::T}) {
        const GemmCase c = directed_gemm_case("t", dut.seed() + 7, cfg->rows + 1, cfg->cols - (cfg->cols > 1), 3, a, b, df,
                                              Rounding::RNE);
        co_await check_case(acc, c, fmt::format("A{} B{} {}", golden::op_name(a), golden::op_name(b), to_string(df)));
      }
}

QTA_TEST(gemm_ragged_edges, .timeout = 20, .timeout_unit = harness::Unit::ms, .suites = {"block"}) {
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  const int64_t R = cfg->rows, C = cfg->cols;
  const int64_t shapes[][3] = {{1, 1, 1}, {R - 1 + (R == 1), C, 1}, {R + 1, C + 1, R + 1}, {2 * R + 3, 1, 2 * R - 1 + (R == 1)},
                               {1, 2 * C + 1, 3}, {3, 5, 2 * R + 5}};
  int i = 0;
  for (const auto& s : shapes)
    for (Dataflow df : supported(cfg)) {
      const GemmCase c = directed_gemm_case("edge", dut.seed() + uint64_t(i++), s[0], s[1], s[2], Op::N, Op::N, df,
                                            Rounding::RNE);
      co_await check_case(acc, c, fmt::format("M={} N={} K={} {}", s[0], s[1], s[2], to_string(df)));
    }
}

// Operands stored with padded rows (lda, ldb larger than a row: the padding holds random values
// the array must never read), transposed, over several ragged tiles, in every dataflow and
// rounding mode the configuration has. (Ported from the generator's former directed simulation.)
QTA_TEST(gemm_padded_strides_every_rounding, .timeout = 20, .timeout_unit = harness::Unit::ms, .suites = {"block"}) {
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  std::vector<Rounding> modes;
  if (cfg.supports_rne()) modes.push_back(Rounding::RNE);
  if (cfg.supports_sr()) modes.push_back(Rounding::SR);
  const int64_t M = cfg->rows + 5, N = cfg->cols + 3, K = std::min<int64_t>(2 * cfg->rows + 3, cfg.max_k());
  golden::Rng pad_rng(dut.seed() ^ 0x5eed);
  int i = 0;
  for (Dataflow df : supported(cfg))
    for (Rounding mode : modes)
      for (const auto& [op_a, op_b, pad_a, pad_b] : {std::tuple{Op::T, Op::T, 3, 2}, std::tuple{Op::T, Op::N, 0, 5},
                                                     std::tuple{Op::N, Op::T, 1, 0}}) {
        GemmCase c = directed_gemm_case("stride", dut.seed() + uint64_t(i++), M, N, K, op_a, op_b, df, mode);
        c.sr_seed = uint32_t(17 + i);
        auto padded = [&](const golden::MatI& x, int pad) {
          golden::MatI p = random_operand(x.rows, x.cols + pad, Distribution::Uniform, cfg->data_width, pad_rng);
          for (int64_t r = 0; r < x.rows; ++r)
            for (int64_t col = 0; col < x.cols; ++col) p(r, col) = x(r, col);
          return p;
        };
        const golden::MatI a = padded(c.a, pad_a), b = padded(c.b, pad_b);
        if (a.rows * a.cols > cfg->input_depth || b.rows * b.cols > cfg->weight_depth) continue;
        co_await acc.write_input(0, a);
        co_await acc.write_weight(0, b);
        Descriptor d = acc.descriptor_for(c, uint8_t(i));
        d.lda = uint32_t(a.cols);
        d.ldb = uint32_t(b.cols);
        co_await acc.submit(d);
        const Completion done = co_await acc.wait_done(acc.cycle_budget(M, N, K));
        const std::string ctx = fmt::format("{}x{}x{} A{} lda+{} B{} ldb+{} {} {}", M, N, K, golden::op_name(op_a), pad_a,
                                            golden::op_name(op_b), pad_b, to_string(df), golden::rounding_name(mode));
        if (done.error) QTA_FAIL("{}: rejected with error {}", ctx, done.error);
        expect_tensor_equal(ctx + " int32", c.expected_acc(), co_await acc.read_output(0, M, N), dut);
        expect_tensor_equal(ctx + " int8", c.expected_out().values, co_await acc.read_output(uint32_t(M * N), M, N), dut);
      }
}

QTA_TEST(auto_dataflow_and_cycles_follow_the_cost_model, .timeout = 20, .timeout_unit = harness::Unit::ms, .suites = {"block"}) {
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  if (!(cfg.supports_ws() && cfg.supports_os())) QTA_SKIP("AUTO needs both dataflows; this configuration has dataflows = {}", gen::to_string(cfg->dataflows));
  const int64_t R = cfg->rows, C = cfg->cols;
  // Thin-N LoRA shape (X A), thin-K shape (H B^T), square, long-K weight gradient.
  // (Operands of at most 8 R x C words: the derived buffer depths, docs/config.md.)
  const int64_t shapes[][3] = {{4 * R, 2, 2 * R}, {2 * R, 3 * C, 2}, {R, C, R}, {R, 2, 6 * R}, {1, C, 2 * R}};
  int run = 0;
  for (const auto& s : shapes) {
    // A tall array (R >> C) has smaller derived buffers than these shapes: skip what cannot fit.
    if (s[0] * s[2] > cfg->input_depth || s[2] * s[1] > cfg->weight_depth || 2 * s[0] * s[1] > cfg->output_depth) {
      dut.log().info("AUTO M={} N={} K={} does not fit the buffers of this configuration: skipped", s[0], s[1], s[2]);
      continue;
    }
    ++run;
    // Each shape with both scale modes: DYNAMIC adds the multiplier's derivation (kScaleCycles).
    for (perf::ScaleMode sm : {perf::ScaleMode::Dynamic, perf::ScaleMode::Explicit}) {
      GemmCase c = directed_gemm_case("auto", dut.seed(), s[0], s[1], s[2], Op::N, Op::N, Dataflow::AUTO, Rounding::RNE);
      if (sm == perf::ScaleMode::Explicit) c.multiplier = c.expected_out().m;  // the host computes it
      const std::string ctx = fmt::format("AUTO M={} N={} K={} {}", s[0], s[1], s[2], perf::scale_mode_name(sm));
      const GemmRun r = co_await check_case(acc, c, ctx);
      const perf::Gemm g{s[0], s[1], s[2]};
      const perf::Array a = perf::array_of(cfg);
      const perf::Dataflow want = perf::auto_dataflow(g, a);
      if (hostif::ran(r.done) != want)
        QTA_FAIL("AUTO chose {} for M={} N={} K={}, the cost model {} (WS {} cycles, OS {}, WSC {}, WSR {}; seed {}; "
                 "reproduce: {})", qta::to_string(hostif::ran(r.done)), s[0], s[1], s[2], qta::to_string(want),
                 perf::ws_cycles(g, a), perf::os_cycles(g, a),
                 perf::wsc_fits(g, a) ? fmt::format("{}", perf::wsc_cycles(g, a)) : std::string("does not fit"),
                 perf::wsr_fits(g, a) ? fmt::format("{}", perf::wsr_cycles(g, a)) : std::string("does not fit"),
                 dut.seed(), reproduce_command(dut));
      QTA_CHECK_EQ(int64_t(r.done.compute_cycles), perf::auto_cycles(g, a));
      if (int64_t(r.done.cycles) != perf::rtl_total_cycles(g, a, want, sm))
        QTA_FAIL("{}: {} cycles from the RTL, the cost model {} (compute {}, requantization {}, control 5, scale {}; "
                 "seed {}; reproduce: {})", ctx, r.done.cycles, perf::rtl_total_cycles(g, a, want, sm),
                 perf::auto_cycles(g, a), perf::ceil_div(g.m * g.n, a.cols),
                 sm == perf::ScaleMode::Dynamic ? perf::kScaleCycles : 0, dut.seed(), reproduce_command(dut));
      // One useful MAC per PE per cycle: the busy-PE count is exactly M*N*K.
      QTA_CHECK_EQ(busy_pe_cycles(r.done), uint64_t(s[0] * s[1] * s[2]));
    }
  }
  if (run < 3) QTA_FAIL("only {} of the AUTO shapes fit this configuration's buffers: the test checks too little", run);

  // The decision at its boundary: shapes whose WS and OS costs tie or differ by a few cycles
  // (either way), and N = 1 (one column tile). An off-by-one anywhere in the hardware's cost
  // formula flips some of these choices; shapes far from a tie never notice it.
  struct Near {
    int64_t m, n, k, diff;
  };
  std::vector<Near> near;
  for (int64_t n : {int64_t{1}, C, C + 1})
    for (int64_t m = 1; m <= 3 * R; ++m)
      for (int64_t k = 1; k <= 6 * R; ++k) {
        if (m * k > cfg->input_depth || k * n > cfg->weight_depth || 2 * m * n > cfg->output_depth) continue;
        const perf::Gemm g{m, n, k};
        const perf::Array a = perf::array_of(cfg);
        const int64_t diff = perf::os_cycles(g, a) - perf::ws_cycles(g, a);
        if (diff >= -3 && diff <= 3) near.push_back({m, n, k, diff});
      }
  // A spread of them: every difference -3..3 if present, a few shapes each, N = 1 included.
  std::vector<Near> picked;
  for (int64_t d = -3; d <= 3; ++d) {
    int taken = 0;
    for (const auto& x : near)
      if (x.diff == d && taken < 2 && (taken == 0 || x.n != picked.back().n)) {
        picked.push_back(x);
        ++taken;
      }
  }
  if (picked.empty()) QTA_FAIL("no shape within 3 cycles of an AUTO tie fits this configuration: the test checks too little");
  int tie = 0;
  for (const auto& x : picked) {
    GemmCase c = directed_gemm_case("auto_tie", dut.seed(), x.m, x.n, x.k, Op::N, Op::N, Dataflow::AUTO, Rounding::RNE);
    if (tie++ % 2) c.multiplier = c.expected_out().m;  // alternate the scale modes
    const GemmRun r = co_await check_case(acc, c, fmt::format("AUTO near a tie M={} N={} K={} (OS - WS = {}, {} scale)", x.m,
                                                              x.n, x.k, x.diff, perf::scale_mode_name(scale_mode_of(c))));
    const perf::Gemm g{x.m, x.n, x.k};
    const perf::Array a = perf::array_of(cfg);
    const perf::Dataflow want = perf::auto_dataflow(g, a);
    if (hostif::ran(r.done) != want)
      QTA_FAIL("AUTO chose {} for M={} N={} K={} (OS - WS = {} cycles), the cost model {} (seed {}; reproduce: {})",
               qta::to_string(hostif::ran(r.done)), x.m, x.n, x.k, x.diff, qta::to_string(want), dut.seed(), reproduce_command(dut));
    QTA_CHECK_EQ(int64_t(r.done.cycles), perf::rtl_total_cycles(g, a, want, scale_mode_of(c)));
  }
  dut.log().info("AUTO near its tie: {} shapes (of {} within 3 cycles) agree with the cost model", picked.size(), near.size());
}

std::vector<Rounding> roundings(const gen::Config& cfg);  // the configuration's rounding modes (below)

// WSC, WS on column groups (docs/interfaces.md section 4): a thin-N GEMM streams col_groups
// chunks of its M rows side by side. Shapes at the groups' edges: fewer rows than groups (idle
// groups), a ragged last group, full groups over several K tiles, N = 1 and N = C / col_groups,
// K = 1; every transpose, both roundings and both scale modes. Each run is bit-exact against the
// golden model (int32, int8, amax, multiplier), reports WSC, and takes exactly the cost model's
// cycles with M*N*K busy-PE cycles; AUTO on LoRA thin-N shapes makes the model's choice.
namespace {
struct Shape {  // a GEMM's M, N, K
  int64_t m, n, k;
};

// The body of the WSC and WSR tests: every shape under both transposes with the explicit
// dataflow `df` (rounding modes and scale modes alternating), bit-exact, its compute and total
// cycles equal to the cost model's, busy-PE cycles = M*N*K; then AUTO on `auto_shapes`, which
// must pick the model's choice and `df` at least once. Shapes that do not fit the buffers are
// skipped; fewer than 8 explicit runs fail the test (it would check too little).
harness::Task<> dataflow_shapes_match_golden_and_the_cost_model(harness::Dut& dut, Accel& acc, Dataflow df,
                                                                 const std::vector<Shape>& shapes,
                                                                 const std::vector<Shape>& auto_shapes) {
  const auto& cfg = acc.config();
  const perf::Array arr = perf::array_of(cfg);
  const std::string name = to_string(df);
  auto fits = [&](int64_t m, int64_t n, int64_t k) {
    return m * k <= cfg->input_depth && k * n <= cfg->weight_depth && 2 * m * n <= cfg->output_depth;
  };
  const auto rounds = roundings(cfg);
  int run = 0;
  for (const auto& s : shapes)
    for (Op oa : {Op::N, Op::T})
      for (Op ob : {Op::N, Op::T}) {
        const int64_t m = s.m, n = s.n, k = std::min(s.k, cfg.max_k());
        if (!fits(m, n, k)) continue;
        GemmCase c = directed_gemm_case(name, dut.seed() + uint64_t(run), m, n, k, oa, ob, df,
                                        rounds[size_t(run) % rounds.size()]);
        if (run % 3 == 1) c.multiplier = c.expected_out().m;  // EXPLICIT every third run
        const std::string ctx = fmt::format("{} M={} N={} K={} A{} B{} {} {}", name, m, n, k, golden::op_name(oa),
                                            golden::op_name(ob), golden::rounding_name(c.rounding),
                                            perf::scale_mode_name(scale_mode_of(c)));
        const GemmRun r = co_await check_case(acc, c, ctx);
        ++run;
        if (hostif::ran(r.done) != df) QTA_FAIL("{}: ran {}, the descriptor asked for {}", ctx, to_string(hostif::ran(r.done)), name);
        const perf::Gemm g{m, n, k};
        const int64_t want_compute = perf::compute_cycles(g, arr, df);
        const int64_t want_total = perf::rtl_total_cycles(g, arr, df, scale_mode_of(c));
        if (int64_t(r.done.compute_cycles) != want_compute || int64_t(r.done.cycles) != want_total)
          QTA_FAIL("{}: {} cycles ({} compute) from the RTL, the cost model {} ({} compute; seed {}; reproduce: {})", ctx,
                   r.done.cycles, r.done.compute_cycles, want_total, want_compute, dut.seed(), reproduce_command(dut));
        if (busy_pe_cycles(r.done) != uint64_t(m * n * k))
          QTA_FAIL("{}: {} busy-PE cycles, M*N*K = {}", ctx, busy_pe_cycles(r.done), m * n * k);
      }
  if (run < 8) QTA_FAIL("only {} {} runs fit this configuration's buffers: the test checks too little", run, name);
  int auto_df = 0;
  for (const auto& s : auto_shapes) {
    if (!fits(s.m, s.n, s.k)) continue;
    const GemmCase c = directed_gemm_case(name + "_auto", dut.seed(), s.m, s.n, s.k, Op::N, Op::N, Dataflow::AUTO,
                                          rounds.front());
    const std::string ctx = fmt::format("AUTO M={} N={} K={}", s.m, s.n, s.k);
    const GemmRun r = co_await check_case(acc, c, ctx);
    const perf::Gemm g{s.m, s.n, s.k};
    const Dataflow want = perf::auto_dataflow(g, arr, cfg.supports_ws(), cfg.supports_os());
    auto cycles_of = [&](Dataflow d, bool fit) {
      return fit ? fmt::format("{}", perf::compute_cycles(g, arr, d)) : std::string("does not fit");
    };
    if (hostif::ran(r.done) != want)
      QTA_FAIL("{}: AUTO chose {}, the cost model {} (WS {}, OS {}, WSC {}, WSR {} cycles; seed {}; reproduce: {})", ctx,
               to_string(hostif::ran(r.done)), to_string(want), perf::ws_cycles(g, arr), perf::os_cycles(g, arr),
               cycles_of(Dataflow::WSC, perf::wsc_fits(g, arr)), cycles_of(Dataflow::WSR, perf::wsr_fits(g, arr)),
               dut.seed(), reproduce_command(dut));
    QTA_CHECK_EQ(int64_t(r.done.cycles), perf::rtl_total_cycles(g, arr, want, scale_mode_of(c)));
    auto_df += want == df;
  }
  if (auto_df == 0) QTA_FAIL("AUTO chose {} for none of its shapes: the choice of {} is not exercised", name, name);
  dut.log().info("{}: {} runs bit-exact with the model's cycles; AUTO chose {} {} times", name, run, name, auto_df);
}
}  // namespace

QTA_TEST(wsc_column_groups_match_golden_and_the_cost_model, .timeout = 40, .timeout_unit = harness::Unit::ms,
         .suites = {"smoke", "block"}) {
  // WSC (WS on column groups): thin-N GEMMs, every column group holding the same K x N tile and
  // streaming its own chunk of M. Shapes cover a group without rows (M < col_groups), N = C/G,
  // several K tiles and K = 1; AUTO on thin-N LoRA shapes (X A: M = tokens, N = rank).
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  if (!cfg.supports_wsc())
    QTA_SKIP("WSC needs column groups; this configuration has col_groups = {}", cfg->col_groups);
  const int64_t R = cfg->rows, C = cfg->cols, G = cfg->col_groups, CG = C / G;
  // (Named, not temporaries in the co_await's full expression: GCC 12 rejects those in a
  // coroutine frame, "array used as initializer".)
  const std::vector<Shape> shapes{
      Shape{std::max<int64_t>(1, G - 1), 1, R},
      Shape{3 * G + 1, CG, 2 * R + 3},
      Shape{2 * R * G + 1, std::max<int64_t>(1, CG - 1), 3 * R},
      Shape{R * G, CG, 1},
      Shape{5, 1, 5 * R + 1}};
  const std::vector<Shape> auto_shapes{Shape{4 * R, std::min<int64_t>(CG, 4), 2 * R}, Shape{G * R + 3, 1, R + 1},
      Shape{2, CG, 3 * R}};
  co_await dataflow_shapes_match_golden_and_the_cost_model(dut, acc, Dataflow::WSC, shapes, auto_shapes);
}

QTA_TEST(wsr_row_groups_match_golden_and_the_cost_model, .timeout = 40, .timeout_unit = harness::Unit::ms,
         .suites = {"smoke", "block"}) {
  // WSR (WS on row groups, docs/interfaces.md section 4): thin-K GEMMs, every row group holding
  // the same K x N tile and writing its own rows through its own write lanes. Shapes cover a
  // group without rows (M < row_groups), K = R/GR (every row of a group busy), several N tiles
  // with a partial last one, and M not a multiple of row_groups; AUTO on thin-K LoRA shapes
  // (s (X A) B^T: M = tokens, K = rank).
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  if (!cfg.supports_wsr())
    QTA_SKIP("WSR needs row groups; this configuration has row_groups = {}", cfg->row_groups);
  const int64_t R = cfg->rows, C = cfg->cols, GR = cfg->row_groups, RG = R / GR;
  // (Named, not temporaries in the co_await's full expression: GCC 12 rejects those in a
  // coroutine frame, "array used as initializer".)
  const std::vector<Shape> shapes{
      Shape{std::max<int64_t>(1, GR - 1), 1, 1},
      Shape{3 * GR + 1, C, RG},
      Shape{2 * R * GR + 1, 2 * C + 3, std::max<int64_t>(1, RG - 1)},
      Shape{R * GR, std::max<int64_t>(1, C - 1), 1},
      Shape{5, 3 * C + 1, RG}};
  const std::vector<Shape> auto_shapes{Shape{4 * R * GR, 2 * C, std::min<int64_t>(RG, 4)}, Shape{GR * R + 3, C + 1, 1},
      Shape{2, 3 * C, RG}};
  co_await dataflow_shapes_match_golden_and_the_cost_model(dut, acc, Dataflow::WSR, shapes, auto_shapes);
}

QTA_TEST(quantizer_rounding_saturation_and_max, .timeout = 20, .timeout_unit = harness::Unit::ms, .suites = {"block"}) {
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  const Dataflow df = supported(cfg).front();
  std::vector<Rounding> modes;
  if (cfg.supports_rne()) modes.push_back(Rounding::RNE);
  if (cfg.supports_sr()) modes.push_back(Rounding::SR);
  for (Rounding mode : modes) {
    for (Distribution dist : {Distribution::Uniform, Distribution::Extremes, Distribution::Zeros, Distribution::HeavyTailed}) {
      const GemmCase c = directed_gemm_case("q", dut.seed() + uint64_t(dist), cfg->rows, cfg->cols, 5, Op::N, Op::N, df,
                                            mode, 8, dist);
      co_await check_case(acc, c, fmt::format("{} {}", golden::rounding_name(mode), distribution_name(dist)));
    }
    // Ties: multiplier 1/2 on odd accumulators; saturation: 4x the dynamic multiplier.
    // Operands in [-15, 15] keep |acc| / 2 below qmax, so every odd product is an exact tie.
    GemmCase ties = directed_gemm_case("ties", dut.seed(), cfg->rows, cfg->cols, 1, Op::N, Op::N, df, mode);
    for (auto* m : {&ties.a, &ties.b})
      for (auto& v : m->data) v %= 16;
    ties.multiplier = golden::FixedPoint{1 << 30, 31};
    co_await check_case(acc, ties, fmt::format("{} ties at M = 1/2", golden::rounding_name(mode)));
    GemmCase sat = directed_gemm_case("sat", dut.seed() + 1, cfg->rows, cfg->cols, 4, Op::N, Op::N, df, mode);
    const golden::FixedPoint m = sat.expected_out().m;
    sat.multiplier = golden::FixedPoint{m.m0, m.n - 2};
    co_await check_case(acc, sat, fmt::format("{} saturation at 4x the multiplier", golden::rounding_name(mode)));
    // Every shift 0..63 with a multiplier scaled to keep the results in range: for n > 32 the
    // SR addend is the LFSR state shifted left by n - 32, a path dynamic scales rarely reach.
    GemmCase big = directed_gemm_case("shifts", dut.seed() + 2, cfg->rows, cfg->cols, 8, Op::N, Op::N, df, mode, 8,
                                      Distribution::Extremes);
    const int64_t amax = big.expected_out().amax;
    for (int n = 0; n <= 63; n += (n < 30 ? 7 : 1)) {
      // m0 * amax / 2^n near qmax/2: m0 = 2^(n-1) * qmax / amax, clamped to [2^30, 2^31).
      const double want = std::ldexp(double(golden::qmax_for(8)) / 2.0 / double(std::max<int64_t>(1, amax)), n);
      const int32_t m0 = int32_t(std::clamp(want, double(1 << 30), 2147483647.0));
      GemmCase c = big;
      c.multiplier = golden::FixedPoint{m0, n};
      co_await check_case(acc, c, fmt::format("{} shift n = {} (m0 = {})", golden::rounding_name(mode), n, m0));
    }
  }
}

std::vector<Rounding> roundings(const gen::Config& cfg) {
  std::vector<Rounding> modes;
  if (cfg.supports_rne()) modes.push_back(Rounding::RNE);
  if (cfg.supports_sr()) modes.push_back(Rounding::SR);
  return modes;
}

// The host never computes the GEMM in software before submitting it: random operands go into
// the buffers, a DYNAMIC descriptor is submitted (its m0 / shift fields hold values an EXPLICIT
// descriptor would be rejected for: the hardware ignores them), and only after the completion
// does the host run the golden model and compare the int32 and int8 results, amax, the derived
// multiplier and the cycle count (perf::rtl_total_cycles, DYNAMIC).
QTA_TEST(dynamic_scale_gemm_the_host_never_computed, .timeout = 10, .timeout_unit = harness::Unit::ms,
         .suites = {"smoke", "block"}) {
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  const int q = cfg->data_width;
  const int64_t M = 2 * cfg->rows + 1, N = cfg->cols + 3, K = std::min<int64_t>(3 * cfg->rows + 2, cfg.max_k());
  golden::Rng rng(dut.seed() ^ 0xd1a);
  int id = 0;
  for (Dataflow df : supported(cfg))
    for (Rounding mode : roundings(cfg)) {
      const golden::MatI a = random_operand(M, K, Distribution::HeavyTailed, q, rng);
      const golden::MatI b = random_operand(K, N, Distribution::Uniform, q, rng);
      if (a.size() > cfg->input_depth || b.size() > cfg->weight_depth || 2 * M * N > cfg->output_depth)
        QTA_SKIP("{}x{}x{} does not fit this configuration's buffers", M, N, K);
      co_await acc.write_input(0, a);
      co_await acc.write_weight(0, b);
      const uint32_t sr_seed = uint32_t(rng.next_u64() | 1);
      Descriptor d;  // m0 and shift EXPLICIT would reject: DYNAMIC must ignore them
      d.id = uint32_t(++id) & 0xff;
      d.dataflow = uint32_t(df);
      d.rounding = uint32_t(mode);
      d.dynamic_scale = 1;
      d.shift = 63;
      d.m = uint32_t(M);
      d.n = uint32_t(N);
      d.k = uint32_t(K);
      d.lda = uint32_t(K);
      d.ldb = uint32_t(N);
      d.c_base = 0;
      d.q_base = uint32_t(M * N);
      d.m0 = 0xffffffffu;
      d.sr_seed = sr_seed;
      co_await acc.submit(d);
      const Completion done = co_await acc.wait_done(acc.cycle_budget(M, N, K));
      const golden::MatI got_acc = co_await acc.read_output(0, M, N);
      const golden::MatI got_out = co_await acc.read_output(uint32_t(M * N), M, N);
      // Only now does the host compute anything.
      const std::string ctx = fmt::format("{}x{}x{} {} {} DYNAMIC, golden computed after the run", M, N, K,
                                          qta::to_string(df), golden::rounding_name(mode));
      if (done.error) QTA_FAIL("{}: rejected with error {}", ctx, done.error);
      const golden::MatI want_acc = golden::gemm_int(a, Op::N, b, Op::N, q, cfg->acc_width);
      const golden::Requantized want = golden::requantize(want_acc, q, mode, sr_seed);
      expect_tensor_equal(ctx + " int32", want_acc, got_acc, dut);
      expect_tensor_equal(ctx + " int8", want.values, got_out, dut);
      if (done.amax != want.amax || done.m0 != uint32_t(want.m.m0) || done.shift != uint32_t(want.m.n))
        QTA_FAIL("{}: amax {}, m0 {}, shift {} from the RTL; golden amax {}, m0 {}, shift {} (seed {}; reproduce: {})",
                 ctx, done.amax, done.m0, done.shift, want.amax, want.m.m0, want.m.n, dut.seed(), reproduce_command(dut));
      const perf::Gemm g{M, N, K};
      const perf::Array arr = perf::array_of(cfg);
      QTA_CHECK_EQ(int64_t(done.cycles), perf::rtl_total_cycles(g, arr, df, perf::ScaleMode::Dynamic));
      run_coverage().hit("scale.dynamic");
    }
}

// Every dataflow, rounding and value distribution with a DYNAMIC descriptor: the multiplier
// the accelerator derives from its own amax is golden's requant_multiplier(amax) bit for bit,
// and so is every requantized element (check_case), over single- and multi-tile shapes. WSC and
// WSR (where the configuration has them) run their own shapes, thin in N (N <= C/G) or K
// (K <= R/GR), over one and several tiles with ragged groups: every group's results reach amax.
QTA_TEST(dynamic_scale_multiplier_matches_golden_every_dataflow_rounding_and_distribution, .timeout = 50,
         .timeout_unit = harness::Unit::ms, .suites = {"block"}) {
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  const int64_t R = cfg->rows, C = cfg->cols;
  using Shape = std::array<int64_t, 3>;
  std::vector<std::pair<Dataflow, std::vector<Shape>>> flows;
  for (Dataflow df : supported(cfg))
    flows.push_back({df, {Shape{R, C, std::min<int64_t>(R, cfg.max_k())},
                          Shape{R + 3, 2 * C + 1, std::min<int64_t>(2 * R + 3, cfg.max_k())}}});
  if (cfg.supports_wsc()) {
    const int64_t cg = C / cfg->col_groups;
    flows.push_back({Dataflow::WSC, {Shape{R, cg, std::min<int64_t>(R, cfg.max_k())},
                                     Shape{2 * R + 3, cg, std::min<int64_t>(2 * R + 3, cfg.max_k())}}});
  }
  if (cfg.supports_wsr()) {
    const int64_t rg = std::min<int64_t>(R / cfg->row_groups, cfg.max_k());
    flows.push_back({Dataflow::WSR, {Shape{R, C, rg}, Shape{2 * R + 3, 2 * C + 1, rg}}});
  }
  int i = 0;
  for (const auto& [df, shapes] : flows) {
    int ran = 0;
    for (Rounding mode : roundings(cfg))
      for (int dist = 0; dist < kDistributions; ++dist)
        for (const auto& sh : shapes) {
          if (sh[0] * sh[2] > cfg->input_depth || sh[2] * sh[1] > cfg->weight_depth ||
              2 * sh[0] * sh[1] > cfg->output_depth)
            continue;
          const GemmCase c = directed_gemm_case("dyn", dut.seed() + uint64_t(i++), sh[0], sh[1], sh[2], Op::N, Op::T, df,
                                                mode, 8, Distribution(dist));
          const std::string ctx = fmt::format("DYNAMIC {}x{}x{} {} {} {}", sh[0], sh[1], sh[2], qta::to_string(df),
                                              golden::rounding_name(mode), distribution_name(Distribution(dist)));
          const GemmRun r = co_await check_case(acc, c, ctx);
          if (hostif::ran(r.done) != df)
            QTA_FAIL("{}: ran {}, the descriptor asked for {} (seed {}; reproduce: {})", ctx, qta::to_string(hostif::ran(r.done)),
                     qta::to_string(df), dut.seed(), reproduce_command(dut));
          ++ran;
        }
    if (ran == 0)
      QTA_FAIL("no {} shape of this test fits this configuration's buffers: the test checks nothing about it",
               qta::to_string(df));
  }
}

// The divider's paths through the top, with amax values chosen rather than hoped for: a 1 x 1
// GEMM over K products sums exactly to a target T (a_k b_k = 127 * b_k until the rest is below
// 127^2), so amax = |T|. Targets: every bit length up to 2^24 (or what the buffers allow) at its
// power of two, its all-ones value (normalized amax above normalized qmax: the quotient below
// 2^31, rounded by the remainder test) and its neighbours, and random values, with either sign
// and alternating dataflows and roundings; the derived m0 / shift must be golden's.
QTA_TEST(dynamic_scale_multiplier_for_chosen_amax_values, .timeout = 200, .timeout_unit = harness::Unit::ms,
         .suites = {"block"}) {
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  const int32_t qmax = golden::qmax_for(cfg->data_width);
  const int64_t q2 = int64_t(qmax) * qmax;
  const int64_t k_cap = std::min({cfg.max_k(), cfg->input_depth, cfg->weight_depth, int64_t{1100}});
  const int64_t t_cap = (k_cap - 2) * q2;  // a target within k_cap products
  std::vector<int64_t> targets;
  for (int la = 1; la <= 24; ++la) {
    const int64_t lo = int64_t{1} << (la - 1), hi = (int64_t{1} << la) - 1;
    for (int64_t t : {lo, lo + 1, hi - 1, hi, hi - (hi >> 8), lo + (lo >> 1)})
      if (t >= 1 && t <= t_cap) targets.push_back(t);
  }
  golden::Rng rng(dut.seed() ^ 0x5ca1e);
  for (int i = 0; i < 60; ++i) targets.push_back(1 + int64_t(rng.next_u64() % uint64_t(std::min<int64_t>(t_cap, 1 << 20))));
  const auto flows = supported(cfg);
  const auto modes = roundings(cfg);
  int i = 0;
  for (int64_t t : targets) {
    const bool negative = i % 3 == 1;
    // K products: 127 * b while the rest is at least 127^2, then the rest as 127 * (r / 127) + (r % 127) * 1.
    std::vector<std::pair<int32_t, int32_t>> prods;
    for (int64_t rest = t; rest > 0;) {
      if (rest >= q2) {
        prods.push_back({qmax, qmax});
        rest -= q2;
      } else if (rest >= qmax) {
        prods.push_back({qmax, int32_t(rest / qmax)});
        rest -= (rest / qmax) * qmax;
      } else {
        prods.push_back({int32_t(rest), 1});
        rest = 0;
      }
    }
    const int64_t K = int64_t(prods.size());
    GemmCase c = directed_gemm_case("amax_target", dut.seed() + uint64_t(i), 1, 1, K, Op::N, Op::N,
                                    flows[size_t(i) % flows.size()], modes[size_t(i / 2) % modes.size()]);
    for (int64_t k = 0; k < K; ++k) {
      c.a(0, k) = prods[size_t(k)].first;
      c.b(k, 0) = negative ? -prods[size_t(k)].second : prods[size_t(k)].second;
    }
    ++i;
    const GemmRun r = co_await check_case(acc, c, fmt::format("amax target {}{} (K = {}, {}, {})", negative ? "-" : "", t, K,
                                                              qta::to_string(c.dataflow), golden::rounding_name(c.rounding)));
    if (r.done.amax != t) QTA_FAIL("amax target {}: the operands give amax {} (test setup)", t, r.done.amax);
  }
  dut.log().info("{} chosen amax values: the derived multiplier is golden's for each", targets.size());
}

// amax = 0: all-zero operands (A zero with B random, and the other way round) give m0 = 0,
// shift = 0 and an all-zero int8 result, also straight after a GEMM with a large amax (the
// tracker and the multiplier must not keep the previous descriptor's values).
QTA_TEST(dynamic_scale_all_zero_result_gives_a_zero_multiplier, .timeout = 10, .timeout_unit = harness::Unit::ms,
         .suites = {"block"}) {
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  int i = 0;
  for (Dataflow df : supported(cfg))
    for (Rounding mode : roundings(cfg))
      for (int zero_operand = 0; zero_operand < 2; ++zero_operand) {
        const GemmCase big = directed_gemm_case("big", dut.seed() + uint64_t(i++), cfg->rows + 1, cfg->cols + 1, 3, Op::N,
                                                Op::N, df, mode, 8, Distribution::Extremes);
        co_await check_case(acc, big, "large amax before the zero GEMM");
        GemmCase z = directed_gemm_case("zero", dut.seed() + uint64_t(i++), cfg->rows + 1, cfg->cols + 1, 3, Op::N, Op::N,
                                        df, mode);
        for (auto& v : (zero_operand ? z.b : z.a).data) v = 0;
        const std::string ctx = fmt::format("{} {} all-zero {}", qta::to_string(df), golden::rounding_name(mode),
                                            zero_operand ? "B" : "A");
        const GemmRun r = co_await check_case(acc, z, ctx);
        if (r.done.amax != 0 || r.done.m0 != 0 || r.done.shift != 0)
          QTA_FAIL("{}: amax {}, m0 {}, shift {}; an all-zero result must give 0, 0, 0 (docs/interfaces.md section 2)", ctx,
                   r.done.amax, r.done.m0, r.done.shift);
        for (int32_t v : r.out.data)
          if (v != 0) QTA_FAIL("{}: a requantized element is {}, expected 0", ctx, v);
      }
}

// The largest amax a legal descriptor can produce: A = +qmax everywhere, B's columns +qmax and
// -qmax, K as large as the accumulator bound (max_k) and the buffers allow, so |acc| reaches
// K * qmax^2 (with acc_width 16 and q = 8 that is max_k = 2, amax = 32258 of the limit 32767);
// the positive extreme alone, the negative extreme alone, and both. (The register limits
// 2^(AW-1) - 1, 2^(AW-1) and 2^AW - 1 themselves are covered by the qta_recip block test.)
QTA_TEST(dynamic_scale_at_the_largest_amax_a_descriptor_allows, .timeout = 20, .timeout_unit = harness::Unit::ms,
         .suites = {"block"}) {
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  const int32_t qmax = golden::qmax_for(cfg->data_width);
  const int64_t M = 2, N = 2;
  const int64_t K = std::min({cfg.max_k(), cfg->input_depth / M, cfg->weight_depth / N, int64_t{65535}});
  for (Dataflow df : supported(cfg))
    for (int variant = 0; variant < 3; ++variant) {  // 0: both extremes, 1: only -K qmax^2, 2: only +K qmax^2
      GemmCase c = directed_gemm_case("amax_limit", dut.seed(), M, N, K, Op::N, Op::N, df, roundings(cfg).front());
      for (auto& v : c.a.data) v = qmax;
      for (int64_t k = 0; k < K; ++k) {
        c.b(k, 0) = qmax;
        c.b(k, 1) = -qmax;
      }
      if (variant == 1) c.b(0, 0) = qmax - 1;
      if (variant == 2) c.b(0, 1) = -(qmax - 1);
      const std::string ctx = fmt::format("{} K = {} (max_k {}), amax {} of the accumulator limit {}, variant {}",
                                          qta::to_string(df), K, cfg.max_k(), K * int64_t(qmax) * qmax,
                                          (int64_t{1} << (cfg->acc_width - 1)) - 1, variant);
      const GemmRun r = co_await check_case(acc, c, ctx);
      QTA_CHECK_EQ(r.done.amax, K * int64_t(qmax) * qmax);
      // The extreme maps onto +-qmax (round to nearest; SR may round a hair below qmax down).
      if (c.rounding == Rounding::RNE) QTA_CHECK_EQ(r.out(0, variant == 2 ? 0 : 1) * (variant == 2 ? 1 : -1), qmax);
      dut.log().info("{}: m0 = {}, shift = {}", ctx, r.done.m0, r.done.shift);
    }
}

// WS accumulates a K tile's partial sums in the output buffer, so only the writes of the last
// K tile are final results. Here the first K tile's partial sums are R * qmax^2 and the final
// sums nearly cancel (B's second half is -qmax plus small noise): an amax taken over partial
// writes would be far too large, and so would the multiplier. Both dataflows, both roundings.
QTA_TEST(dynamic_scale_amax_ignores_partial_sums_of_earlier_k_tiles, .timeout = 10, .timeout_unit = harness::Unit::ms,
         .suites = {"block"}) {
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  const int64_t R = cfg->rows;
  const int32_t qmax = golden::qmax_for(cfg->data_width);
  if (2 * R > cfg.max_k()) QTA_SKIP("two K tiles (K = {}) exceed max_k = {}", 2 * R, cfg.max_k());
  golden::Rng rng(dut.seed() ^ 0xcafe);
  for (Dataflow df : supported(cfg))
    for (Rounding mode : roundings(cfg)) {
      GemmCase c = directed_gemm_case("partial", dut.seed(), R + 1, cfg->cols + 1, 2 * R, Op::N, Op::N, df, mode);
      for (auto& v : c.a.data) v = qmax;
      for (int64_t k = 0; k < 2 * R; ++k)
        for (int64_t n = 0; n < c.n; ++n) c.b(k, n) = k < R ? qmax : -qmax + int32_t(rng.next_u64() % 4);
      const golden::Requantized want = c.expected_out();
      const int64_t partial = R * int64_t(qmax) * qmax;
      if (want.amax * 4 > partial) QTA_FAIL("test setup: final amax {} is not far below the partial sums {}", want.amax, partial);
      co_await check_case(acc, c, fmt::format("{} {} K = 2R: partial sums {}, final amax {}", qta::to_string(df),
                                              golden::rounding_name(mode), partial, want.amax));
    }
}

QTA_TEST(illegal_descriptors_set_error_and_the_queue_goes_on, .timeout = 5, .timeout_unit = harness::Unit::ms, .suites = {"smoke", "block"}) {
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  const GemmCase good = directed_gemm_case("good", dut.seed(), 3, 2, 4, Op::N, Op::N, supported(cfg).front(), Rounding::RNE);
  co_await acc.write_input(0, good.a);
  co_await acc.write_weight(0, good.b);
  const Descriptor base = acc.descriptor_for(good, 1);
  // Error codes: docs/rtl.md, "Error codes" (the hardware's contract; every case checks its code).
  enum Code { ZERO_DIM = 1, K_OVERFLOW = 2, STRIDE = 3, A_RANGE = 4, B_RANGE = 5, OUT_RANGE = 6, DATAFLOW = 7,
              SEED = 9, M0 = 10 };
  struct Bad {
    const char* what;
    const char* bin;  // functional coverage bin
    int code;
    Descriptor d;
  };
  std::vector<Bad> bad;
  auto with = [&](const char* what, const char* bin, int code, auto edit) {
    Descriptor d = base;
    edit(d);
    bad.push_back({what, bin, code, d});
  };
  with("M = 0", "illegal.zero_dim", ZERO_DIM, [](Descriptor& d) { d.m = 0; });
  with("K = 0", "illegal.zero_dim", ZERO_DIM, [](Descriptor& d) { d.k = 0; });
  with("N = 0", "illegal.zero_dim", ZERO_DIM, [](Descriptor& d) { d.n = 0; });
  if (cfg.max_k() < 65535)
    with("K above the accumulator bound", "illegal.oversized_dim", K_OVERFLOW,
         [&](Descriptor& d) { d.k = cfg.max_k() + 1; });
  // With the derived depths an M this large also overflows A, so either code is right (0: any).
  with("M * N beyond the output buffer", "illegal.oversized_dim", 0, [](Descriptor& d) {
    d.m = 65535;
    d.lda = uint32_t(d.k);
  });
  // Each dimension and stride with its top bit set, where that makes the descriptor illegal: a
  // latch that dropped bit 15 would see the legal 3x2x4 GEMM and accept it. (The largest
  // configurations' buffers hold some of these; A is M x K row-major with lda, B K x N with ldb.)
  const auto a_end = [](const Descriptor& d) {
    return int64_t(d.a_base) + (d.a_trans ? (d.k - 1) * d.lda + d.m : (d.m - 1) * d.lda + d.k);
  };
  const auto b_end = [](const Descriptor& d) {
    return int64_t(d.b_base) + (d.b_trans ? (d.n - 1) * d.ldb + d.k : (d.k - 1) * d.ldb + d.n);
  };
  const auto illegal_here = [&](const Descriptor& d) {
    return d.k > cfg.max_k() || a_end(d) > cfg->input_depth || b_end(d) > cfg->weight_depth ||
           int64_t(d.c_base) + d.m * d.n > cfg->output_depth || int64_t(d.q_base) + d.m * d.n > cfg->output_depth ||
           d.lda < (d.a_trans ? d.m : d.k) || d.ldb < (d.b_trans ? d.k : d.n);
  };
  const auto top_bit = [&](const char* what, const char* bin, auto edit) {
    Descriptor d = base;
    edit(d);
    if (illegal_here(d))
      bad.push_back({what, bin, 0, d});
    else
      dut.log().info("{} is a legal descriptor on this configuration's buffers: not tested", what);
  };
  top_bit("M with bit 15 set", "illegal.oversized_dim", [](Descriptor& d) { d.m |= 0x8000; });
  top_bit("N with bit 15 set", "illegal.oversized_dim", [](Descriptor& d) { d.n |= 0x8000; });
  top_bit("K with bit 15 set (A transposed)", "illegal.oversized_dim", [&](Descriptor& d) {
    d.a_trans = true;
    d.lda = uint32_t(d.m);
    d.k |= 0x8000;
  });
  top_bit("lda with bit 15 set", "illegal.address_range", [](Descriptor& d) { d.lda |= 0x8000; });
  top_bit("ldb with bit 15 set", "illegal.address_range", [](Descriptor& d) { d.ldb |= 0x8000; });
  top_bit("A base with bit 31 set", "illegal.address_range", [](Descriptor& d) { d.a_base |= 0x80000000u; });
  top_bit("B base with bit 31 set", "illegal.address_range", [](Descriptor& d) { d.b_base |= 0x80000000u; });
  top_bit("C base with bit 31 set", "illegal.address_range", [](Descriptor& d) { d.c_base |= 0x80000000u; });
  top_bit("Q base with bit 31 set", "illegal.address_range", [](Descriptor& d) { d.q_base |= 0x80000000u; });
  with("m0 with bit 31 set (EXPLICIT)", "illegal.unsupported_mode", M0, [](Descriptor& d) {
    d.dynamic_scale = false;
    d.m0 = 0xc0000000u;
  });
  with("A beyond the input buffer", "illegal.address_range", A_RANGE, [&](Descriptor& d) { d.a_base = uint32_t(cfg->input_depth - 2); });
  with("B beyond the weight buffer", "illegal.address_range", B_RANGE, [&](Descriptor& d) { d.b_base = uint32_t(cfg->weight_depth); });
  with("C beyond the output buffer", "illegal.address_range", OUT_RANGE, [&](Descriptor& d) { d.c_base = uint32_t(cfg->output_depth - 1); });
  with("Q at 2^32 - 1", "illegal.address_range", OUT_RANGE, [](Descriptor& d) { d.q_base = 0xffffffffu; });
  with("C and Q regions overlap", "illegal.address_range", OUT_RANGE, [](Descriptor& d) { d.q_base = d.c_base + 1; });
  if (cfg.supports_wsc()) {
    // WSC is legal only where N fits one column group.
    const int64_t cg = cfg->cols / cfg->col_groups;
    with("WSC with N one wider than a column group", "illegal.unsupported_mode", DATAFLOW, [&](Descriptor& d) {
      d.dataflow = 3;
      d.n = cg + 1;
      d.ldb = uint32_t(d.n);
      d.q_base = uint32_t(d.m * d.n);  // C and Q side by side, as for the legal case
    });
  } else {
    with("WSC (code 3) on a build without column groups", "illegal.unsupported_mode", DATAFLOW,
         [](Descriptor& d) { d.dataflow = 3; });
  }
  if (cfg.supports_wsr()) {
    // WSR is legal only where K fits one row group. (K = R/GR + 1 beyond the accumulator bound
    // would be error 2 first: any code then.)
    const int64_t rg = cfg->rows / cfg->row_groups;
    with("WSR with K one deeper than a row group", "illegal.unsupported_mode", rg + 1 <= cfg.max_k() ? DATAFLOW : 0,
         [&](Descriptor& d) {
           d.dataflow = 4;
           d.k = rg + 1;
           d.lda = uint32_t(d.k);
         });
  } else {
    with("WSR (code 4) on a build without row groups", "illegal.unsupported_mode", DATAFLOW,
         [](Descriptor& d) { d.dataflow = 4; });
  }
  // Codes 5..7 of the 3-bit dataflow field are no dataflow on any build.
  for (const auto& [what, code] : {std::pair{"dataflow code 5", 5}, std::pair{"dataflow code 6", 6},
                                   std::pair{"dataflow code 7", 7}})
    with(what, "illegal.unsupported_mode", DATAFLOW, [code = code](Descriptor& d) { d.dataflow = code; });
  if (cfg.supports_sr())
    with("SR with seed 0", "illegal.unsupported_mode", SEED, [](Descriptor& d) {
      d.rounding = uint32_t(Rounding::SR);
      d.sr_seed = 0;
    });
  with("lda smaller than a row", "illegal.address_range", STRIDE, [](Descriptor& d) { d.lda = 1; });
  with("ldb smaller than a row", "illegal.address_range", STRIDE, [](Descriptor& d) { d.ldb = 1; });
  if (cfg.max_k() < 65535) {
    // K exactly at the bound is legal as far as the accumulator goes: any other code than
    // K_OVERFLOW (here A no longer fits, so A_RANGE).
    Descriptor d = base;
    d.k = cfg.max_k();
    d.lda = uint32_t(d.k);
    if (illegal_here(d)) bad.push_back({"K at the accumulator bound (A too large)", "illegal.address_range", A_RANGE, d});
  }
  with("m0 below 2^30 (EXPLICIT)", "illegal.unsupported_mode", M0, [](Descriptor& d) {
    d.dynamic_scale = false;
    d.m0 = 12345;
  });
  if (!cfg.supports_os()) with("OS on a WS-only build", "illegal.unsupported_mode", DATAFLOW, [](Descriptor& d) { d.dataflow = 1; });
  if (!cfg.supports_ws()) with("WS on an OS-only build", "illegal.unsupported_mode", DATAFLOW, [](Descriptor& d) { d.dataflow = 0; });
  uint64_t errors = 0;
  for (size_t i = 0; i < bad.size(); ++i) {
    Descriptor d = bad[i].d;
    d.id = uint8_t(10 + i);
    co_await acc.submit(d);
    const Completion c = co_await acc.wait_done(100);
    if (c.error == 0) QTA_FAIL("illegal descriptor ({}) was accepted", bad[i].what);
    if (bad[i].code != 0 && c.error != uint32_t(bad[i].code))
      QTA_FAIL("illegal descriptor ({}): error code {}, docs/rtl.md says {} (seed {})", bad[i].what, c.error, bad[i].code,
               dut.seed());
    // A rejected descriptor costs CHECK + DONE: two cycles, no array work.
    if (c.cycles != 2) QTA_FAIL("illegal descriptor ({}) took {} cycles, expected 2 (CHECK + DONE)", bad[i].what, c.cycles);
    // A rejected descriptor reports no work: amax, compute and busy-PE cycles are 0 (docs/rtl.md).
    if (c.amax != 0 || c.compute_cycles != 0 || busy_pe_cycles(c) != 0 || c.m0 != 0 || c.shift != 0)
      QTA_FAIL("illegal descriptor ({}): completion reports amax {}, compute {}, busy-PE {}, m0 {}, shift {}; expected 0 "
               "for a rejected one", bad[i].what, c.amax, c.compute_cycles, busy_pe_cycles(c), c.m0, c.shift);
    run_coverage().hit(bad[i].bin);
    QTA_CHECK_EQ(int(c.id), int(d.id));
    ++errors;
    QTA_CHECK_EQ((co_await acc.status("error_count")), errors);
    QTA_CHECK_EQ((co_await acc.status("error")), uint64_t(c.error));
    // The next legal descriptor still runs and is correct.
    co_await acc.submit(base);
    const Completion ok = co_await acc.wait_done(acc.cycle_budget(3, 2, 4));
    QTA_CHECK_EQ(ok.error, 0u);
    expect_tensor_equal(fmt::format("after '{}'", bad[i].what), good.expected_acc(), co_await acc.read_output(0, 3, 2), dut);
  }
  QTA_CHECK_EQ((co_await acc.status("gemm_count")), uint64_t(bad.size()));
}

// The status registers read 0 straight after reset (run under +verilator+rand+reset+2 by qta
// verify, so a register without its reset reads a random value), and the global counters are the
// sums of the per-descriptor completion counters, which themselves follow the cost model.
QTA_TEST(status_registers_reset_and_counters_accumulate, .timeout = 5, .timeout_unit = harness::Unit::ms, .suites = {"smoke", "block"}) {
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  for (const char* r : {"error", "error_count", "gemm_count", "cycles", "compute", "busy_pe"})
    if (const uint64_t v = co_await acc.status(r); v != 0)
      QTA_FAIL("status register {} reads {} after reset, expected 0 (seed {}; reproduce: {})", r, v, dut.seed(),
               reproduce_command(dut));
  QTA_CHECK_EQ(acc.busy(), false);
  QTA_CHECK_EQ((co_await acc.status("queue_full")), uint64_t{0});
  const int64_t R = cfg->rows, C = cfg->cols;
  const perf::Array a = perf::array_of(cfg);
  uint64_t cycles = 0, compute = 0, busy = 0;
  int n = 0;
  // Two multi-tile GEMMs per supported dataflow, waited for one at a time.
  for (Dataflow d : supported(cfg))
    for (const auto& s : {std::array<int64_t, 3>{R + 1, C + 2, 3}, std::array<int64_t, 3>{2, C, R + 3}}) {
      GemmCase c = directed_gemm_case("counters", dut.seed() + uint64_t(n), s[0], s[1], s[2], Op::N, Op::N, d, Rounding::RNE);
      if (n % 2) c.multiplier = c.expected_out().m;  // both scale modes
      // ids with the top bit set: a latch that dropped bit 7 would report another id
      const GemmRun r = co_await check_case(acc, c, fmt::format("{} M={} N={} K={}", qta::to_string(d), s[0], s[1], s[2]),
                                            uint8_t(0x80 | (0x55 + n)));
      const perf::Gemm g{s[0], s[1], s[2]};
      QTA_CHECK_EQ(int64_t(r.done.cycles), perf::rtl_total_cycles(g, a, d, scale_mode_of(c)));
      QTA_CHECK_EQ(busy_pe_cycles(r.done), uint64_t(s[0] * s[1] * s[2]));
      cycles += r.done.cycles;
      compute += r.done.compute_cycles;
      busy += busy_pe_cycles(r.done);
      ++n;
      QTA_CHECK_EQ((co_await acc.status("gemm_count")), uint64_t(n));
      QTA_CHECK_EQ((co_await acc.status("cycles")), cycles);
      QTA_CHECK_EQ((co_await acc.status("compute")), compute);
      QTA_CHECK_EQ((co_await acc.status("busy_pe")), busy);
      QTA_CHECK_EQ((co_await acc.status("error_count")), uint64_t{0});
      QTA_CHECK_EQ((co_await acc.status("error")), uint64_t{0});
    }
}

// Range checks at their boundary: operands and results that end exactly on each buffer's last
// word are legal and bit-exact; one word further is rejected with the documented code. (An
// off-by-one in a range check passes every test that oversizes by more than a word.)
QTA_TEST(descriptors_at_the_buffer_edges, .timeout = 5, .timeout_unit = harness::Unit::ms, .suites = {"block"}) {
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  enum Code { A_RANGE = 4, B_RANGE = 5, OUT_RANGE = 6 };
  int id = 0;
  for (Dataflow d : supported(cfg))
    for (const auto& [ta, tb] : {std::pair{Op::N, Op::N}, std::pair{Op::T, Op::T}}) {
      const GemmCase c = directed_gemm_case("edges", dut.seed() + uint64_t(id), 3, 5, 4, ta, tb, d, Rounding::RNE);
      Descriptor e = acc.descriptor_for(c, uint8_t(++id));
      const int64_t mn = c.m * c.n;
      e.a_base = uint32_t(cfg->input_depth - c.a.size());
      e.b_base = uint32_t(cfg->weight_depth - c.b.size());
      e.q_base = uint32_t(cfg->output_depth - mn);
      e.c_base = uint32_t(cfg->output_depth - 2 * mn);
      const std::string ctx = fmt::format("{} A{} B{} at the buffer edges", qta::to_string(d), golden::op_name(ta), golden::op_name(tb));
      co_await acc.write_input(e.a_base, c.a);
      co_await acc.write_weight(e.b_base, c.b);
      co_await acc.submit(e);
      const Completion done = co_await acc.wait_done(acc.cycle_budget(c.m, c.n, c.k));
      if (done.error != 0) QTA_FAIL("{}: rejected with error {} (A ends at word {}, B at {}, Q at {})", ctx, done.error,
                                   int64_t(e.a_base) + c.a.size() - 1, int64_t(e.b_base) + c.b.size() - 1, cfg->output_depth - 1);
      expect_tensor_equal(ctx + " int32", c.expected_acc(), co_await acc.read_output(e.c_base, c.m, c.n), dut);
      expect_tensor_equal(ctx + " int8", c.expected_out().values, co_await acc.read_output(e.q_base, c.m, c.n), dut);
      run_coverage().hit("illegal.address_range");
      struct Past {
        const char* what;
        int code;
        Descriptor d;
      };
      std::vector<Past> past = {{"A one word past the input buffer", A_RANGE, e},
                                {"B one word past the weight buffer", B_RANGE, e},
                                {"Q one word past the output buffer", OUT_RANGE, e},
                                {"C overlapping Q by one word", OUT_RANGE, e}};
      past[0].d.a_base += 1;
      past[1].d.b_base += 1;
      past[2].d.q_base += 1;
      past[3].d.c_base += 1;
      for (auto& p : past) {
        p.d.id = uint8_t(++id);
        co_await acc.submit(p.d);
        const Completion r = co_await acc.wait_done(100);
        if (r.error != uint32_t(p.code))
          QTA_FAIL("{}, {}: error code {}, docs/rtl.md says {} (seed {}; reproduce: {})", ctx, p.what, r.error, p.code,
                   dut.seed(), reproduce_command(dut));
      }
    }
}

// Reset and the idle accelerator write nothing: every buffer, filled through the DPI-C backdoor
// before reset (as a loader might), reads back unchanged after reset and idle cycles. (A write
// enable without its reset, X-randomized at power-up, would write during reset.)
QTA_TEST(reset_and_idle_write_no_buffer, .timeout = 5, .timeout_unit = harness::Unit::ms, .suites = {"block"}) {
  if (!Accel::dpi_available()) QTA_SKIP("needs the DPI-C backdoor (a model built with QTA_DPI_BACKDOOR)");
  Accel acc(dut);
  std::vector<std::pair<Buffer, golden::MatI>> fill;
  for (Buffer b : {Buffer::Input, Buffer::Weight, Buffer::Output}) {
    golden::MatI x(1, acc.buffer_depth(b));
    uint64_t v = dut.seed() * 0x9e3779b97f4a7c15ull + uint64_t(b);
    const int w = acc.buffer_width(b);
    for (auto& e : x.data) {
      v = v * 6364136223846793005ull + 1442695040888963407ull;
      e = int32_t(int64_t(v >> 33) % (int64_t{1} << (w - 1)));
    }
    co_await acc.write_buffer(b, 0, x, Backdoor::Dpi);
    fill.emplace_back(b, std::move(x));
  }
  co_await acc.start();  // reset, then idle
  co_await harness::ClockCycles(acc.clk(), 20);
  for (const auto& [b, x] : fill)
    expect_tensor_equal(fmt::format("{} buffer after reset and 20 idle cycles", buffer_name(b)), x,
                        co_await acc.read_buffer(b, 0, 1, acc.buffer_depth(b), Backdoor::Dpi), dut);
}

QTA_TEST(queue_accepts_back_to_back_descriptors, .timeout = 5, .timeout_unit = harness::Unit::ms, .suites = {"block"}) {
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  const GemmCase c = directed_gemm_case("q", dut.seed(), cfg->rows, cfg->cols, 2, Op::N, Op::N, supported(cfg).front(), Rounding::RNE);
  co_await acc.write_input(0, c.a);
  co_await acc.write_weight(0, c.b);
  // Three descriptors writing to three output regions, submitted without waiting.
  const int64_t mn = c.m * c.n;
  for (uint8_t id = 1; id <= 3; ++id) {
    Descriptor d = acc.descriptor_for(c, id);
    d.c_base = uint32_t(2 * mn * (id - 1));
    d.q_base = d.c_base + uint32_t(mn);
    co_await acc.submit(d);
    // Accepted while the previous one is still running?
    if (id > 1 && acc.busy()) run_coverage().hit("queue.back_to_back");
  }
  for (uint8_t id = 1; id <= 3; ++id) {
    const Completion done = co_await acc.wait_done(acc.cycle_budget(c.m, c.n, c.k) * 3);
    QTA_CHECK_EQ(int(done.id), int(id));
    QTA_CHECK_EQ(done.error, 0u);
  }
  for (int i = 0; i < 3; ++i)
    expect_tensor_equal(fmt::format("descriptor {}", i + 1), c.expected_acc(),
                        co_await acc.read_output(uint32_t(2 * mn * i), c.m, c.n), dut);
  QTA_CHECK_EQ((co_await acc.status("gemm_count")), 3u);
  QTA_CHECK_EQ((co_await acc.status("busy_pe")), uint64_t(3 * c.m * c.n * c.k));
}

// Two stages (docs/rtl.md): the scheduler computes a descriptor while qta_finish requantizes the
// one before it. Five descriptors queued without waiting: a large output (a long requantization
// pass), a tiny GEMM behind it (its hand-over waits in FLUSH for qta_finish), one whose int32
// results overlap the tiny one's words (held in HOLD until they are requantized), and two more
// in disjoint regions. Every descriptor's cycles (done_cycles_o), the busy-cycle counter and
// each result, int32 and requantized, against perf::queue_timing and the golden model.
QTA_TEST(queue_overlaps_requantization_with_the_next_compute, .timeout = 20, .timeout_unit = harness::Unit::ms,
         .suites = {"smoke", "block"}) {
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  const int64_t R = cfg->rows, C = cfg->cols;
  const perf::Array arr = perf::array_of(cfg);
  const Dataflow df = supported(cfg).front();
  // Shapes sized to the configuration: the large one's requantization pass (big_m * 2C / L
  // cycles, L = requant_lanes) outlasts the tiny one's compute (about 2R + C cycles plus
  // control), so the tiny one's hand-over waits at every array size and lane count.
  const int64_t lanes = arr.finish_lanes();
  const int64_t big_m = ((2 * R + C + 48) * lanes + 2 * C - 1) / (2 * C) + 1;
  struct Item {
    int64_t m, n, k;
    bool overlap_previous;
  };
  const std::vector<Item> items = {
      {big_m, 2 * C, 2, false}, {1, 1, 1, false}, {2, 3, R + 1, true}, {R + 1, C + 2, 3, false}, {3, C, 2 * R, false}};
  std::vector<GemmCase> cases;
  std::vector<perf::QueuedGemm> model;
  std::vector<uint32_t> c_bases, q_bases;
  std::vector<Descriptor> descs;
  uint32_t next = 0, a_next = 0, b_next = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    GemmCase c = directed_gemm_case(fmt::format("queue{}", i), dut.seed() + i, it.m, it.n, it.k, Op::N, Op::N, df,
                                    Rounding::RNE);
    if (i == 3) c.multiplier = c.expected_out().m;  // one EXPLICIT in the mix
    const uint32_t mn = uint32_t(it.m * it.n);
    // The overlapping one writes its int32 results onto the previous descriptor's requantized copy.
    const uint32_t c_base = it.overlap_previous ? q_bases.back() : next;
    const uint32_t q_base = it.overlap_previous ? std::max(next, c_base + mn) : c_base + mn;
    next = std::max(next, std::max(c_base, q_base) + mn);
    c_bases.push_back(c_base);
    q_bases.push_back(q_base);
    Descriptor d = acc.descriptor_for(c, uint8_t(i + 1));
    d.a_base = a_next;
    d.b_base = b_next;
    d.c_base = c_base;
    d.q_base = q_base;
    descs.push_back(d);
    co_await acc.write_input(a_next, c.a);
    co_await acc.write_weight(b_next, c.b);
    a_next += uint32_t(c.a.rows * c.a.cols);
    b_next += uint32_t(c.b.rows * c.b.cols);
    if (next > uint32_t(cfg->output_depth) || a_next > uint32_t(cfg->input_depth) || b_next > uint32_t(cfg->weight_depth))
      QTA_FAIL("the queue test's operands do not fit this configuration's buffers (seed {})", dut.seed());
    model.push_back({{it.m, it.n, it.k}, df, scale_mode_of(c), it.overlap_previous});
    cases.push_back(std::move(c));
  }
  // The overlapping descriptor really overlaps: its results land on the words qta_finish writes.
  QTA_CHECK_EQ(c_bases[2], q_bases[1]);
  const uint64_t cycles_before = (co_await acc.status("cycles"));
  // Submitted back to back (submit() waits for room in the queue, so any queue depth works).
  for (const Descriptor& d : descs) co_await acc.submit(d);
  const perf::QueueTiming want = perf::queue_timing(model, arr);
  // The mix does what it is for on this configuration: descriptor 2's hand-over waits for
  // qta_finish, descriptor 3 waits in HOLD (each takes longer than alone).
  for (size_t i : {size_t{1}, size_t{2}})
    if (want.cycles[i] <= perf::rtl_total_cycles(model[i].gemm, arr, model[i].dataflow, model[i].scale))
      QTA_FAIL("descriptor {} would not wait on this configuration ({} cycles queued, as many alone): the test checks "
               "too little", i + 1, want.cycles[i]);
  std::vector<Completion> done;
  for (size_t i = 0; i < cases.size(); ++i) done.push_back(co_await acc.wait_done(acc.cycle_budget(big_m, 2 * C, R + 1) * 8));
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string ctx = fmt::format("descriptor {} ({}x{}x{} {}{})", i + 1, items[i].m, items[i].n, items[i].k,
                                        qta::to_string(df), items[i].overlap_previous ? ", overlapping the previous" : "");
    if (done[i].id != i + 1 || done[i].error != 0)
      QTA_FAIL("{}: completion {} with id {} error {}: the two stages must finish in order (seed {})", ctx, i + 1,
               int(done[i].id), int(done[i].error), dut.seed());
    if (int64_t(done[i].cycles) != want.cycles[i])
      QTA_FAIL("{}: {} cycles from CHECK to DONE, perf::queue_timing says {} (seed {}; reproduce: {})", ctx,
               done[i].cycles, want.cycles[i], dut.seed(), reproduce_command(dut));
  }
  int64_t serial = 0;
  for (const auto& q : model) serial += perf::rtl_total_cycles(q.gemm, arr, q.dataflow, q.scale);
  if (int64_t((co_await acc.status("cycles")) - cycles_before) != want.total)
    QTA_FAIL("the queue kept the accelerator busy {} cycles, perf::queue_timing says {} (serial: {}; seed {})",
             (co_await acc.status("cycles")) - cycles_before, want.total, serial, dut.seed());
  if (want.total >= serial) QTA_FAIL("the queue did not overlap anything: {} cycles, serial {}", want.total, serial);
  for (size_t i = 0; i < cases.size(); ++i) {
    // Descriptor 3 overwrote descriptor 2's requantized copy (by design): descriptor 2 is
    // checked below by what survives of it.
    if (i == 1) continue;
    const std::string ctx = fmt::format("descriptor {}", i + 1);
    expect_tensor_equal(ctx + " int32", cases[i].expected_acc(), co_await acc.read_output(c_bases[i], items[i].m, items[i].n),
                        dut);
    expect_tensor_equal(ctx + " int8", cases[i].expected_out().values,
                        co_await acc.read_output(q_bases[i], items[i].m, items[i].n), dut);
  }
  // Descriptor 2's int32 results are intact (nothing overlaps them), and its requantized copy
  // was complete before descriptor 3 overwrote it: the amax it reported is golden's.
  expect_tensor_equal("descriptor 2 int32", cases[1].expected_acc(), co_await acc.read_output(c_bases[1], 1, 1), dut);
  QTA_CHECK_EQ(done[1].amax, cases[1].expected_out().amax);
  run_coverage().hit("queue.two_stage_overlap");
  dut.log().info("5 descriptors back to back: {} cycles (serial {}), each = perf::queue_timing", want.total, serial);
}

}  // namespace qta::verif
