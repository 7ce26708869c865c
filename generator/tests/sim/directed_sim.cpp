// Directed simulation of the checked-in default RTL (rtl/default_8x8, 8x8 array): GEMMs issued as
// descriptors through the queue, operands loaded and results read through the buffer backdoors,
// every int32 and requantized int8 element compared with the golden model, the cycle counters
// compared with the cost formula (docs/interfaces.md section 4, docs/rtl.md).
//
// Reproduce one case: QTA_SEED=<seed> build/generator/tests/gen_directed_sim --gtest_filter=<test>
#include <gtest/gtest.h>
#include <verilated.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "Vqta_top.h"
#include "qta/golden/gemm.h"
#include "qta/golden/matrix.h"
#include "qta/golden/requant.h"
#include "qta/perf/perf.h"

namespace {

// Command line for Verilator (+verilator+rand+reset+2 randomizes every register and memory at
// time 0, which shows any dependence on initial values).
int g_argc = 0;
char** g_argv = nullptr;

using qta::golden::MatI;
using qta::golden::Op;
using qta::golden::Rounding;

constexpr int kRows = 8, kCols = 8, kQ = 8, kAccWidth = 32;
constexpr uint64_t kTimeoutCycles = 200000;

uint64_t test_seed() {
  const char* s = std::getenv("QTA_SEED");
  return s ? std::strtoull(s, nullptr, 0) : 20260101ull;
}

// Uniform integers in [-127, 127] from the golden model's portable RNG.
MatI random_int8(int64_t rows, int64_t cols, qta::golden::Rng& rng) {
  MatI m(rows, cols);
  for (auto& v : m.data) v = static_cast<int32_t>(rng.next_u64() % 255) - 127;
  return m;
}

struct Desc {
  uint8_t id = 0;
  int m = 0, n = 0, k = 0;
  uint32_t a_base = 0, lda = 0, b_base = 0, ldb = 0, c_base = 0, q_base = 0;
  bool a_trans = false, b_trans = false;
  int dataflow = 0;  // 0 WS, 1 OS, 2 AUTO, 3 invalid
  int rounding = 0;  // 0 RNE, 1 SR
  uint32_t m0 = 0, shift = 0, sr_seed = 0;
};

struct Done {
  int id = 0, error = 0;
  bool os = false;
  uint32_t cycles = 0, compute_cycles = 0;
  uint64_t busy_pe_cycles = 0;
  uint32_t amax = 0;
};

class Dut {
 public:
  Dut() : ctx_(std::make_unique<VerilatedContext>()) {
    if (g_argc > 0) ctx_->commandArgs(g_argc, g_argv);
    top_ = std::make_unique<Vqta_top>(ctx_.get(), "top");
    top_->clk_i = 0;
    top_->rst_ni = 0;
    idle_inputs();
    for (int i = 0; i < 4; ++i) tick();
    top_->rst_ni = 1;
    tick();
  }
  ~Dut() { top_->final(); }

  // Every input at a defined value (with +verilator+rand+reset+2 they start random).
  void idle_inputs() {
    top_->desc_valid_i = 0;
    issue_fields(Desc{});
    top_->bd_in_we_i = top_->bd_wt_we_i = top_->bd_out_we_i = 0;
    top_->bd_in_addr_i = top_->bd_wt_addr_i = top_->bd_out_addr_i = 0;
    top_->bd_in_wdata_i = top_->bd_wt_wdata_i = 0;
    top_->bd_out_wdata_i = 0;
  }

  void tick() {
    top_->clk_i = 0;
    top_->eval();
    top_->clk_i = 1;
    top_->eval();
    ++cycle_;
    if (top_->done_o) done_.push_back(read_done());
  }

  void write_input(uint32_t addr, int32_t v) {
    top_->bd_in_we_i = 1;
    top_->bd_in_addr_i = addr;
    top_->bd_in_wdata_i = static_cast<uint8_t>(v);
    tick();
    top_->bd_in_we_i = 0;
  }
  void write_weight(uint32_t addr, int32_t v) {
    top_->bd_wt_we_i = 1;
    top_->bd_wt_addr_i = addr;
    top_->bd_wt_wdata_i = static_cast<uint8_t>(v);
    tick();
    top_->bd_wt_we_i = 0;
  }
  int32_t read_output(uint32_t addr) {
    top_->bd_out_addr_i = addr;
    top_->eval();
    return static_cast<int32_t>(top_->bd_out_rdata_o);
  }

