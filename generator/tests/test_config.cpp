// Configuration loading and validation: every error names the field, the value and the range.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "qta/cli.h"
#include "qta/gen/config.h"
#include "qta/hash.h"

namespace {

using qta::gen::Config;
using qta::gen::ConfigFields;
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
  EXPECT_EQ(c->rows, 8);
  EXPECT_EQ(c->cols, 8);
  EXPECT_EQ(c->data_width, 8);
  EXPECT_EQ(c->acc_width, 32);
  EXPECT_EQ(c->dataflows, qta::gen::Dataflows::Both);
  EXPECT_EQ(c->mutation, qta::gen::Mutation::None);
  // The derived depths at 8x8 are the first wave's fixed defaults (4096, 4096, 8192).
  EXPECT_EQ(c->input_depth, 4096);
  EXPECT_EQ(c->weight_depth, 4096);
  EXPECT_EQ(c->output_depth, 8192);
}

TEST(Config, DerivedDepthsHoldTheSuitesAtEverySize) {
  // docs/config.md: 8 R x C tiles of each operand (at least 4096) and 16 of outputs (at least 8192).
  for (int n : {1, 8, 16, 32, 64, 128}) {
    const Config c = config_from_json({{"rows", n}, {"cols", n}});
    EXPECT_EQ(c->input_depth, std::max<int64_t>(4096, 8 * n * n)) << n;
    EXPECT_EQ(c->weight_depth, std::max<int64_t>(4096, 8 * n * n)) << n;
    EXPECT_EQ(c->output_depth, std::max<int64_t>(8192, 16 * n * n)) << n;
  }
  // The lora layer test's largest operand at 64x64: dY is (2R+3) x (2C+1) = 131 x 129 = 16899.
  EXPECT_GE(config_from_json({{"rows", 64}, {"cols", 64}})->input_depth, 16899);
  EXPECT_GE(config_from_json({{"rows", 64}, {"cols", 64}})->weight_depth, 16899);
  // A thin array gets the buffers of its long side (1 x 65: the layer test's B is 32 x 131 words).
  EXPECT_EQ(config_from_json({{"rows", 1}, {"cols", 65}})->weight_depth, 8 * 65 * 65);
  EXPECT_EQ(config_from_json({{"rows", 65}, {"cols", 1}})->input_depth, 8 * 65 * 65);
  // An explicit depth wins over the derived one; 0 asks for the derived one.
  EXPECT_EQ(config_from_json({{"input_depth", 8192}})->input_depth, 8192);
  EXPECT_EQ(config_from_json({{"rows", 64}, {"cols", 64}, {"input_depth", 0}})->input_depth, 32768);
}

TEST(Config, EveryFieldHasOneSchemaRowAndDocsListIt) {
  // The field table drives JSON, flags and templates; docs/config.md must have a row per field.
  std::ifstream in(std::string(QTA_SOURCE_DIR) + "/docs/config.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  const json all = json::parse(qta::gen::to_json(Config{}).dump());
  EXPECT_EQ(all.size(), qta::gen::config_fields().size());
  for (const auto& f : qta::gen::config_fields()) {
    EXPECT_TRUE(all.contains(f.name)) << f.name;
    EXPECT_NE(doc.find("| `" + f.name + "` | " + f.default_doc), std::string::npos)
        << "docs/config.md has no row '| `" << f.name << "` | " << f.default_doc << " |'";
    EXPECT_FALSE(f.help.empty()) << f.name;
  }
  // and no row for a field that does not exist (rows of the field table: from its header to the
  // first line that is not a table row)
  std::istringstream lines(doc.substr(doc.find("| field | default | valid | meaning |")));
  for (std::string line; std::getline(lines, line) && line.rfind("|", 0) == 0;) {
    if (line.rfind("| `", 0) != 0) continue;
    const std::string name = line.substr(3, line.find('`', 3) - 3);
    EXPECT_NE(qta::gen::find_field(name), nullptr) << "docs/config.md lists '" << name << "', not a field";
  }
}

TEST(Config, NamedConfigurationsLoadAndValidate) {
  const auto names = qta::gen::named_configs();
  for (const char* want : {"default_8x8", "paper_64x64", "ws_only", "banked", "wide16", "wide_8x128", "max_128x128"})
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  for (const auto& n : names) EXPECT_NO_THROW(qta::gen::load_config(std::filesystem::path(n))) << n;
  EXPECT_EQ(qta::gen::load_config(std::filesystem::path("paper_64x64"))->rows, 64);
}

TEST(Config, UnknownNamedConfigurationListsTheValidOnes) {
  try {
    qta::gen::load_config(std::filesystem::path("paper_65x65"));
    FAIL() << "accepted an unknown named configuration";
  } catch (const qta::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("paper_64x64"), std::string::npos) << e.what();
  }
}

