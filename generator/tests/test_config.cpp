// Configuration loading and validation: every error names the field, the value and the range.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "qta/cli.h"
#include "qta/gen/config.h"

namespace {

using qta::gen::Config;
using qta::gen::config_from_json;
using nlohmann::json;

// Expects UsageError whose message contains every needle.
void expect_usage_error(const json& j, std::initializer_list<const char*> needles) {
  try {
    config_from_json(j);
    FAIL() << "accepted " << j.dump();
  } catch (const qta::UsageError& e) {
    for (const char* n : needles) EXPECT_NE(std::string(e.what()).find(n), std::string::npos)
        << "message '" << e.what() << "' lacks '" << n << "' for " << j.dump();
  }
}

TEST(Config, DefaultsAreValidAnd8x8) {
  const Config c = config_from_json(json::object());
  EXPECT_EQ(c.rows, 8);
  EXPECT_EQ(c.cols, 8);
  EXPECT_EQ(c.data_width, 8);
  EXPECT_EQ(c.acc_width, 32);
  EXPECT_EQ(c.dataflows, qta::gen::Dataflows::Both);
  EXPECT_EQ(c.mutation, qta::gen::Mutation::None);
}

TEST(Config, RoundTripsThroughJson) {
  Config c;
  c.rows = 16, c.cols = 4, c.banks = 4, c.dataflows = qta::gen::Dataflows::OS;
  c.rounding = qta::gen::RoundingModes::SR, c.mutation = qta::gen::Mutation::PeDropAccMsb;
  const Config back = config_from_json(qta::gen::to_json(c));
  EXPECT_EQ(qta::gen::to_json(back), qta::gen::to_json(c));
}

TEST(Config, RejectsOutOfRangeNamingFieldValueAndRange) {
  expect_usage_error({{"rows", 0}}, {"'rows'", "= 0", "1..128"});
  expect_usage_error({{"cols", 1000}}, {"'cols'", "= 1000", "1..128"});
  expect_usage_error({{"rows", 129}}, {"'rows'", "129", "1..128"});
  expect_usage_error({{"data_width", 3}}, {"'data_width'", "= 3", "4..16"});
  expect_usage_error({{"data_width", 17}}, {"'data_width'", "17", "4..16"});
  expect_usage_error({{"acc_width", 33}}, {"'acc_width'", "33", "16..32"});
  expect_usage_error({{"data_width", 12}, {"acc_width", 20}}, {"'acc_width'", "20", "24..32"});
  expect_usage_error({{"queue_depth", 0}}, {"'queue_depth'", "1..64"});
  expect_usage_error({{"banks", 32}}, {"'banks'", "32", "1..16"});
  expect_usage_error({{"banks", 6}}, {"'banks'", "6", "power of two"});
  expect_usage_error({{"rows", 5000000000LL}}, {"'rows'", "5000000000"});
}

TEST(Config, RejectsBufferSmallerThanOneTile) {
  // 16 x 16 array: one tile of A or B is 256 elements, the output holds two 256-word tiles.
  expect_usage_error({{"rows", 16}, {"cols", 16}, {"input_depth", 255}}, {"'input_depth'", "255", "256.."});
  expect_usage_error({{"rows", 16}, {"cols", 16}, {"weight_depth", 100}}, {"'weight_depth'", "100", "256.."});
  expect_usage_error({{"rows", 16}, {"cols", 16}, {"output_depth", 511}}, {"'output_depth'", "511", "512.."});
  EXPECT_NO_THROW(config_from_json({{"rows", 16}, {"cols", 16}, {"input_depth", 256}, {"weight_depth", 256},
                                    {"output_depth", 512}}));
  expect_usage_error({{"banks", 4}, {"input_depth", 4098}}, {"'input_depth'", "4098", "multiple of banks"});
}

TEST(Config, RejectsUnknownKeyWrongTypeAndModeTypos) {
  expect_usage_error({{"colums", 8}}, {"unknown field 'colums'", "valid fields", "cols"});
  expect_usage_error({{"rows", "8"}}, {"'rows'", "\"8\"", "expected an integer"});
  expect_usage_error({{"rows", 8.5}}, {"'rows'", "8.5", "expected an integer"});
  expect_usage_error({{"dataflows", "wss"}}, {"'dataflows'", "\"wss\"", "ws, os, both"});
  expect_usage_error({{"rounding", "RNE"}}, {"'rounding'", "\"RNE\"", "rne, sr, both"});
  expect_usage_error({{"mutation", 1}}, {"'mutation'", "expected a string"});
  expect_usage_error(json::array(), {"expected a JSON object"});
}

TEST(Config, FlagsOverrideTheFile) {
  const auto dir = std::filesystem::temp_directory_path() / "qta_gen_test_config";
  std::filesystem::create_directories(dir);
  const auto file = dir / "c.json";
  std::ofstream(file) << R"({"rows": 4, "cols": 4, "rounding": "sr"})";
  const Config from_file = qta::gen::load_config(file);
  EXPECT_EQ(from_file.rows, 4);
  EXPECT_EQ(from_file.rounding, qta::gen::RoundingModes::SR);
  const Config overridden = qta::gen::load_config(file, {{"rows", "16"}, {"rounding", "rne"}});
  EXPECT_EQ(overridden.rows, 16);
  EXPECT_EQ(overridden.cols, 4);
  EXPECT_EQ(overridden.rounding, qta::gen::RoundingModes::RNE);
  EXPECT_THROW(qta::gen::load_config(file, {{"rows", "sixteen"}}), qta::UsageError);
  EXPECT_THROW(qta::gen::load_config(dir / "missing.json"), qta::UsageError);
  std::filesystem::remove_all(dir);
}

TEST(Config, HashIsFnv1aOfCanonicalJsonAndSeesEveryField) {
  Config c;
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char ch : qta::gen::to_json(c).dump()) h = (h ^ ch) * 0x100000001b3ull;
  EXPECT_EQ(qta::gen::config_hash(c), h);
  EXPECT_EQ(qta::gen::config_hash_hex(c).size(), 16u);
  const json base = qta::gen::to_json(c);
  for (const auto& [key, value] : base.items()) {
    json changed = base;
    if (value.is_number()) changed[key] = key == "banks" ? 2 : value.get<int64_t>() * 2;
    else changed[key] = key == "mutation" ? "pe_drop_acc_msb" : "ws";
    if (key == "rounding") changed[key] = "sr";
    if (key == "acc_width") changed[key] = 16;
    EXPECT_NE(qta::gen::config_hash(config_from_json(changed)), qta::gen::config_hash(c)) << key;
  }
}

}  // namespace
