// The LoRA layer: FP32 gradients against finite differences; the quantized step's GEMM list
// (names, shapes, transposes as in docs/interfaces.md section 3) and its error against FP32;
// the cross-attention block; bad shapes.
#include <gtest/gtest.h>

#include <cmath>

#include "qta/cli.h"
#include "qta/golden/attention.h"
#include "qta/golden/gemm.h"
#include "qta/golden/lora.h"
#include "qta/golden/workloads.h"

using namespace qta::golden;

namespace {
// L = sum(Y .* R): dL/dY = R.
double loss_with(const LoraParams& p, const MatF& x, const MatF& r, double s) {
  const MatF y = lora_forward_fp32(p, x, s).y;
  double l = 0;
  for (size_t i = 0; i < y.data.size(); ++i) l += double(y.data[i]) * r.data[i];
  return l;
}

// Central differences over every element of `m`, compared with the analytic gradient.
void expect_matches_finite_differences(const char* what, MatF& m, const MatF& analytic,
                                       const std::function<double()>& loss) {
  const float eps = 1e-2f;
  MatF numeric(m.rows, m.cols);
  for (size_t i = 0; i < m.data.size(); ++i) {
    const float keep = m.data[i];
    m.data[i] = keep + eps;
    const double up = loss();
    m.data[i] = keep - eps;
    const double down = loss();
    m.data[i] = keep;
    numeric.data[i] = float((up - down) / (2.0 * eps));
  }
  EXPECT_LT(relative_error(analytic, numeric), 1e-3) << what;
}
}  // namespace

TEST(LoraFp32, GradientsMatchFiniteDifferences) {
  const LoraShape sh{5, 6, 7, 3, 6};
  Rng rng(5);
  LoraParams p = random_lora_params(sh, rng);
  MatF x = random_normal(sh.tokens, sh.d_in, 1.0, rng);
  const MatF r = random_normal(sh.tokens, sh.d_out, 1.0, rng);
  const double s = sh.s();
  const LoraGrads g = lora_backward_fp32(p, x, lora_forward_fp32(p, x, s), r, s);
  auto loss = [&] { return loss_with(p, x, r, s); };
  expect_matches_finite_differences("dX", x, g.dx, loss);
  expect_matches_finite_differences("dA", p.a, g.da, loss);
  expect_matches_finite_differences("dB", p.b, g.db, loss);
}

TEST(LoraQuant, StepsAreTheContractsGemmsWithTheirShapesAndTransposes) {
  const LoraShape sh{64, 32, 48, 4, 4};
  Rng rng(1);
  const LoraParams p = random_lora_params(sh, rng);
  const MatF x = random_normal(sh.tokens, sh.d_in, 1.0, rng);
  const MatF dy = random_normal(sh.tokens, sh.d_out, 0.01, rng);
  const LoraQuantStep q = lora_step_quantized(p, x, dy, sh.s(), QuantConfig{});
  struct Want {
    const char* name;
    int64_t m, n, k;
    Op op_a, op_b;
  };
  const Want want[] = {{"fwd_xw", 64, 48, 32, Op::N, Op::N},  {"fwd_xa", 64, 4, 32, Op::N, Op::N},
                       {"fwd_hbt", 64, 48, 4, Op::N, Op::T},  {"bwd_dyb", 64, 4, 48, Op::N, Op::N},
                       {"bwd_dywt", 64, 32, 48, Op::N, Op::T}, {"bwd_gat", 64, 32, 4, Op::N, Op::T},
                       {"bwd_xtg", 32, 4, 64, Op::T, Op::N},  {"bwd_dytht", 48, 4, 64, Op::T, Op::N}};
  ASSERT_EQ(q.steps.size(), std::size(want));
  for (size_t i = 0; i < q.steps.size(); ++i) {
    const GemmStep& st = q.steps[i];
    EXPECT_EQ(st.name, want[i].name);
    EXPECT_EQ(st.m, want[i].m) << st.name;
    EXPECT_EQ(st.n, want[i].n) << st.name;
    EXPECT_EQ(st.k, want[i].k) << st.name;
    EXPECT_EQ(st.op_a, want[i].op_a) << st.name;
    EXPECT_EQ(st.op_b, want[i].op_b) << st.name;
    EXPECT_EQ(st.acc, gemm_int(st.a.values, st.op_a, st.b.values, st.op_b)) << st.name;
    EXPECT_EQ(st.out.values, requantize(st.acc, 8, st.rounding, st.sr_seed).values) << st.name;
    EXPECT_EQ(st.rounding, st.name.rfind("fwd", 0) == 0 ? Rounding::RNE : Rounding::SR) << st.name;
  }
}