TEST(Config, RoundTripsThroughJson) {
  ConfigFields f;
  f.rows = 16, f.cols = 4, f.banks = 4, f.dataflows = qta::gen::Dataflows::OS;
  f.rounding = qta::gen::RoundingModes::SR, f.mutation = qta::gen::Mutation::PeDropAccMsb;
  const Config c = Config::validate(f);
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

// col_groups (WSC) and requant_lanes: derived from the array and the dataflows, and every
// value that would not generate a working array rejected with the valid ones named.
TEST(Config, ColumnGroupsAndRequantLanesAreDerivedAndChecked) {
  const Config d = config_from_json({{"rows", 8}, {"cols", 8}});
  EXPECT_EQ(d->col_groups, 4);     // cols a multiple of 4, >= 8, WS
  EXPECT_EQ(d->requant_lanes, 8);  // cols
  EXPECT_TRUE(d.supports_wsc());
  EXPECT_EQ(config_from_json({{"cols", 6}})->col_groups, 1);                  // not a multiple of 4
  EXPECT_EQ(config_from_json({{"cols", 4}})->col_groups, 1);                  // too narrow
  EXPECT_EQ(config_from_json({{"dataflows", "os"}})->col_groups, 1);          // WSC is a WS
  EXPECT_EQ(config_from_json({{"cols", 64}, {"col_groups", 16}})->col_groups, 16);
  EXPECT_EQ(config_from_json({{"cols", 16}, {"requant_lanes", 128}})->requant_lanes, 128);
  expect_usage_error({{"col_groups", 3}}, {"'col_groups'", "= 3", "dividing cols"});
  expect_usage_error({{"cols", 12}, {"col_groups", 8}}, {"'col_groups'", "= 8", "cols = 12"});
  expect_usage_error({{"col_groups", 32}}, {"'col_groups'", "32", "1, 2, 4, 8 or 16"});
  expect_usage_error({{"col_groups", 4}, {"dataflows", "os"}}, {"'col_groups'", "= 4", "dataflows = os"});
  expect_usage_error({{"requant_lanes", 12}}, {"'requant_lanes'", "= 12", "8, 16, 32 or 64"});
  expect_usage_error({{"requant_lanes", 24}}, {"'requant_lanes'", "= 24", "times 1, 2, 4 or 8"});
  expect_usage_error({{"cols", 128}, {"requant_lanes", 1024}}, {"'requant_lanes'", "1024"});
}

// row_groups (WSR): derived from the rows and the dataflows (4 for rows >= 16 a multiple of 4,
// 2 for even rows >= 8, 1 otherwise or without WS), and every value that would not split the
// rows into equal groups, or that asks for WSR without WS, rejected with the valid ones named.
TEST(Config, RowGroupsAreDerivedAndChecked) {
  EXPECT_EQ(config_from_json({{"rows", 8}})->row_groups, 2);
  EXPECT_EQ(config_from_json({{"rows", 16}})->row_groups, 4);
  EXPECT_EQ(config_from_json({{"rows", 64}, {"cols", 64}})->row_groups, 4);
  EXPECT_EQ(config_from_json({{"rows", 12}})->row_groups, 2);                     // 12 < 16
  EXPECT_EQ(config_from_json({{"rows", 20}})->row_groups, 4);
  EXPECT_EQ(config_from_json({{"rows", 6}})->row_groups, 1);                      // too short
  EXPECT_EQ(config_from_json({{"rows", 9}})->row_groups, 1);                      // odd
  EXPECT_EQ(config_from_json({{"rows", 16}, {"dataflows", "os"}})->row_groups, 1);  // WSR is a WS
  EXPECT_TRUE(config_from_json({{"rows", 8}}).supports_wsr());
  EXPECT_FALSE(config_from_json({{"rows", 8}, {"row_groups", 1}}).supports_wsr());
  EXPECT_EQ(config_from_json({{"rows", 64}, {"row_groups", 16}})->row_groups, 16);
  const auto flows = config_from_json({{"rows", 8}}).dataflows();
  EXPECT_NE(std::find(flows.begin(), flows.end(), qta::Dataflow::WSR), flows.end());
  expect_usage_error({{"row_groups", 3}}, {"'row_groups'", "= 3", "dividing rows"});
  expect_usage_error({{"rows", 12}, {"row_groups", 8}}, {"'row_groups'", "= 8", "rows = 12"});
  expect_usage_error({{"row_groups", 32}}, {"'row_groups'", "32", "1, 2, 4, 8 or 16"});
  expect_usage_error({{"row_groups", 2}, {"dataflows", "os"}}, {"'row_groups'", "= 2", "dataflows = os"});
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
  EXPECT_EQ(from_file->rows, 4);
  EXPECT_EQ(from_file->rounding, qta::gen::RoundingModes::SR);
  const Config overridden = qta::gen::load_config(file, {{"rows", "16"}, {"rounding", "rne"}});
  EXPECT_EQ(overridden->rows, 16);
  EXPECT_EQ(overridden->cols, 4);
  EXPECT_EQ(overridden->rounding, qta::gen::RoundingModes::RNE);
  EXPECT_THROW(qta::gen::load_config(file, {{"rows", "sixteen"}}), qta::UsageError);
  EXPECT_THROW(qta::gen::load_config(dir / "missing.json"), qta::UsageError);
  std::filesystem::remove_all(dir);
}

TEST(Config, HashIsFnv1aOfCanonicalJsonAndSeesEveryField) {
  Config c;
  // The hash of the canonical JSON; FNV-1a 64 itself is checked against its published vectors
  // in common/tests/test_hash.cpp.
  EXPECT_EQ(qta::gen::config_hash(c), qta::fnv1a64(json::parse(qta::gen::to_json(c).dump()).dump()));  // sorted keys
  EXPECT_EQ(qta::gen::config_hash_hex(c), qta::hex16(qta::gen::config_hash(c)));
  const json base = json::parse(qta::gen::to_json(c).dump());
  for (const auto& [key, value] : base.items()) {
    json changed = base;
    if (value.is_number()) changed[key] = key == "banks" ? 2 : value.get<int64_t>() * 2;
    else changed[key] = key == "mutation" ? "pe_drop_acc_msb" : "ws";
    if (key == "rounding") changed[key] = "sr";
    if (key == "acc_width") changed[key] = 16;
    if (key == "cols") changed["requant_lanes"] = 0;  // a multiple of cols: derived again
    EXPECT_NE(qta::gen::config_hash(config_from_json(changed)), qta::gen::config_hash(c)) << key;
  }
}

}  // namespace