  // Stored matrix (row-major, row stride ld) into a buffer.
  void load_input(const MatI& m, uint32_t base, uint32_t ld) {
    for (int64_t r = 0; r < m.rows; ++r)
      for (int64_t c = 0; c < m.cols; ++c) write_input(base + r * ld + c, m(r, c));
  }
  void load_weight(const MatI& m, uint32_t base, uint32_t ld) {
    for (int64_t r = 0; r < m.rows; ++r)
      for (int64_t c = 0; c < m.cols; ++c) write_weight(base + r * ld + c, m(r, c));
  }
  MatI read_matrix(uint32_t base, int64_t rows, int64_t cols) {
    MatI m(rows, cols);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) m(r, c) = read_output(base + r * cols + c);
    return m;
  }

  // Pushes one descriptor through the valid/ready queue.
  void issue(const Desc& d) {
    top_->desc_valid_i = 1;
    issue_fields(d);
    top_->eval();
    for (uint64_t i = 0; !top_->desc_ready_o; ++i) {
      if (i > kTimeoutCycles) throw std::runtime_error("descriptor queue never became ready");
      tick();
    }
    tick();
    top_->desc_valid_i = 0;
  }

  void issue_fields(const Desc& d) {
    top_->desc_id_i = d.id;
    top_->desc_m_i = d.m;
    top_->desc_n_i = d.n;
    top_->desc_k_i = d.k;
    top_->desc_a_base_i = d.a_base;
    top_->desc_lda_i = d.lda;
    top_->desc_a_trans_i = d.a_trans;
    top_->desc_b_base_i = d.b_base;
    top_->desc_ldb_i = d.ldb;
    top_->desc_b_trans_i = d.b_trans;
    top_->desc_c_base_i = d.c_base;
    top_->desc_q_base_i = d.q_base;
    top_->desc_dataflow_i = d.dataflow;
    top_->desc_rounding_i = d.rounding;
    top_->desc_m0_i = d.m0;
    top_->desc_shift_i = d.shift;
    top_->desc_sr_seed_i = d.sr_seed;
  }

  // Waits for the completion of descriptor `id`; nullopt on timeout.
  std::optional<Done> wait_done(int id) {
    for (uint64_t i = 0; i < kTimeoutCycles; ++i) {
      for (size_t j = 0; j < done_.size(); ++j)
        if (done_[j].id == id) {
          Done d = done_[j];
          done_.erase(done_.begin() + static_cast<long>(j));
          tick();  // the status registers take the completion one cycle after done_o
          return d;
        }
      tick();
    }
    return std::nullopt;
  }

  Vqta_top& top() { return *top_; }
  uint64_t cycle() const { return cycle_; }

 private:
  Done read_done() {
    Done d;
    d.id = top_->done_id_o;
    d.error = top_->done_error_o;
    d.os = top_->done_os_o;
    d.cycles = top_->done_cycles_o;
    d.compute_cycles = top_->done_compute_cycles_o;
    d.busy_pe_cycles = top_->done_busy_pe_cycles_o;
    d.amax = top_->done_amax_o;
    return d;
  }

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vqta_top> top_;
  std::vector<Done> done_;
  uint64_t cycle_ = 0;
};

// First element where got != want, as text; empty when equal.
std::string first_mismatch(const MatI& got, const MatI& want, const char* what) {
  for (int64_t r = 0; r < want.rows; ++r)
    for (int64_t c = 0; c < want.cols; ++c)
      if (got(r, c) != want(r, c)) {
        std::ostringstream s;
        s << what << " first mismatch at (" << r << ", " << c << "): rtl " << got(r, c) << ", golden "
          << want(r, c);
        return s.str();
      }
  return {};
}

struct GemmCase {
  int m, n, k;
  bool a_trans = false, b_trans = false;
  int dataflow = 0;
  Rounding rounding = Rounding::RNE;
  uint32_t lda_pad = 0, ldb_pad = 0;
};

