// The host interface through qta_top's AXI4-Lite port (hostif/host_if.json, docs/host_if.md):
// every register at its documented offset and reset value, RW registers with byte strobes,
// SLVERR for accesses that cannot be done (and nothing changed by them), the interrupt, the
// doorbell's back-pressure while the queue is full and the completion FIFO's while the host does
// not take completions, and the command overhead of a submission.
#include <fmt/format.h>

#include <map>
#include <random>

#include "accel.h"
#include "qta/gen/config.h"
#include "qta/perf/perf.h"

namespace qta::verif {
namespace {

using harness::kAxiOkay;
using harness::kAxiSlvErr;

// The value a register field reads right after reset, as the description states it: RW and W1C
// their reset value, constants their value for this configuration, everything the hardware
// drives 0 (idle, nothing counted, the completion FIFO empty).
uint32_t reset_value(const hostif::FieldInfo& f, const gen::Config& cfg) {
  const std::string access = f.access, value = f.value;
  if (access == "RW" || access == "W1C") return f.reset;
  if (value.empty()) return 0;
  if (value == "version") return hostif::kVersion;
  if (value == "spec_hash") return hostif::kHash;
  if (value == "support_ws") return cfg.supports_ws();
  if (value == "support_os") return cfg.supports_os();
  if (value == "support_rne") return cfg.supports_rne();
  if (value == "support_sr") return cfg.supports_sr();
  if (const gen::ConfigField* cf = gen::find_field(value)) return uint32_t(cf->get(cfg.fields()).get<int64_t>());
  return uint32_t(std::stoul(value, nullptr, 0));
}

// Expected whole words: offset -> value (fields OR-ed in), and which words are readable.
std::map<uint32_t, uint32_t> reset_words(const gen::Config& cfg, std::map<uint32_t, std::string>* access) {
  std::map<uint32_t, uint32_t> words;
  for (const hostif::FieldInfo& f : hostif::kFields) {
    words[f.offset] |= (reset_value(f, cfg) & hostif::Field{f.offset, f.lsb, f.width}.mask()) << f.lsb;
    if (access) (*access)[f.offset] = f.access;
  }
  return words;
}

}  // namespace

QTA_TEST(host_if_every_register_reads_its_reset_value_at_its_offset, .timeout = 1, .timeout_unit = harness::Unit::ms,
         .suites = {"smoke", "block"}) {
  Accel acc(dut);
  co_await acc.start(/*monitor=*/false);  // nothing written: every register as reset left it
  std::map<uint32_t, std::string> access;
  const auto words = reset_words(acc.config(), &access);
  int checked = 0;
  for (const auto& [offset, want] : words) {
    const auto [got, resp] = co_await acc.read_reg_resp(offset);
    if (access[offset] == "WO") {
      if (resp != kAxiSlvErr)
        QTA_FAIL("read of write-only register 0x{:03X}: {} (expected SLVERR)", offset, harness::axi_resp_name(resp));
      continue;
    }
    if (resp != kAxiOkay) QTA_FAIL("read of 0x{:03X}: {}", offset, harness::axi_resp_name(resp));
    if (got != want)
      QTA_FAIL("register 0x{:03X} reads 0x{:08X} after reset; the description (docs/host_if.md) says 0x{:08X} "
               "(seed {}; reproduce: {})",
               offset, got, want, dut.seed(), reproduce_command(dut));
    ++checked;
  }
  QTA_CHECK_EQ(co_await acc.read_reg(hostif::reg::ID), 0x51544131u);
  // Every word of the address space that the description does not map answers SLVERR.
  int unmapped = 0;
  for (uint32_t offset = 0; offset < (1u << hostif::kAddrBits); offset += 4) {
    if (words.count(offset)) continue;
    const auto [got, resp] = co_await acc.read_reg_resp(offset);
    if (resp != kAxiSlvErr || got != 0)
      QTA_FAIL("read of unmapped 0x{:03X}: {} with data 0x{:08X} (expected SLVERR, 0)", offset,
               harness::axi_resp_name(resp), got);
    ++unmapped;
  }
  dut.log().info("{} registers read their reset values, {} unmapped words answer SLVERR", checked, unmapped);
}

QTA_TEST(host_if_rw_registers_take_byte_strobes_and_bad_writes_change_nothing, .timeout = 2,
         .timeout_unit = harness::Unit::ms, .suites = {"smoke", "block"}) {
  Accel acc(dut);
  co_await acc.start(/*monitor=*/false);
  std::map<uint32_t, std::string> access;
  std::map<uint32_t, uint32_t> mask;  // the bits fields occupy
  for (const hostif::FieldInfo& f : hostif::kFields) {
    access[f.offset] = f.access;
    mask[f.offset] |= hostif::Field{f.offset, f.lsb, f.width}.put(0xffffffffu);
  }
  std::mt19937_64 rng(dut.seed());
  std::map<uint32_t, uint32_t> held = reset_words(acc.config(), nullptr);
  for (int round = 0; round < 4; ++round)
    for (const auto& [offset, a] : access) {
      if (a != "RW") continue;
      const uint32_t data = uint32_t(rng()), strb = uint32_t(rng() & 0xf);
      QTA_CHECK_EQ(co_await acc.write_reg(offset, data, strb), uint32_t(kAxiOkay));
      uint32_t bytes = 0;
      for (int b = 0; b < 4; ++b)
        if (strb >> b & 1) bytes |= 0xffu << (8 * b);
      held[offset] = (held[offset] & ~(bytes & mask[offset])) | (data & bytes & mask[offset]);
      const uint32_t got = co_await acc.read_reg(offset);
      if (got != held[offset])
        QTA_FAIL("register 0x{:03X} after writing 0x{:08X} with strobes {:04b}: reads 0x{:08X}, expected 0x{:08X} "
                 "(seed {}; reproduce: {})",
                 offset, data, strb, got, held[offset], dut.seed(), reproduce_command(dut));
    }
  // Writes that cannot be done: read-only and unmapped words answer SLVERR and change nothing.
  for (const auto& [offset, a] : access) {
    if (a != "RO") continue;
    const uint32_t before = co_await acc.read_reg(offset);
    const uint32_t resp = co_await acc.write_reg(offset, ~before);
    if (resp != kAxiSlvErr)
      QTA_FAIL("write to read-only register 0x{:03X}: {} (expected SLVERR)", offset, harness::axi_resp_name(resp));
    if (hostif::reg::CYCLES_LO <= offset && offset <= hostif::reg::BUSY_PE_HI) continue;  // counters may move
    QTA_CHECK_EQ(co_await acc.read_reg(offset), before);
  }
  for (uint32_t offset : {0x03Cu, 0x068u, 0x0FCu})
    if (!access.count(offset)) QTA_CHECK_EQ(co_await acc.write_reg(offset, 0xffffffffu), uint32_t(kAxiSlvErr));
  // Nothing was queued by any of it: no descriptor ran.
  QTA_CHECK_EQ(co_await acc.status("gemm_count"), uint64_t{0});
  QTA_CHECK_EQ(co_await acc.status("error_count"), uint64_t{0});
  QTA_CHECK(!hostif::cpl_valid(co_await acc.read_reg(hostif::reg::STATUS)));
}

// An illegal descriptor written through the bus completes with its error code (never a hang),
// raises INTR_STATE.done and .error, and irq_o only while enabled; W1C clears each bit alone.
QTA_TEST(host_if_interrupt_and_illegal_descriptor_through_the_bus, .timeout = 1, .timeout_unit = harness::Unit::ms,
         .suites = {"smoke", "block"}) {
  Accel acc(dut);
  co_await acc.start(/*monitor=*/false);
  Descriptor bad;
  bad.m = 0;  // illegal: error 1
  co_await acc.submit(bad);
  uint32_t status = 0;
  for (int i = 0; i < 100 && !hostif::cpl_valid(status); ++i) status = co_await acc.read_reg(hostif::reg::STATUS);
  QTA_CHECK(hostif::cpl_valid(status));
  QTA_CHECK_EQ(hostif::STATUS_LAST_ERROR.get(status), 1u);
  QTA_CHECK_EQ(acc.irq().value(), uint64_t{0});  // INTR_ENABLE is 0 after reset
  const uint32_t state = co_await acc.read_reg(hostif::reg::INTR_STATE);
  QTA_CHECK_EQ(state, hostif::kIrqAll);
  QTA_CHECK_EQ(co_await acc.write_reg(hostif::reg::INTR_ENABLE, 1u << hostif::INTR_ENABLE_ERROR.lsb), uint32_t(kAxiOkay));
  co_await harness::RisingEdge(acc.clk());
  QTA_CHECK_EQ(acc.irq().value(), uint64_t{1});
  QTA_CHECK_EQ(co_await acc.write_reg(hostif::reg::INTR_STATE, 1u << hostif::INTR_STATE_ERROR.lsb), uint32_t(kAxiOkay));
  QTA_CHECK_EQ(co_await acc.read_reg(hostif::reg::INTR_STATE), 1u << hostif::INTR_STATE_DONE.lsb);
  co_await harness::RisingEdge(acc.clk());
  QTA_CHECK_EQ(acc.irq().value(), uint64_t{0});
  const Completion c = Completion::unpack({co_await acc.read_reg(hostif::reg::CPL_INFO), 0, 0, 0, 0, 0, 0});
  QTA_CHECK_EQ(c.error, 1u);
  QTA_CHECK_EQ(co_await acc.write_reg(hostif::reg::CPL_POP, 1), uint32_t(kAxiOkay));
  QTA_CHECK(!hostif::cpl_valid(co_await acc.read_reg(hostif::reg::STATUS)));
  QTA_CHECK_EQ(co_await acc.read_reg(hostif::reg::CPL_INFO), 0u);  // empty: the CPL_* words read 0
  QTA_CHECK_EQ(co_await acc.write_reg(hostif::reg::CPL_POP, 1), uint32_t(kAxiOkay));  // popping nothing is harmless
}

// Back-pressure end to end, with no one taking completions: descriptors are rung in one after
// another. The completion FIFO fills, qta_finish holds its completion, the scheduler its
// hand-over, the queue fills; while the accelerator can still make progress a DOORBELL's
// response waits, and once it cannot (queue and completion FIFO full) DOORBELL answers SLVERR at
// once and queues nothing, so a host never deadlocks behind its own write. Then the host pops:
// every accepted descriptor completes in order with the right result, the refused one is rung
// again and completes too. Nothing is lost.
QTA_TEST(host_if_back_pressure_from_the_completion_fifo_to_the_doorbell, .timeout = 5, .timeout_unit = harness::Unit::ms,
         .suites = {"smoke", "block"}) {
  Accel acc(dut);
  co_await acc.start(/*monitor=*/false);
  const auto& cfg = acc.config();
  const int n = cfg->queue_depth * 2 + 6;  // more than the queue, the FIFO and the two stages hold
  const GemmCase c = directed_gemm_case("bp", dut.seed(), 2, 3, 4, golden::Op::N, golden::Op::N,
                                        cfg.supports_ws() ? Dataflow::WS : Dataflow::OS, golden::Rounding::RNE);
  co_await acc.write_input(0, c.a);
  co_await acc.write_weight(0, c.b);
  auto desc = [&](int i) {
    Descriptor d = acc.descriptor_for(c, uint8_t(i + 1));
    d.c_base = uint32_t(12 * i);
    d.q_base = d.c_base + 6;
    return d;
  };
  // Ring until DOORBELL is refused twice in a row, a descriptor's whole time apart (the first
  // refusal can come while the scheduler still computes one, which it then hands over before
  // taking one more from the queue: the accelerator stops for good a descriptor later).
  int accepted = 0, refusals = 0;
  uint64_t longest_doorbell = 0;
  while (accepted < n && refusals < 2) {
    const uint64_t before = acc.bus().bus_cycles();
    const uint32_t resp = co_await acc.submit_once(desc(accepted));
    if (resp == kAxiSlvErr) {
      ++refusals;
      co_await harness::ClockCycles(acc.clk(), acc.cycle_budget(2, 3, 4));
      continue;
    }
    QTA_CHECK_EQ(resp, uint32_t(kAxiOkay));
    refusals = 0;
    longest_doorbell = std::max(longest_doorbell, acc.bus().bus_cycles() - before);
    ++accepted;
  }
  if (accepted == n) QTA_FAIL("all {} descriptors were accepted with no completion taken: no back-pressure", n);
  const uint32_t status = co_await acc.read_reg(hostif::reg::STATUS);
  QTA_CHECK_EQ(hostif::STATUS_QUEUE_FULL.get(status), 1u);
  QTA_CHECK_EQ(hostif::STATUS_CPL_FULL.get(status), 1u);
  // Capacity: the queue, the completion FIFO, and one descriptor in each stage.
  QTA_CHECK_EQ(accepted, 2 * cfg->queue_depth + 2);
  if (longest_doorbell < 20)
    QTA_FAIL("no DOORBELL write waited for queue space (longest {} bus cycles)", longest_doorbell);
  auto drain = [&](int first, int count) -> harness::Task<> {
    for (int i = first; i < first + count; ++i) {
      uint32_t st = 0;
      for (int t = 0; t < 1000 && !hostif::cpl_valid(st); ++t) st = co_await acc.read_reg(hostif::reg::STATUS);
      if (!hostif::cpl_valid(st)) QTA_FAIL("completion {} of {} never came", i + 1, n);
      std::array<uint32_t, Completion::kWords> w{};
      for (int j = 0; j < Completion::kWords; ++j) w[size_t(j)] = co_await acc.read_reg(Completion::kOffsets[size_t(j)]);
      QTA_CHECK_EQ(co_await acc.write_reg(hostif::reg::CPL_POP, 1), uint32_t(kAxiOkay));
      const Completion done = Completion::unpack(w);
      if (done.id != uint32_t(i + 1) || done.error != 0)
        QTA_FAIL("completion {}: id {} error {} (in order, no error expected)", i + 1, done.id, done.error);
    }
  };
  co_await drain(0, accepted);
  // The refused descriptor (still staged) and the rest, rung again.
  for (int i = accepted; i < n; ++i) QTA_CHECK_EQ(co_await acc.submit_once(desc(i)), uint32_t(kAxiOkay));
  co_await drain(accepted, n - accepted);
  for (int i = 0; i < n; ++i)
    expect_tensor_equal(fmt::format("descriptor {}", i + 1), c.expected_acc(), co_await acc.read_output(uint32_t(12 * i), 2, 3),
                        dut);
  QTA_CHECK_EQ(co_await acc.status("gemm_count"), uint64_t(n));
  dut.log().info("{} descriptors: {} taken before the queue and the completion FIFO were full, the next refused with "
                 "SLVERR, all completed after the host popped; command overhead {:.1f} bus cycles per descriptor",
                 n, accepted, double(acc.submit_bus_cycles()) / double(acc.submitted()));
}

}  // namespace qta::verif
