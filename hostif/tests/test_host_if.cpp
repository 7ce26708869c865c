// The host interface's renderings against its one description (hostif/host_if.json): the C++
// type generated at build time, the C header of the checked-in default configuration, the
// driver's register programs, and the loader's refusal of malformed descriptions.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "qta/cli.h"
#include "qta/gen/host_if.h"
#include "qta/hostif/driver.h"
#include "qta/hostif/host_if.h"

extern "C" {
#include "../../rtl/default_8x8/sw/qta_host.h"
}

namespace fs = std::filesystem;
using namespace qta;
using qta::hostif::Completion;
using qta::hostif::Descriptor;

namespace {

const gen::HostIf& spec() { return gen::default_host_if(); }

TEST(HostIf, GeneratedTypeListsEveryFieldOfTheDescription) {
  size_t n = 0;
  for (const auto& r : spec().registers)
    for (const auto& f : r.fields) {
      ASSERT_LT(n, std::size(hostif::kFields)) << "the generated header has fewer fields than the description";
      const hostif::FieldInfo& g = hostif::kFields[n++];
      EXPECT_EQ(std::string(g.reg), r.name);
      EXPECT_EQ(std::string(g.name), f.name);
      EXPECT_EQ(g.offset, r.offset) << r.name;
      EXPECT_EQ(g.lsb, f.lsb) << r.name << "." << f.name;
      EXPECT_EQ(g.width, f.width) << r.name << "." << f.name;
      EXPECT_EQ(g.reset, f.reset) << r.name << "." << f.name;
      EXPECT_EQ(std::string(g.access), gen::to_string(r.access)) << r.name;
    }
  EXPECT_EQ(n, std::size(hostif::kFields));
  EXPECT_EQ(hostif::kVersion, uint32_t(spec().version));
  EXPECT_EQ(hostif::kHash, spec().spec_hash & 0xffff) << "the build's header is stale: rebuild";
}

TEST(HostIf, DescriptorPacksAndUnpacksEveryField) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1000; ++i) {
    std::array<uint32_t, Descriptor::kWords> w{};
    for (auto& x : w) x = uint32_t(rng());
    const Descriptor d = Descriptor::unpack(w);
    EXPECT_EQ(Descriptor::unpack(d.pack()), d);
  }
  Descriptor d;
  d.m = 0x12345;  // wider than its 16 bits: cut
  EXPECT_EQ(Descriptor::unpack(d.pack()).m, 0x2345u);
}

TEST(HostIf, DescriptorDefaultsAreTheRegistersResetValues) {
  const Descriptor d;
  EXPECT_EQ(d.dataflow, uint32_t(Dataflow::AUTO));
  EXPECT_EQ(d.sr_seed, 1u);
  // Word by word: the reset values of the DESC_* registers.
  const auto w = d.pack();
  const auto regs = spec().record("descriptor");
  ASSERT_EQ(regs.size(), size_t(Descriptor::kWords));
  for (size_t i = 0; i < regs.size(); ++i) {
    uint32_t reset = 0;
    for (const auto& f : regs[i]->fields) reset |= uint32_t(f.reset) << f.lsb;
    EXPECT_EQ(w[i], reset) << regs[i]->name;
    EXPECT_EQ(Descriptor::kOffsets[i], regs[i]->offset) << regs[i]->name;
  }
}

TEST(HostIf, SubmitterWritesOnlyTheWordsThatChanged) {
  hostif::Submitter s;
  Descriptor d;
  d.m = 64;
  d.n = 1280;
  d.k = 77;
  auto p = s.program(d);  // nothing known: every word, then DOORBELL
  ASSERT_EQ(p.size(), size_t(Descriptor::kWords + 1));
  EXPECT_EQ(p.back().offset, hostif::reg::DOORBELL);
  d.id = 9;
  p = s.program(d);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].offset, hostif::reg::DESC_CTRL);
  EXPECT_EQ(hostif::DESC_CTRL_ID.get(p[0].data), 9u);
  p = s.program(d);
  EXPECT_EQ(p.size(), 1u) << "the same descriptor again: only DOORBELL";
  s.reset();
  p = s.program(Descriptor{});
  EXPECT_EQ(p.size(), 1u) << "after reset the registers hold the defaults";
}

// The C header rendered for the default configuration (rtl/default_8x8/sw/qta_host.h) packs and
// unpacks exactly as the C++ type, at the same offsets.
TEST(HostIf, CHeaderAgreesWithTheCppType) {
  EXPECT_EQ(QTA_DESC_WORDS, Descriptor::kWords);
  EXPECT_EQ(QTA_CPL_WORDS, Completion::kWords);
  EXPECT_EQ(QTA_HOST_IF_HASH, hostif::kHash) << "rtl/default_8x8 is stale: generator/update_rtl.sh";
  EXPECT_EQ(QTA_REG_DOORBELL, hostif::reg::DOORBELL);
  EXPECT_EQ(QTA_REG_CPL_POP, hostif::reg::CPL_POP);
  for (int i = 0; i < QTA_DESC_WORDS; ++i) EXPECT_EQ(qta_desc_offset(i), Descriptor::kOffsets[size_t(i)]);
  for (int i = 0; i < QTA_CPL_WORDS; ++i) EXPECT_EQ(qta_cpl_offset(i), Completion::kOffsets[size_t(i)]);
  std::mt19937_64 rng(11);
  for (int t = 0; t < 500; ++t) {
    std::array<uint32_t, Descriptor::kWords> w{};
    for (auto& x : w) x = uint32_t(rng());
    const Descriptor d = Descriptor::unpack(w);
    qta_desc_t c;
    qta_desc_unpack(w.data(), &c);
    uint32_t cw[QTA_DESC_WORDS];
    qta_desc_pack(&c, cw);
    const auto pw = d.pack();
    for (int i = 0; i < QTA_DESC_WORDS; ++i) EXPECT_EQ(cw[i], pw[size_t(i)]) << "word " << i;
    std::array<uint32_t, Completion::kWords> cpl{};
    for (auto& x : cpl) x = uint32_t(rng());
    qta_cpl_t cc;
    qta_cpl_unpack(cpl.data(), &cc);
    const Completion k = Completion::unpack(cpl);
    EXPECT_EQ(cc.id, k.id);
    EXPECT_EQ(cc.error, k.error);
    EXPECT_EQ(cc.cycles, k.cycles);
    EXPECT_EQ(cc.m0, k.m0);
    // amax: acc_width (32 at 8x8) bits in the C header, the widest in C++.
    EXPECT_EQ(cc.amax, k.amax);
  }
  qta_desc_t c;
  qta_desc_init(&c);
  uint32_t cw[QTA_DESC_WORDS];
  qta_desc_pack(&c, cw);
  const auto pw = Descriptor{}.pack();
  for (int i = 0; i < QTA_DESC_WORDS; ++i) EXPECT_EQ(cw[i], pw[size_t(i)]) << "reset word " << i;
}