// Runs one GEMM on the RTL and compares everything with the golden model.
void run_gemm_case(const GemmCase& g, uint64_t seed) {
  SCOPED_TRACE("seed " + std::to_string(seed) + " (reproduce: QTA_SEED=" + std::to_string(seed) + ")");
  qta::golden::Rng rng(seed);
  const Op op_a = g.a_trans ? Op::T : Op::N, op_b = g.b_trans ? Op::T : Op::N;
  const MatI a = g.a_trans ? random_int8(g.k, g.m, rng) : random_int8(g.m, g.k, rng);
  const MatI b = g.b_trans ? random_int8(g.n, g.k, rng) : random_int8(g.k, g.n, rng);
  const uint32_t sr_seed = static_cast<uint32_t>(rng.next_u64() | 1u);
  const MatI acc = qta::golden::gemm_int(a, op_a, b, op_b, kQ, kAccWidth);
  const auto want = qta::golden::requantize(acc, kQ, g.rounding, sr_seed);

  Dut dut;
  Desc d;
  d.id = 7;
  d.m = g.m, d.n = g.n, d.k = g.k;
  d.a_base = 5;
  d.lda = static_cast<uint32_t>(a.cols) + g.lda_pad;
  d.b_base = 3;
  d.ldb = static_cast<uint32_t>(b.cols) + g.ldb_pad;
  d.a_trans = g.a_trans, d.b_trans = g.b_trans;
  d.c_base = 16;
  d.q_base = 16 + static_cast<uint32_t>(g.m * g.n) + 9;
  d.dataflow = g.dataflow;
  d.rounding = static_cast<int>(g.rounding);
  d.m0 = static_cast<uint32_t>(want.m.m0);
  d.shift = static_cast<uint32_t>(want.m.n);
  d.sr_seed = sr_seed;
  dut.load_input(a, d.a_base, d.lda);
  dut.load_weight(b, d.b_base, d.ldb);
  dut.issue(d);
  const auto done = dut.wait_done(d.id);
  ASSERT_TRUE(done.has_value()) << "no completion within " << kTimeoutCycles << " cycles";
  ASSERT_EQ(done->error, 0) << "descriptor rejected with error " << done->error;

  const MatI got_acc = dut.read_matrix(d.c_base, g.m, g.n);
  const MatI got_q = dut.read_matrix(d.q_base, g.m, g.n);
  EXPECT_EQ(first_mismatch(got_acc, acc, "int32 result"), "");
  EXPECT_EQ(first_mismatch(got_q, want.values, "requantized int8"), "")
      << "m0 " << want.m.m0 << " n " << want.m.n << " rounding " << d.rounding << " sr_seed " << sr_seed;
  EXPECT_EQ(done->amax, static_cast<uint32_t>(want.amax)) << "quantizer amax";

  const qta::perf::Array arr{kRows, kCols};
  const qta::perf::Gemm gm{g.m, g.n, g.k};
  const auto expected_df = g.dataflow == 2 ? qta::perf::auto_dataflow(gm, arr)
                                           : (g.dataflow == 1 ? qta::perf::Dataflow::OS : qta::perf::Dataflow::WS);
  EXPECT_EQ(done->os, expected_df == qta::perf::Dataflow::OS) << "dataflow chosen by the scheduler";
  const int64_t formula = expected_df == qta::perf::Dataflow::OS ? qta::perf::os_cycles(gm, arr)
                                                                 : qta::perf::ws_cycles(gm, arr);
  EXPECT_EQ(done->compute_cycles, static_cast<uint32_t>(formula)) << "array cycles vs the section 4 formula";
  EXPECT_EQ(done->cycles, static_cast<uint32_t>(qta::perf::rtl_total_cycles(gm, arr, expected_df)))
      << "cycles from CHECK to DONE";
  EXPECT_EQ(done->busy_pe_cycles, static_cast<uint64_t>(g.m) * g.n * g.k) << "busy PE cycles = useful MACs";
  EXPECT_EQ(dut.top().busy_pe_cycle_count_o, static_cast<uint64_t>(g.m) * g.n * g.k);
  EXPECT_EQ(dut.top().gemm_count_o, 1u);
}

TEST(DirectedSim, Ws8x8x8MatchesGolden) { run_gemm_case({8, 8, 8, false, false, 0}, test_seed()); }
TEST(DirectedSim, Os8x8x8MatchesGolden) { run_gemm_case({8, 8, 8, false, false, 1}, test_seed()); }
TEST(DirectedSim, Ws8x8x8StochasticRoundingMatchesGolden) {
  run_gemm_case({8, 8, 8, false, false, 0, Rounding::SR}, test_seed() + 1);
}
TEST(DirectedSim, Os8x8x8StochasticRoundingMatchesGolden) {
  run_gemm_case({8, 8, 8, false, false, 1, Rounding::SR}, test_seed() + 2);
}
// Several tiles with ragged edges, transposed operands and padded strides.
TEST(DirectedSim, WsTiledTransposedMatchesGolden) {
  run_gemm_case({13, 11, 19, true, true, 0, Rounding::RNE, 3, 2}, test_seed() + 3);
}
TEST(DirectedSim, OsTiledTransposedMatchesGolden) {
  run_gemm_case({13, 11, 19, true, false, 1, Rounding::SR, 0, 5}, test_seed() + 4);
}
// A LoRA-like thin GEMM (N = r = 4) and a long reduction; AUTO picks by the formula.
TEST(DirectedSim, AutoThinOutputMatchesGolden) { run_gemm_case({20, 4, 24, false, false, 2}, test_seed() + 5); }
TEST(DirectedSim, AutoLongReductionMatchesGolden) { run_gemm_case({9, 4, 40, true, false, 2}, test_seed() + 6); }

