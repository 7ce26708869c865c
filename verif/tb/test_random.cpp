// Constrained-random GEMMs: shapes from one to several tiles with the LoRA-thin class weighted up,
// value distributions (uniform, +-qmax, zeros, sparse, heavy-tailed), dataflows including AUTO
// (and WSC and WSR where the configuration has column or row groups),
// rounding modes and transposes; every case reproducible from the test seed. Samples functional
// coverage, then closes the cross bins the random cases missed with one directed case each.
// $QTA_RANDOM_CASES sets the number of random cases (default 1000).
#include <cstdlib>
#include <fmt/format.h>

#include "accel.h"
#include "qta/perf/perf.h"
#include "tb_coverage.h"

namespace qta::verif {
namespace {

// One finished case against the golden model (int32 = acc, the case's expected_acc(); int8,
// amax, the multiplier used: derived on chip for DYNAMIC cases), then its coverage sample. Also
// the completion's counters against the cost model (docs/interfaces.md section 4): AUTO's
// choice, total cycles (with the scale mode's cost) and busy-PE cycles, on every random shape.
void check_and_sample(const GemmCase& c, const golden::MatI& acc, const GemmRun& r, const std::string& ctx,
                      const Capacity& cap, const gen::Config& cfg, harness::Dut& dut) {
  if (r.done.error) QTA_FAIL("{}: rejected with error {}", ctx, r.done.error);
  const golden::Requantized want = c.expected_out(acc);
  expect_tensor_equal(ctx + " int32", acc, r.acc, dut);
  expect_tensor_equal(ctx + " int8", want.values, r.out, dut);
  if (r.done.amax != want.amax) QTA_FAIL("{}: amax {} from the RTL, golden {}", ctx, r.done.amax, want.amax);
  if (r.done.m0 != uint32_t(want.m.m0) || r.done.shift != uint32_t(want.m.n))
    QTA_FAIL("{}: {} scale: the RTL used m0 = {}, shift = {}; golden m0 = {}, shift = {} (amax {}; seed {}; reproduce: {})",
             ctx, perf::scale_mode_name(scale_mode_of(c)), r.done.m0, r.done.shift, want.m.m0, want.m.n, want.amax,
             dut.seed(), reproduce_command(dut));
  const perf::Gemm g{c.m, c.n, c.k};
  const perf::Array a = perf::array_of(cfg);
  const Dataflow ran = hostif::ran(r.done);
  const Dataflow model = perf::auto_dataflow(g, a, cfg.supports_ws(), cfg.supports_os());
  if (c.dataflow == Dataflow::AUTO && ran != model)
    QTA_FAIL("{}: AUTO chose {}, the cost model {} (WS {} cycles, OS {}, WSC {}, WSR {}; seed {}; reproduce: {})", ctx,
             qta::to_string(ran), qta::to_string(model), perf::ws_cycles(g, a), perf::os_cycles(g, a),
             perf::wsc_fits(g, a) ? fmt::format("{}", perf::wsc_cycles(g, a)) : std::string("does not fit"),
             perf::wsr_fits(g, a) ? fmt::format("{}", perf::wsr_cycles(g, a)) : std::string("does not fit"), dut.seed(),
             reproduce_command(dut));
  if (c.dataflow != Dataflow::AUTO && ran != c.dataflow)
    QTA_FAIL("{}: ran {}, the descriptor asked for {} (seed {}; reproduce: {})", ctx, qta::to_string(ran),
             qta::to_string(c.dataflow), dut.seed(), reproduce_command(dut));
  const perf::ScaleMode sm = scale_mode_of(c);
  if (int64_t(r.done.cycles) != perf::rtl_total_cycles(g, a, ran, sm))
    QTA_FAIL("{}: {} cycles from the RTL, the cost model {} ({} scale; seed {}; reproduce: {})", ctx, r.done.cycles,
             perf::rtl_total_cycles(g, a, ran, sm), perf::scale_mode_name(sm), dut.seed(), reproduce_command(dut));
  if (busy_pe_cycles(r.done) != uint64_t(c.m * c.n * c.k))
    QTA_FAIL("{}: {} busy-PE cycles, M*N*K = {}", ctx, busy_pe_cycles(r.done), c.m * c.n * c.k);
  run_coverage().sample_gemm(c, ran, want, acc, cap);
}

}  // namespace

QTA_TEST(random_gemms, .timeout = 2000, .timeout_unit = harness::Unit::ms, .suites = {"random"}) {
  Accel acc(dut);
  co_await acc.start();
  // Every register access with random VALID delays on AW, W and AR and random, toggling READY on
  // B and R (the AXI4-Lite checker watches every cycle).
  acc.set_bus_delays({.max_valid_delay = 3, .max_ready_delay = 3, .ready_toggle = true});
  const auto& cfg = acc.config();
  const char* env = std::getenv("QTA_RANDOM_CASES");
  const int cases = env ? std::atoi(env) : 1000;
  std::vector<Dataflow> flows;
  if (cfg.supports_ws()) flows.push_back(Dataflow::WS);
  if (cfg.supports_os()) flows.push_back(Dataflow::OS);
  if (cfg.supports_wsc()) flows.push_back(Dataflow::WSC);  // random_gemm_case keeps N <= C/G for it
  if (cfg.supports_wsr()) flows.push_back(Dataflow::WSR);  // and K <= R/GR for this one
  if (cfg.supports_ws() && (cfg.supports_os() || cfg.supports_wsc() || cfg.supports_wsr()))
    flows.push_back(Dataflow::AUTO);
  Capacity cap = capacity(cfg);
  // Keep each case small enough for a quick run: a few tiles per dimension.
  cap.input_depth = std::min<int64_t>(cap.input_depth, 24 * cfg->rows * cfg->rows);
  cap.weight_depth = std::min<int64_t>(cap.weight_depth, 24 * cfg->rows * cfg->cols);
  cap.output_depth = std::min<int64_t>(cap.output_depth, 32 * cfg->rows * cfg->cols);
  for (int i = 0; i < cases; ++i) {
    const uint64_t case_seed = uint64_t(dut.seed()) * 1000003ull + uint64_t(i);
    GemmCase c = random_gemm_case(case_seed, cap, flows);
    if (!cfg.supports_sr()) c.rounding = golden::Rounding::RNE;
    if (!cfg.supports_rne()) c.rounding = golden::Rounding::SR;
    // Every fourth case EXPLICIT, with the multiplier a host would compute from the golden
    // result; the others DYNAMIC (the accelerator derives it). The golden GEMM once per case:
    // it is the costliest part of the check.
    const golden::MatI want_acc = c.expected_acc();
    if (case_seed % 4 == 3) c.multiplier = c.expected_out(want_acc).m;
    const GemmRun r = co_await acc.run_case(c);
    check_and_sample(c, want_acc, r, fmt::format("random case {} of {}: {}", i + 1, cases, c.describe()), cap, cfg, dut);
  }
  dut.log().info("{} random GEMMs bit-exact; AXI4-Lite command overhead {:.1f} bus cycles per descriptor with random "
                 "delays ({} register writes and {} reads in all)",
                 cases, double(acc.submit_bus_cycles()) / double(std::max<uint64_t>(acc.submitted(), 1)),
                 acc.bus().writes(), acc.bus().reads());

  // Coverage closure: every cross bin (dataflow x shape class x transposes x rounding) the
  // random cases left empty gets one directed case, with a shape drawn from the same
  // generator until it falls in the bin's class. Reproducible from the test seed.
  std::vector<golden::Rounding> roundings;
  if (cfg.supports_rne()) roundings.push_back(golden::Rounding::RNE);
  if (cfg.supports_sr()) roundings.push_back(golden::Rounding::SR);
  int closed = 0;
  uint64_t draw = uint64_t(dut.seed()) * 1000003ull + uint64_t(cases);
  for (Dataflow df : {Dataflow::WS, Dataflow::OS}) {
    if ((df == Dataflow::WS && !cfg.supports_ws()) || (df == Dataflow::OS && !cfg.supports_os())) continue;
    for (int sc = 0; sc < kShapeClasses; ++sc)
      for (golden::Op a : {golden::Op::N, golden::Op::T})
        for (golden::Op b : {golden::Op::N, golden::Op::T})
          for (golden::Rounding rnd : roundings) {
            if (run_coverage().cross_count(df, ShapeClass(sc), a, b, rnd) > 0) continue;
            GemmCase shape;
            bool found = false;
            for (int tries = 0; tries < 20000 && !found; ++tries) {
              shape = random_gemm_shape(++draw, cap, {df});
              found = shape.shape_class == ShapeClass(sc);
            }
            if (!found) {
              dut.log().warn("coverage closure: no {} shape fits this configuration's buffers", shape_class_name(ShapeClass(sc)));
              continue;
            }
            GemmCase c = directed_gemm_case(fmt::format("closure_{}", draw), draw, shape.m, shape.n, shape.k, a, b, df,
                                            rnd, cap.q, shape.distribution);
            const GemmRun r = co_await acc.run_case(c);
            check_and_sample(c, c.expected_acc(), r, "coverage-closure case: " + c.describe(), cap, cfg, dut);
            ++closed;
          }
  }
  dut.log().info("coverage closure: {} directed GEMMs for cross bins the random cases missed, all bit-exact", closed);
}

}  // namespace qta::verif
