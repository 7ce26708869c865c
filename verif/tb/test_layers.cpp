// Layer by layer: every GEMM step of a LoRA layer's forward and backward pass, and of a
// cross-attention block, runs on the RTL through descriptors; each intermediate tensor (int32 and
// requantized) is compared bit for bit with the golden model. Outputs of earlier steps that later
// steps consume (H, G, attention scores' inputs) are taken from the RTL, not from the golden model.
// Every descriptor is DYNAMIC: the multiplier of each step is derived by the accelerator and
// checked against the golden step's.
#include <fmt/format.h>

#include <map>

#include "accel.h"
#include "qta/golden/attention.h"
#include "qta/golden/lora.h"
#include "tb_coverage.h"

namespace qta::verif {
namespace {

using harness::Task;

// Runs the golden steps in order on the RTL. `rtl_tensors` collects every RTL output by name; an
// operand produced by an earlier step is fed from it, so errors would propagate as in hardware.
Task<> run_steps_on_rtl(Accel& acc, const std::string& layer, const std::vector<golden::GemmStep>& steps) {
  std::map<std::string, golden::MatI> rtl_tensors;
  const auto& cfg = acc.config();
  for (const golden::GemmStep& st : steps) {
    GemmCase c;
    c.name = layer + "." + st.name;
    c.seed = acc.dut().seed();
    c.m = st.m;
    c.n = st.n;
    c.k = st.k;
    c.op_a = st.op_a;
    c.op_b = st.op_b;
    c.rounding = st.rounding;
    c.sr_seed = st.sr_seed;
    // AUTO where the configuration has a choice (WS, OS, WSC, WSR: the thin LoRA steps may run on
    // column or row groups), else its one dataflow.
    c.dataflow = cfg.dataflows().size() > 1 ? Dataflow::AUTO : cfg.dataflows().front();
    c.a = rtl_tensors.count(st.a_name) ? rtl_tensors[st.a_name] : st.a.values;
    c.b = rtl_tensors.count(st.b_name) ? rtl_tensors[st.b_name] : st.b.values;
    // No multiplier: a DYNAMIC descriptor, the accelerator derives it from its own result.
    const std::string ctx = fmt::format("layer {} step {} ({}x{}x{}, A{} B{})", layer, st.name, st.m, st.n, st.k,
                                        golden::op_name(st.op_a), golden::op_name(st.op_b));
    const GemmRun r = co_await acc.run_case(c);
    if (r.done.error) QTA_FAIL("{}: rejected with error {}", ctx, r.done.error);
    expect_tensor_equal(ctx + " int32 " + st.out_name, st.acc, r.acc, acc.dut());
    expect_tensor_equal(ctx + " int8 " + st.out_name, st.out.values, r.out, acc.dut());
    if (r.done.amax != st.out.amax) QTA_FAIL("{}: amax {} from the RTL, golden {}", ctx, r.done.amax, st.out.amax);
    if (r.done.m0 != uint32_t(st.out.m.m0) || r.done.shift != uint32_t(st.out.m.n))
      QTA_FAIL("{}: the RTL derived m0 = {}, shift = {}; the golden step's multiplier is m0 = {}, n = {}", ctx, r.done.m0,
               r.done.shift, st.out.m.m0, st.out.m.n);
    run_coverage().sample_gemm(c, hostif::ran(r.done), st.out, st.acc, capacity(cfg));
    acc.dut().log().info("{}: {} elements bit-exact, {} cycles ({})", ctx, st.m * st.n, r.done.cycles,
                         qta::to_string(hostif::ran(r.done)));
    rtl_tensors[st.out_name] = r.out;
  }
}

}  // namespace

QTA_TEST(lora_layer_forward_backward_bit_exact, .timeout = 100, .timeout_unit = harness::Unit::ms, .suites = {"smoke", "layer"}) {
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  // Thin LoRA shapes relative to the array: rank below the array, widths across several tiles.
  const golden::LoraShape sh{2 * cfg->rows + 3, cfg->rows + 5, 2 * cfg->cols + 1, std::max<int64_t>(1, cfg->cols / 2), 4};
  golden::Rng rng(dut.seed());
  const golden::LoraParams p = golden::random_lora_params(sh, rng);
  const golden::MatF x = golden::random_normal(sh.tokens, sh.d_in, 1.0, rng);
  const golden::MatF dy = golden::random_normal(sh.tokens, sh.d_out, 0.01, rng);
  golden::QuantConfig qc;
  qc.seed = dut.seed();
  if (!cfg.supports_sr()) qc.bwd_rounding = golden::Rounding::RNE;
  if (!cfg.supports_rne()) qc.fwd_rounding = golden::Rounding::SR;
  const golden::LoraQuantStep golden_step = golden::lora_step_quantized(p, x, dy, sh.s(), qc);
  co_await run_steps_on_rtl(acc, fmt::format("lora(N={},d_in={},d_out={},r={})", sh.tokens, sh.d_in, sh.d_out, sh.rank),
                            golden_step.steps);
  // The host interface's cost with no bus delays: bus cycles of the submissions (the DESC_* words
  // that changed, DOORBELL) and of taking the completions (STATUS, CPL_*, CPL_POP, INTR_STATE).
  const double n = double(std::max<uint64_t>(acc.submitted(), 1));
  dut.log().info("AXI4-Lite command overhead without bus delays: {:.1f} bus cycles to submit a descriptor, {:.1f} in all "
                 "per descriptor with taking its completion ({} descriptors, {} register writes, {} reads)",
                 double(acc.submit_bus_cycles()) / n, double(acc.bus().bus_cycles()) / n, acc.submitted(),
                 acc.bus().writes(), acc.bus().reads());
}

QTA_TEST(cross_attention_block_bit_exact, .timeout = 200, .timeout_unit = harness::Unit::ms, .suites = {"layer"}) {
  Accel acc(dut);
  co_await acc.start();
  const auto& cfg = acc.config();
  // The 77-token text context of Stable Diffusion, narrow widths to keep the run short.
  const golden::AttentionShape sh{cfg->rows + 2, 16, 77, 24, 2, 2, 2};
  golden::Rng rng(dut.seed());
  const golden::AttentionParams p = golden::random_attention_params(sh, rng);
  const golden::MatF x = golden::random_normal(sh.tokens, sh.d_model, 1.0, rng);
  const golden::MatF ctx = golden::random_normal(sh.ctx_tokens, sh.d_ctx, 1.0, rng);
  golden::QuantConfig qc;
  qc.seed = dut.seed();
  if (!cfg.supports_rne()) qc.fwd_rounding = golden::Rounding::SR;
  const golden::AttentionQuantResult g = golden::attention_forward_quantized(p, x, ctx, sh, qc);
  co_await run_steps_on_rtl(acc, "cross_attention", g.steps);
}

}  // namespace qta::verif
