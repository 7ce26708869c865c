// The generated tree: layout (docs/interfaces.md section 7), headers, determinism, atomicity.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "qta/cli.h"
#include "qta/gen/generate.h"
#include "qta/version.h"
#ifdef QTA_HAVE_GOLDEN
#include "qta/golden/gemm.h"
#endif

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class GenerateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("qta_gen_test_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(GenerateTest, WritesTheContractLayoutWithHeaders) {
  qta::gen::ConfigFields f;
  f.rows = 4, f.cols = 6;
  const qta::gen::Config c = qta::gen::Config::validate(f);
  const std::string cmd = "qta gen --rows 4 --cols 6 --out x";
  qta::gen::generate(c, root_ / "out", cmd);
  const fs::path out = root_ / "out";
  const auto manifest = nlohmann::json::parse(slurp(out / "manifest.json"));
  EXPECT_EQ(manifest["generator_version"], qta::kVersion);
  EXPECT_EQ(manifest["config_hash"], qta::gen::config_hash_hex(c));
  EXPECT_EQ(manifest["command"], cmd);
  EXPECT_EQ(manifest["top"], "qta_top");
  for (const char* m : {"qta_pe", "qta_array", "qta_quantizer", "qta_scheduler", "qta_buffer", "qta_top"})
    EXPECT_EQ(manifest["modules"][m], std::string("rtl/") + m + ".v") << m;
  for (const auto& f : manifest["files"]) EXPECT_TRUE(fs::exists(out / f.get<std::string>())) << f;
  const auto config = nlohmann::json::parse(slurp(out / "config.json"));
  EXPECT_EQ(config["rows"], 4);
  EXPECT_EQ(config["cols"], 6);
  EXPECT_EQ(config["config_hash"], qta::gen::config_hash_hex(c));
  // config.json loads back to the same configuration.
  EXPECT_EQ(qta::gen::config_hash(qta::gen::config_from_json(config)), qta::gen::config_hash(c));

  for (const auto& [name, rel] : manifest["modules"].items()) {
    const std::string text = slurp(out / rel.get<std::string>());
    EXPECT_NE(text.find(std::string("qta gen ") + qta::kVersion), std::string::npos) << rel;
    EXPECT_NE(text.find("config_hash: " + qta::gen::config_hash_hex(c)), std::string::npos) << rel;
    EXPECT_NE(text.find("command: " + cmd), std::string::npos) << rel;
    EXPECT_NE(text.find("module " + name + " "), std::string::npos) << rel << " must define " << name;
    EXPECT_EQ(text.find("<%"), std::string::npos) << rel << " has an unrendered tag";
  }
  EXPECT_EQ(slurp(out / "qta.core").rfind("CAPI=2:\n", 0), 0u) << "FuseSoC needs CAPI=2: on line 1";
  EXPECT_NE(slurp(out / "qta_top.f").find("rtl/qta_top.v"), std::string::npos);
  EXPECT_NE(slurp(out / "rtl/qta_top.v").find("parameter integer R           = 4"), std::string::npos);
}

TEST_F(GenerateTest, SameConfigAndCommandGiveByteIdenticalFiles) {
  qta::gen::ConfigFields f;
  f.rows = 5, f.cols = 3, f.banks = 2, f.rounding = qta::gen::RoundingModes::SR;
  const qta::gen::Config c = qta::gen::Config::validate(f);
  qta::gen::generate(c, root_ / "a", "qta gen same");
  qta::gen::generate(c, root_ / "b", "qta gen same");
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(root_ / "a")) {
    if (!e.is_regular_file()) continue;
    const auto rel = fs::relative(e.path(), root_ / "a");
    EXPECT_EQ(slurp(e.path()), slurp(root_ / "b" / rel)) << rel;
    ++files;
  }
  // config.json, manifest.json, qta.core, qta_top.f, sw/qta_host.h and one file per module.
  EXPECT_EQ(files, 5 + qta::gen::module_names().size());
}

TEST_F(GenerateTest, MutationOnlyChangesItsModule) {
  qta::gen::ConfigFields f;
  qta::gen::generate(qta::gen::Config::validate(f), root_ / "clean", "cmd");
  f.mutation = qta::gen::Mutation::QuantRoundHalfUp;
  qta::gen::generate(qta::gen::Config::validate(f), root_ / "mut", "cmd");
  const std::string clean = slurp(root_ / "clean/rtl/qta_requant.v"), mut = slurp(root_ / "mut/rtl/qta_requant.v");
  EXPECT_EQ(clean.find("MUTATION"), std::string::npos);
  EXPECT_NE(mut.find("MUTATION quant_round_half_up"), std::string::npos);
  EXPECT_EQ(slurp(root_ / "mut/rtl/qta_pe.v").find("MUTATION"), std::string::npos);
}

TEST_F(GenerateTest, ErrorLeavesNoPartialDirectory) {
  qta::gen::Config c;
  fs::create_directories(root_ / "templates");  // empty: the first template is missing
  EXPECT_THROW(qta::gen::generate(c, root_ / "out", "cmd", root_ / "templates"), qta::UsageError);
  EXPECT_FALSE(fs::exists(root_ / "out"));
  for (const auto& e : fs::directory_iterator(root_))
    EXPECT_EQ(e.path().filename(), "templates") << "left behind: " << e.path();
}

TEST_F(GenerateTest, ReplacesOnlyPreviousGeneratorOutput) {
  qta::gen::Config c;
  qta::gen::generate(c, root_ / "out", "first");
  qta::gen::generate(c, root_ / "out", "second");
  EXPECT_EQ(nlohmann::json::parse(slurp(root_ / "out/manifest.json"))["command"], "second");
  fs::create_directories(root_ / "mine");
  std::ofstream(root_ / "mine/notes.txt") << "keep";
  EXPECT_THROW(qta::gen::generate(c, root_ / "mine", "cmd"), qta::UsageError);
  EXPECT_EQ(slurp(root_ / "mine/notes.txt"), "keep");
  EXPECT_THROW(qta::gen::generate(c, root_ / "no/such/parent/out", "cmd"), qta::UsageError);
  // A trailing separator names the same directory.
  qta::gen::generate(c, (root_ / "slash").string() + "/", "cmd");
  EXPECT_TRUE(fs::exists(root_ / "slash/manifest.json"));
}

TEST(GenerateDerived, AddressBitsAndMaxK) {
  EXPECT_EQ(qta::gen::address_bits(1), 1);
  EXPECT_EQ(qta::gen::address_bits(64), 6);
  EXPECT_EQ(qta::gen::address_bits(65), 7);
  EXPECT_EQ(qta::gen::address_bits(4096), 12);
  qta::gen::ConfigFields f;
  const int64_t k = qta::gen::Config::validate(f).max_k();
  EXPECT_LE(k * 127 * 127, (int64_t{1} << 31) - 1);
  EXPECT_GT((k + 1) * 127 * 127, (int64_t{1} << 31) - 1);
#ifdef QTA_HAVE_GOLDEN
  for (int q : {4, 8, 12})
    for (int acc : {2 * q, 24, 32}) {
      if (acc < 2 * q) continue;
      f.data_width = q, f.acc_width = acc;
      EXPECT_EQ(qta::gen::Config::validate(f).max_k(), qta::golden::max_safe_k(q, acc)) << "q " << q << " acc " << acc;
    }
#endif
}

}  // namespace