TEST(LoraQuant, Int8ResultsAreCloseToFp32AndWiderOperandsAreCloser) {
  const LoraShape sh{64, 32, 48, 4, 4};
  Rng rng(1);
  const LoraParams p = random_lora_params(sh, rng);
  const MatF x = random_normal(sh.tokens, sh.d_in, 1.0, rng);
  const MatF dy = random_normal(sh.tokens, sh.d_out, 0.01, rng);
  const LoraForward f = lora_forward_fp32(p, x, sh.s());
  const LoraGrads g = lora_backward_fp32(p, x, f, dy, sh.s());
  auto errors = [&](int q) {
    QuantConfig c;
    c.q = q;
    const LoraQuantStep r = lora_step_quantized(p, x, dy, sh.s(), c);
    return std::array<double, 4>{relative_error(r.y, f.y), relative_error(r.dx, g.dx), relative_error(r.da, g.da),
                                 relative_error(r.db, g.db)};
  };
  const auto e8 = errors(8), e12 = errors(12);
  const char* names[] = {"Y", "dX", "dA", "dB"};
  for (int i = 0; i < 4; ++i) {
    EXPECT_LT(e8[size_t(i)], 0.08) << names[i] << " at q = 8";
    EXPECT_LT(e12[size_t(i)], e8[size_t(i)] / 4) << names[i] << " at q = 12 vs q = 8";
  }
}

TEST(LoraShape, BadShapesNameTheFieldAndTheValidRange) {
  auto message = [](LoraShape s) {
    try {
      s.validate();
    } catch (const qta::UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  // The rank's upper limit comes from the widths: the message names the one that sets it.
  EXPECT_EQ(message({64, 32, 48, 0, 4}),
            "rank = 0 is out of range; valid: 1..32 (at most --d-in = 32, the smaller of --d-in and --d-out)");
  EXPECT_EQ(message({64, 32, 48, 33, 4}),
            "rank = 33 is out of range; valid: 1..32 (at most --d-in = 32, the smaller of --d-in and --d-out)");
  EXPECT_EQ(message({64, 8, 3, 4, 4}),
            "rank = 4 is out of range; valid: 1..3 (at most --d-out = 3, the smaller of --d-in and --d-out)");
  EXPECT_EQ(message({64, 3, 3, 4, 4}),
            "rank = 4 is out of range; valid: 1..3 (at most --d-in = --d-out = 3, the smaller of --d-in and --d-out)");
  EXPECT_EQ(message({0, 32, 48, 4, 4}), "tokens = 0 is out of range; valid: 1..65536");
  EXPECT_EQ(message({64, 0, 48, 4, 4}), "d_in = 0 is out of range; valid: 1..65536");
  EXPECT_NE(message({64, 32, 48, 4, -1}).find("alpha = -1"), std::string::npos);
  EXPECT_EQ(message({64, 32, 48, 4, 4}), "no error");
}

TEST(AttentionShape, RankLimitNamesTheWidthThatSetsIt) {
  auto message = [](AttentionShape s) {
    try {
      s.validate();
    } catch (const qta::UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  // {tokens, d_model, ctx_tokens, d_ctx, heads, rank, alpha}
  EXPECT_EQ(message({16, 8, 77, 48, 2, 9, 4}), "rank = 9 is out of range; valid: 1..8 (at most --d-model = 8)");
  EXPECT_EQ(message({16, 32, 77, 6, 2, 7, 4}),
            "rank = 7 is out of range; valid: 1..6 (at most --d-ctx = 6, the smaller of --d-ctx and --d-model)");
}

TEST(Attention, QuantizedBlockTracksFp32AndRunsEveryProjectionAndHead) {
  const AttentionShape sh{16, 32, 77, 48, 2, 4, 4};
  Rng rng(9);
  const AttentionParams p = random_attention_params(sh, rng);
  const MatF x = random_normal(sh.tokens, sh.d_model, 1.0, rng);
  const MatF ctx = random_normal(sh.ctx_tokens, sh.d_ctx, 1.0, rng);
  const MatF ref = attention_forward_fp32(p, x, ctx, sh).out;
  const AttentionQuantResult q = attention_forward_quantized(p, x, ctx, sh, QuantConfig{});
  EXPECT_EQ(q.steps.size(), 4u * 3 + 2u * 2);  // 3 GEMMs per LoRA projection, 2 per head
  EXPECT_EQ(q.steps[9].name, "attn.h0.qkt");
  EXPECT_EQ(q.steps[9].k, 16);  // head dim
  EXPECT_EQ(q.steps[9].n, 77);  // context tokens
  EXPECT_EQ(q.steps[9].op_b, Op::T);
  EXPECT_EQ(q.steps[10].name, "attn.h0.pv");
  EXPECT_EQ(q.steps[10].k, 77);
  EXPECT_LT(relative_error(q.out, ref), 0.1);
  EXPECT_THROW(attention_forward_fp32(p, x, ctx, AttentionShape{16, 32, 77, 48, 3, 4, 4}), qta::UsageError);
}

TEST(Workloads, StableDiffusionCrossAttentionTable) {
  const auto w = sd15_cross_attention_workloads();
  ASSERT_EQ(w.size(), 16u);
  int layers = 0;
  for (const auto& l : w) {
    layers += l.count;
    if (l.name.find("to_k") != std::string::npos) {
      EXPECT_EQ(l.tokens, 77);
      EXPECT_EQ(l.d_in, 768);
    }
  }
  EXPECT_EQ(layers, 64);  // 16 cross-attention blocks x 4 projections
  EXPECT_EQ(w[0].tokens, 4096);
  EXPECT_EQ(w[0].d_in, 320);
}