// Random shapes (1..20 per dimension, so 1 to 3 tiles with ragged edges), transposes, strides,
// dataflows and rounding modes; every case prints its parameters on failure.
TEST(DirectedSim, RandomShapesMatchGolden) {
  const uint64_t seed = test_seed() + 100;
  qta::golden::Rng rng(seed);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng.next_u64() % static_cast<uint64_t>(hi - lo + 1)); };
  for (int i = 0; i < 40; ++i) {
    GemmCase g{pick(1, 20), pick(1, 20), pick(1, 20), pick(0, 1) == 1, pick(0, 1) == 1, pick(0, 2),
               pick(0, 1) ? Rounding::SR : Rounding::RNE, static_cast<uint32_t>(pick(0, 3)),
               static_cast<uint32_t>(pick(0, 3))};
    const uint64_t case_seed = seed * 1000 + static_cast<uint64_t>(i);
    SCOPED_TRACE("case " + std::to_string(i) + ": M " + std::to_string(g.m) + " N " + std::to_string(g.n) + " K " +
                 std::to_string(g.k) + " a_trans " + std::to_string(g.a_trans) + " b_trans " +
                 std::to_string(g.b_trans) + " dataflow " + std::to_string(g.dataflow) + " rounding " +
                 std::to_string(static_cast<int>(g.rounding)));
    run_gemm_case(g, case_seed);
    if (::testing::Test::HasFailure()) break;  // the first failing case is the one to debug
  }
}

// An illegal descriptor sets the error status; the next one in the queue still completes.
TEST(DirectedSim, IllegalDescriptorSetsErrorAndQueueContinues) {
  const uint64_t seed = test_seed() + 7;
  SCOPED_TRACE("seed " + std::to_string(seed));
  qta::golden::Rng rng(seed);
  const MatI a = random_int8(8, 8, rng), b = random_int8(8, 8, rng);
  const MatI acc = qta::golden::gemm_int(a, Op::N, b, Op::N, kQ, kAccWidth);
  const auto want = qta::golden::requantize(acc, kQ, Rounding::RNE, 1);
  Dut dut;
  dut.load_input(a, 0, 8);
  dut.load_weight(b, 0, 8);

  Desc good;
  good.m = good.n = good.k = 8;
  good.lda = good.ldb = 8;
  good.c_base = 0;
  good.q_base = 64;
  good.m0 = static_cast<uint32_t>(want.m.m0);
  good.shift = static_cast<uint32_t>(want.m.n);

  struct Bad {
    const char* what;
    Desc d;
    int code;
  };
  std::vector<Bad> bad;
  auto make = [&](const char* what, int code, auto edit) {
    Desc d = good;
    edit(d);
    bad.push_back({what, d, code});
  };
  make("zero K", 1, [](Desc& d) { d.k = 0; });
  make("lda smaller than a row", 3, [](Desc& d) { d.lda = 4; });
  make("A outside the input buffer", 4, [](Desc& d) { d.a_base = 4096 - 10; });
  make("B outside the weight buffer", 5, [](Desc& d) { d.b_base = 5000; });
  make("output regions overlap", 6, [](Desc& d) { d.q_base = 10; });
  make("dataflow code 3", 7, [](Desc& d) { d.dataflow = 3; });
  make("SR with seed 0", 9, [](Desc& d) { d.rounding = 1; d.sr_seed = 0; });
  make("m0 below 2^30", 10, [](Desc& d) { d.m0 = 12345; });

  uint8_t id = 1;
  for (auto& b : bad) {
    b.d.id = id++;
    dut.issue(b.d);
  }
  good.id = id;
  dut.issue(good);
  for (const auto& b : bad) {
    const auto done = dut.wait_done(b.d.id);
    ASSERT_TRUE(done.has_value()) << b.what << ": no completion (hang)";
    EXPECT_EQ(done->error, b.code) << b.what;
    EXPECT_EQ(done->cycles, 2u) << b.what << ": a rejected descriptor takes CHECK + DONE";
  }
  const auto done = dut.wait_done(good.id);
  ASSERT_TRUE(done.has_value()) << "the legal descriptor after the illegal ones never completed";
  EXPECT_EQ(done->error, 0);
  EXPECT_EQ(first_mismatch(dut.read_matrix(0, 8, 8), acc, "int32 result"), "");
  EXPECT_EQ(first_mismatch(dut.read_matrix(64, 8, 8), want.values, "requantized int8"), "");
  EXPECT_EQ(dut.top().status_error_o, 10u) << "status register holds the last error code";
  EXPECT_EQ(dut.top().error_count_o, bad.size());
  EXPECT_EQ(dut.top().gemm_count_o, 1u);
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  g_argc = argc;
  g_argv = argv;
  std::printf("gen_directed_sim: seed %llu (set QTA_SEED to change)\n",
              static_cast<unsigned long long>(test_seed()));
  return RUN_ALL_TESTS();
}
