// The host runtime against the golden model: planning (what fits, how a GEMM is split, what is
// refused), GEMMs through the runtime on the golden device bit-exact with golden::run_gemm_step
// (single descriptors and split ones, every transpose, both roundings), whole training steps of
// both blocks bit-exact with the golden engine, and the configuration checks. Failures print the
// seed and the shape.
#include <gtest/gtest.h>

#include "qta/cli.h"
#include "qta/golden/gemm.h"
#include "qta/golden/quant.h"
#include "qta/runtime/runtime.h"
#include "qta/runtime/train.h"

namespace qta::runtime {
namespace {

using golden::MatI;
using golden::Op;
using golden::QTensor;

gen::Config config_with(int rows, int cols, int64_t in, int64_t wt, int64_t out) {
  gen::ConfigFields f;
  f.rows = rows;
  f.cols = cols;
  f.input_depth = in;
  f.weight_depth = wt;
  f.output_depth = out;
  return gen::Config::validate(f);
}

QTensor random_q(int64_t rows, int64_t cols, golden::Rng& rng) {
  return golden::quantize(golden::random_normal(rows, cols, 1.0, rng), 8);
}

TEST(Plan, AGemmThatFitsIsOneDescriptor) {
  const gen::Config cfg;  // 8x8, 4096 / 4096 / 8192
  const GemmPlan p = plan_gemm("g", 64, 48, 32, cfg, true);
  EXPECT_TRUE(p.single);
  EXPECT_EQ(p.tiles(), 1);
  EXPECT_EQ(p.predicted_cycles, predicted_descriptor_cycles({64, 48, 32}, cfg, true));
}

TEST(Plan, AGemmThatDoesNotFitIsSplitIntoTilesThatFit) {
  const gen::Config with_groups;  // the 8x8 defaults: col_groups 4, WSC runs N <= 2; row_groups 2, WSR K <= 4
  gen::ConfigFields f;
  f.col_groups = 1;
  f.row_groups = 1;
  const gen::Config no_groups = gen::Config::validate(f);
  ASSERT_EQ(with_groups->col_groups, 4);
  ASSERT_EQ(with_groups->row_groups, 2);
  // SD v1.5 level3 to_k's X W on the 8x8 defaults: A 77 x 768 and B 768 x 1280 exceed 4096 words.
  for (const gen::Config* c : {&no_groups, &with_groups})
  for (const auto& [m, n, k] : {std::tuple{77, 1280, 768}, std::tuple{768, 4, 77}, std::tuple{4096, 320, 320}}) {
    const gen::Config& cfg = *c;
    const GemmPlan p = plan_gemm("g", m, n, k, cfg, true);
    SCOPED_TRACE(testing::Message() << m << "x" << n << "x" << k << ", col_groups " << cfg->col_groups
                                    << ", row_groups " << cfg->row_groups);
    EXPECT_FALSE(p.single);
    EXPECT_LE(p.mt * p.kt, cfg->input_depth);
    EXPECT_LE(p.kt * p.nt, cfg->weight_depth);
    EXPECT_LE(2 * p.mt * p.nt, cfg->output_depth);
    EXPECT_GE(p.tiles_m * p.mt, m);
    EXPECT_GE(p.tiles_n * p.nt, n);
    EXPECT_GE(p.tiles_k * p.kt, k);
    EXPECT_LT((p.tiles_m - 1) * p.mt, m);
    // Without column or row groups, never cheaper than the unsplit GEMM would be on unlimited
    // buffers. With them it can be: tiles of N <= cols / col_groups run on WSC (768x4x77 on 8x8:
    // tiles of N = 2 take 4884 cycles, the unsplit N = 4 on WS 8092), tiles of K <= rows /
    // row_groups on WSR.
    if (cfg->col_groups == 1 && cfg->row_groups == 1) {
      EXPECT_GE(p.predicted_cycles, predicted_descriptor_cycles({m, n, k}, cfg, false));
    }
  }
}

TEST(Plan, KBeyondTheAccumulatorBoundIsRefusedEvenAfterSplitting) {
  gen::ConfigFields f;
  f.acc_width = 16;  // max K = floor(32767 / 127^2) = 2
  const gen::Config cfg = gen::Config::validate(f);
  ASSERT_EQ(cfg.max_k(), 2);
  try {
    plan_gemm("fwd_xw", 64, 48, 32, cfg, true);
    FAIL() << "K = 32 was planned on a 16-bit accumulator";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("fwd_xw: K = 32 cannot run even after splitting"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("K <= 2"), std::string::npos) << e.what();
    // The limit names the configuration's fields it comes from (issue 28).
    EXPECT_NE(std::string(e.what()).find("with acc_width = 16 and data_width = 8 of the configuration"),
              std::string::npos)
        << e.what();
  }
}

// Every GEMM through the runtime equals the golden model's, bit for bit, on buffers that force
// splits along M, N and K and on buffers where it fits.
TEST(Runtime, GemmsOnTheGoldenDeviceEqualTheGoldenModel) {
  const gen::Config tiny = config_with(4, 4, 64, 64, 64);
  const gen::Config roomy;
  for (const gen::Config* cfg : {&tiny, &roomy})
    for (uint64_t seed = 1; seed <= 6; ++seed) {
      golden::Rng rng(seed);
      const int64_t m = 1 + int64_t(rng.next_u64() % 40), n = 1 + int64_t(rng.next_u64() % 40),
                    k = 1 + int64_t(rng.next_u64() % 60);
      const Op oa = seed % 2 ? Op::T : Op::N, ob = seed % 3 ? Op::N : Op::T;
      const QTensor a = oa == Op::N ? random_q(m, k, rng) : random_q(k, m, rng);
      const QTensor b = ob == Op::N ? random_q(k, n, rng) : random_q(n, k, rng);
      golden::QuantConfig qc;
      qc.seed = seed;
      const golden::Rounding r = seed % 2 ? golden::Rounding::SR : golden::Rounding::RNE;
      const auto device = make_golden_device(*cfg);
      Runtime rt(*device, qc);
      const golden::GemmStep got = rt.run("g", "a", a, oa, "b", b, ob, "c", 0.5, r, qc);
      const golden::GemmStep ref = golden::run_gemm_step("g", "a", a, oa, "b", b, ob, "c", 0.5, r, qc);
      SCOPED_TRACE(testing::Message() << "seed " << seed << ": " << m << "x" << n << "x" << k << " A" << op_name(oa)
                                      << " B" << op_name(ob) << " on buffers " << (*cfg)->input_depth);
      EXPECT_EQ(got.acc, ref.acc);
      EXPECT_EQ(got.out.values, ref.out.values);
      EXPECT_EQ(got.out.amax, ref.out.amax);
      EXPECT_TRUE(got.out.m == ref.out.m);
      EXPECT_EQ(got.out_scale, ref.out_scale);
      EXPECT_EQ(got.sr_seed, ref.sr_seed);
      if (cfg == &tiny && m * k > 64) EXPECT_GT(rt.stats().descriptors, 1);
      if (cfg == &roomy) EXPECT_EQ(rt.stats().descriptors, 1);
    }
}

TrainSpec small_spec(Block block) {
  TrainSpec s;
  s.block = block;
  s.steps = 3;
  s.seed = 7;
  s.lora.shape = {24, 20, 12, 3, 3};
  return s;
}

// Whole training steps through the runtime (split GEMMs on small buffers) against the golden
// engine: loss, every GEMM, every tensor and the updated factors bit-identical.
TEST(Runtime, TrainingStepsOfBothBlocksEqualTheGoldenEngine) {
  for (const Block block : {Block::Lora, Block::Attention}) {
    const TrainSpec spec = small_spec(block);
    const auto device = make_golden_device(config_with(4, 4, 128, 128, 128));
    Runtime rt(*device, spec.quant());
    Trainer got(spec), ref(spec);
    for (int i = 0; i < spec.steps; ++i) {
      const golden::IntStepRecord a = got.step(rt), b = ref.step(golden::golden_engine());
      EXPECT_EQ(first_difference(a, got, b, ref), "") << block_name(block) << " step " << i + 1 << " seed " << spec.seed;
      EXPECT_EQ(step_digest(a, got), step_digest(b, ref));
    }
    EXPECT_GT(rt.stats().split_gemms, 0) << "the small buffers should have forced splits";
  }
}

TEST(Runtime, FirstDifferenceFindsAFlippedBit) {
  const TrainSpec spec = small_spec(Block::Lora);
  Trainer t1(spec), t2(spec);
  golden::IntStepRecord a = t1.step(golden::golden_engine());
  const golden::IntStepRecord b = t2.step(golden::golden_engine());
  ASSERT_EQ(first_difference(a, t1, b, t2), "");
  a.steps[4].out.values.data[3] ^= 1;
  const std::string d = first_difference(a, t1, b, t2);
  EXPECT_NE(d.find("GEMM bwd_dywt requantized dx0: element 3"), std::string::npos) << d;
  EXPECT_NE(step_digest(a, t1), step_digest(b, t2));
}

TEST(Runtime, AConfigurationWithoutANeededModeIsRefused) {
  gen::ConfigFields f;
  f.rounding = gen::RoundingModes::RNE;
  const gen::Config rne_only = gen::Config::validate(f);
  golden::QuantConfig qc;  // backward GEMMs use SR
  try {
    check_compatible(rne_only, qc, "wide16");
    FAIL() << "SR accepted by an RNE-only configuration";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--bwd-rounding = sr"), std::string::npos) << e.what();
  }
  qc.bwd_rounding = golden::Rounding::RNE;
  EXPECT_NO_THROW(check_compatible(rne_only, qc, "wide16"));
  qc.q = 6;
  EXPECT_THROW(check_compatible(rne_only, qc, "wide16"), UsageError);
}

TEST(GoldenDevice, RejectsADescriptorBeyondItsBuffersLikeTheScheduler) {
  const auto device = make_golden_device(config_with(4, 4, 64, 64, 64));
  DeviceDescriptor d;
  d.m = 8;
  d.n = 4;
  d.k = 9;  // A: 72 words > 64
  d.lda = 9;
  d.ldb = 4;
  d.q_base = 32;
  EXPECT_EQ(device->run(d).error, 4);  // A_RANGE
  d.k = 8;
  d.lda = 8;
  EXPECT_EQ(device->run(d).error, 0);
}

// WSC (dataflow code 3) runs where the configuration has column groups and N fits one group,
// else error 7 like the scheduler; AUTO picks among WS, OS and WSC as the RTL's qta_auto does.
TEST(GoldenDevice, RunsWscWhereNFitsAColumnGroupAndAutoPicksLikeTheRtl) {
  const gen::Config cfg;  // 8x8, col_groups 4: WSC runs N <= 2
  const auto device = make_golden_device(cfg);
  DeviceDescriptor d;
  d.m = 16;
  d.n = 2;
  d.k = 8;
  d.lda = 8;
  d.ldb = 2;
  d.q_base = 64;
  const perf::Gemm g{16, 2, 8};
  // WS 8 + 16 + 8 + 8 - 1 = 39; WSC: Mg = 4, 8 + 4 + 8 + 2 - 1 = 21; OS 2 tiles of 31 = 62.
  ASSERT_EQ(perf::auto_dataflow(g, perf::array_of(cfg), true, true), Dataflow::WSC);
  for (const Dataflow df : {Dataflow::WSC, Dataflow::AUTO}) {
    d.dataflow = uint32_t(df);
    const DeviceCompletion c = device->run(d);
    EXPECT_EQ(c.error, 0u) << to_string(df);
    EXPECT_NE(ran(c), Dataflow::OS) << "WSC is a WS variant";
    EXPECT_EQ(c.compute_cycles, 21u) << to_string(df);
    EXPECT_EQ(c.cycles, uint64_t(perf::rtl_total_cycles(g, perf::array_of(cfg), Dataflow::WSC, perf::ScaleMode::Explicit)));
  }
  d.dataflow = uint32_t(Dataflow::WSC);
  d.n = 3;  // beyond cols / col_groups
  d.ldb = 3;
  EXPECT_EQ(device->run(d).error, 7);
  gen::ConfigFields f;
  f.col_groups = 1;
  const gen::Config no_groups = gen::Config::validate(f);
  d.n = 2;
  d.ldb = 2;
  EXPECT_EQ(make_golden_device(no_groups)->run(d).error, 7) << "no column groups, no WSC";
  // The runtime never forces WSC on every descriptor (AUTO picks it where it fits).
  EXPECT_THROW(check_dataflow(cfg, Dataflow::WSC), UsageError);
  EXPECT_NO_THROW(check_dataflow(cfg, Dataflow::AUTO));
}

// The message of a refused dataflow, or "" if check_dataflow accepts it.
std::string refusal(const gen::Config& cfg, Dataflow d) {
  try {
    check_dataflow(cfg, d);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

// WSR (dataflow code 4) runs where the configuration has row groups and K fits one group, else
// error 7 like the scheduler, and so do codes 5..7; AUTO picks among WS, OS, WSC and WSR as the
// RTL's qta_auto does (a thin-K GEMM on WSR), and the results are the golden GEMM's whatever it
// picks.
TEST(GoldenDevice, RunsWsrWhereKFitsARowGroupAndAutoPicksLikeTheRtl) {
  const gen::Config cfg;  // 8x8, row_groups 2: WSR runs K <= 4; col_groups 4: WSC N <= 2
  ASSERT_EQ(cfg->row_groups, 2);
  const perf::Array arr = perf::array_of(cfg);
  const auto device = make_golden_device(cfg);
  golden::Rng rng(7);
  const MatI a = random_q(16, 4, rng).values, b = random_q(4, 8, rng).values;
  device->write(BufferKind::Input, 0, a);
  device->write(BufferKind::Weight, 0, b);
  DeviceDescriptor d;
  d.m = 16;
  d.n = 8;
  d.k = 4;
  d.lda = 4;
  d.ldb = 8;
  d.q_base = 128;
  d.dynamic_scale = 1;
  const perf::Gemm g{16, 8, 4};
  // WS 8 + 16 + 8 + 8 - 1 = 39; WSR: Mg = 8, 8 + 8 + 8 + 8 - 1 = 31; OS 2 tiles of 27 = 54; WSC
  // does not fit (N = 8 > 2).
  ASSERT_EQ(perf::wsr_cycles(g, arr), 31);
  ASSERT_EQ(perf::auto_dataflow(g, arr, true, true), Dataflow::WSR);
  const MatI want = golden::gemm_int(a, Op::N, b, Op::N, 8, 32);
  for (const Dataflow df : {Dataflow::WSR, Dataflow::AUTO}) {
    d.dataflow = uint32_t(df);
    const DeviceCompletion c = device->run(d);
    EXPECT_EQ(c.error, 0u) << to_string(df);
    EXPECT_NE(ran(c), Dataflow::OS) << "WSR is a WS variant";
    EXPECT_EQ(c.compute_cycles, 31u) << to_string(df);
    EXPECT_EQ(c.cycles, uint64_t(perf::rtl_total_cycles(g, arr, Dataflow::WSR, perf::ScaleMode::Dynamic)))
        << to_string(df);
    EXPECT_EQ(device->read(BufferKind::Output, 0, 16, 8), want) << to_string(df);
  }
  // K one deeper than a row group: WSR is rejected, AUTO runs WS (39 cycles; OS 2 tiles of 28).
  d.k = 5;
  d.lda = 5;
  d.dataflow = uint32_t(Dataflow::WSR);
  EXPECT_EQ(device->run(d).error, 7) << "K = 5 > rows / row_groups = 4";
  d.dataflow = uint32_t(Dataflow::AUTO);
  EXPECT_EQ(device->run(d).error, 0);
  EXPECT_EQ(device->run(d).compute_cycles, uint64_t(perf::ws_cycles({16, 8, 5}, arr)));
  // Codes 5, 6, 7 of the 3-bit field: error 7, whatever the shape.
  d.k = 4;
  d.lda = 4;
  for (int code : {5, 6, 7}) {
    d.dataflow = uint32_t(Dataflow(code));
    const DeviceCompletion c = device->run(d);
    EXPECT_EQ(c.error, 7u) << "code " << code;
    EXPECT_EQ(c.cycles, 2u) << "code " << code;
  }
  // No row groups, no WSR.
  gen::ConfigFields f;
  f.row_groups = 1;
  const gen::Config no_groups = gen::Config::validate(f);
  d.dataflow = uint32_t(Dataflow::WSR);
  EXPECT_EQ(make_golden_device(no_groups)->run(d).error, 7) << "no row groups, no WSR";
  d.dataflow = uint32_t(Dataflow::AUTO);
  const DeviceCompletion without = make_golden_device(no_groups)->run(d);
  EXPECT_EQ(without.error, 0u);
  EXPECT_EQ(without.compute_cycles, uint64_t(perf::ws_cycles(g, arr))) << "AUTO without row groups: WS";
  // The runtime never forces WSR on every descriptor (AUTO picks it where it fits); the message
  // says why, for a configuration with row groups and for one without.
  const std::string with_msg = refusal(cfg, Dataflow::WSR), without_msg = refusal(no_groups, Dataflow::WSR);
  EXPECT_NE(with_msg.find("K <= rows / row_groups = 4"), std::string::npos) << with_msg;
  EXPECT_NE(with_msg.find("valid: auto, ws, os"), std::string::npos) << with_msg;
  EXPECT_NE(without_msg.find("no row groups"), std::string::npos) << without_msg;
  EXPECT_NE(refusal(cfg, Dataflow(5)).find("code 5 is no dataflow"), std::string::npos) << refusal(cfg, Dataflow(5));
  EXPECT_EQ(refusal(cfg, Dataflow::AUTO), "");
  EXPECT_EQ(refusal(cfg, Dataflow::WS), "");
}

// Thin-K GEMMs (K = a LoRA rank) through the runtime with AUTO on a configuration with row groups:
// bit for bit golden::run_gemm_step's, one descriptor each, AUTO's choice (WSR for some) in the
// compute cycles and the device's cycles what the plan predicted.
TEST(Runtime, AutoWithRowGroupsRunsThinKGemmsOnWsr) {
  const gen::Config cfg;  // 8x8, row_groups 2: rank 4 fits a row group
  const auto device = make_golden_device(cfg);
  int64_t on_wsr = 0;
  for (const auto& [m, n, k] : {std::tuple{64, 48, 4}, std::tuple{64, 32, 4}, std::tuple{9, 20, 3}})
    on_wsr += perf::auto_dataflow({m, n, k}, perf::array_of(cfg), true, true) == Dataflow::WSR;
  ASSERT_GT(on_wsr, 0) << "none of the thin-K shapes picks WSR: the test checks nothing about it";
  golden::Rng rng(11);
  golden::QuantConfig qc;
  qc.seed = 11;
  Runtime rt(*device, qc);
  for (const auto& [m, n, k] : {std::tuple{64, 48, 4}, std::tuple{64, 32, 4}, std::tuple{9, 20, 3}}) {
    const QTensor a = random_q(m, k, rng), b = random_q(k, n, rng);
    const golden::GemmStep want =
        golden::run_gemm_step("g", "a", a, Op::N, "b", b, Op::N, "c", 1.0, golden::Rounding::RNE, qc);
    rt.reset_stats();
    const golden::GemmStep got = rt.run("g", "a", a, Op::N, "b", b, Op::N, "c", 1.0, golden::Rounding::RNE, qc);
    SCOPED_TRACE(testing::Message() << m << "x" << n << "x" << k);
    EXPECT_EQ(got.acc, want.acc);
    EXPECT_EQ(got.out.values, want.out.values);
    EXPECT_EQ(rt.stats().descriptors, 1);
    EXPECT_EQ(int64_t(rt.stats().cycles), rt.stats().predicted_cycles);
    EXPECT_EQ(int64_t(rt.stats().compute_cycles),
              perf::compute_cycles({m, n, k}, perf::array_of(cfg),
                                   perf::auto_dataflow({m, n, k}, perf::array_of(cfg), true, true)));
  }
}

}  // namespace
}  // namespace qta::runtime