// ---- malformed descriptions: bad input naming the file, the register or field, what is valid

std::string description_text() {
  std::ifstream in(gen::default_host_if_path());
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string load_error(const std::string& from, const std::string& to) {
  std::string text = description_text();
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "the description no longer has: " << from;
  if (at == std::string::npos) return {};
  text.replace(at, from.size(), to);
  const fs::path p = fs::temp_directory_path() / ("qta_bad_host_if_" + std::to_string(::getpid()) + ".json");
  {
    std::ofstream out(p);
    out << text;
  }
  std::string msg;
  try {
    gen::load_host_if(p);
  } catch (const UsageError& e) {
    msg = e.what();
  }
  fs::remove(p);
  EXPECT_NE(msg.find(p.filename().string()), std::string::npos) << "the message names the file: " << msg;
  return msg;
}

TEST(HostIfBadInput, UnknownAccessType) {
  const std::string m = load_error(R"("name": "STATUS", "offset": "0x010", "access": "RO")",
                                   R"("name": "STATUS", "offset": "0x010", "access": "RX")");
  EXPECT_NE(m.find("register STATUS: unknown access type 'RX'; valid: RO, RW, W1C, WO"), std::string::npos) << m;
}

TEST(HostIfBadInput, OverlappingOffsets) {
  const std::string m = load_error(R"("name": "STATUS", "offset": "0x010")", R"("name": "STATUS", "offset": "0x00C")");
  EXPECT_NE(m.find("offset 0x00C overlaps register"), std::string::npos) << m;
}

TEST(HostIfBadInput, FieldWiderThanItsRegister) {
  const std::string m = load_error(R"({"name": "n", "lsb": 16, "width": 16)", R"({"name": "n", "lsb": 16, "width": 20)");
  EXPECT_NE(m.find("register DESC_MN field n: lsb 16 + width 20 = 36 bits is wider than its 32-bit register"),
            std::string::npos)
      << m;
}

TEST(HostIfBadInput, WidthNamingAnUnknownConfigurationField) {
  const std::string m = load_error(R"("width": "acc_width")", R"("width": "acc_bits")");
  EXPECT_NE(m.find("field amax: width 'acc_bits' names no configuration field; valid: a number 1..32 or one of rows"),
            std::string::npos)
      << m;
}

TEST(HostIfBadInput, OverlappingFields) {
  const std::string m = load_error(R"({"name": "rounding", "lsb": 11,)", R"({"name": "rounding", "lsb": 10,)");
  EXPECT_NE(m.find("overlap another field"), std::string::npos) << m;
}

TEST(HostIfBadInput, MissingDescriptorField) {
  const std::string m = load_error(R"({"name": "sr_seed",)", R"({"name": "lfsr_seed",)");
  EXPECT_NE(m.find("descriptor: has no field 'sr_seed'"), std::string::npos) << m;
}

TEST(HostIfBadInput, UnknownWireOfTheTop) {
  const std::string m = load_error(R"("hw": "gemm_count")", R"("hw": "gemm_total")");
  EXPECT_NE(m.find("hw 'gemm_total' is no wire of qta_top; valid:"), std::string::npos) << m;
}

TEST(HostIfBadInput, NotJson) {
  const std::string m = load_error(R"("registers": [)", R"("registers": [[)");
  EXPECT_FALSE(m.empty());
}

}  // namespace

namespace {
// docs/host_if.md's register table is the description's, rendered (qta_hostif_gen --docs).
TEST(HostIf, DocsTableIsTheDescriptions) {
  std::ifstream in(std::string(QTA_SOURCE_DIR) + "/docs/host_if.md");
  const std::string text{std::istreambuf_iterator<char>(in), {}};
  const std::string begin = "<!-- BEGIN host_if table", end = "<!-- END host_if table -->";
  const size_t b = text.find(begin), e = text.find(end);
  ASSERT_NE(b, std::string::npos) << "docs/host_if.md has no '" << begin << "'";
  ASSERT_NE(e, std::string::npos);
  const size_t body = text.find('\n', b) + 1;
  const std::string want = gen::host_if_docs_table(spec());
  EXPECT_EQ(text.substr(body, e - body), want)
      << "docs/host_if.md's register table is not the description's: replace it with the output of "
         "build/generator/qta_hostif_gen --docs hostif/host_if.json";
}
}  // namespace
