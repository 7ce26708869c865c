// The strict JSON reader (qta/json_read.h): depth limit while parsing, duplicate keys, NUL
// bytes, numbers out of range named with their key, bounded messages.
#include <gtest/gtest.h>

#include <string>

#include "qta/cli.h"
#include "qta/json_read.h"

namespace qta {
namespace {

std::string error_of(const std::string& text, const JsonReadOptions& o = {}) {
  try {
    parse_json_strict(text, o);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

void expect_error(const std::string& text, const std::string& needle, const JsonReadOptions& o = {}) {
  const std::string m = error_of(text, o);
  EXPECT_NE(m.find(needle), std::string::npos) << "message '" << m.substr(0, 300) << "' lacks '" << needle << "'";
  EXPECT_LT(m.size(), 600u) << "message too long: " << m.substr(0, 300);
}

TEST(JsonRead, ParsesWhatNlohmannParses) {
  const auto j = parse_json_strict(R"({"rows": 8, "name": "x", "list": [1, -2, 2.5, true, null], "o": {"a": {}}})");
  EXPECT_EQ(j["rows"], 8);
  EXPECT_EQ(j["list"][1], -2);
  EXPECT_EQ(j["list"][2], 2.5);
  EXPECT_TRUE(j["o"]["a"].is_object());
  EXPECT_EQ(parse_json_strict("18446744073709551615").get<uint64_t>(), UINT64_MAX);
  EXPECT_EQ(parse_json_strict("-9223372036854775808").get<int64_t>(), INT64_MIN);
}

TEST(JsonRead, DeepNestingIsRefusedWhileParsing) {
  JsonReadOptions o;
  o.max_depth = 32;
  EXPECT_NO_THROW(parse_json_strict(std::string(32, '[') + std::string(32, ']'), o));
  expect_error(std::string(33, '[') + std::string(33, ']'), "nested deeper than 32 levels", o);
  // 100,000 levels: refused at level 33, quickly, with a short message (no recursion anywhere).
  const std::string deep = "{\"rows\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  expect_error(deep, "nested deeper than 32 levels (at 'rows[0][0]", o);
}

TEST(JsonRead, DuplicateKeysNulAndTrailingText) {
  expect_error(R"({"rows":200,"rows":4})", "key \"rows\" appears twice in the top-level object");
  expect_error(R"({"a":{"b":1,"b":2}})", "key \"b\" appears twice in 'a'");
  EXPECT_NO_THROW(parse_json_strict(R"({"a":{"b":1},"c":{"b":2}})")) << "the same key in two objects";
  expect_error(std::string("{\"rows\":4}\0", 11), "contains a NUL byte at offset 10");
  expect_error(std::string("{\"ro\0ws\":4}", 11), "contains a NUL byte at offset 4");
  expect_error("{\"rows\":4} x", "is not valid JSON");
  expect_error("", "is not valid JSON");
}

TEST(JsonRead, NumbersOutOfRangeNameTheirKey) {
  JsonReadOptions o;
  o.source = "'c.json'";
  expect_error(R"({"rows":1e400})", "'c.json': 'rows' = 1e400 is out of range; valid: a finite number", o);
  expect_error(R"({"rows":-1e400})", "'rows' = -1e400 is out of range", o);
  expect_error(R"({"rows":18446744073709551616})",
               "'rows' = 18446744073709551616 is out of range; valid: an integer of at most 64 bits", o);
  expect_error(R"({"rows":-9223372036854775809})", "'rows' = -9223372036854775809 is out of range", o);
  expect_error("{\"rows\":" + std::string(400, '9') + "}", "(400 bytes) is out of range; valid: an integer", o);
  expect_error(R"({"a":[1, 2, 1e999]})", "'a[2]' = 1e999 is out of range", o);
  // The hook names the field's own range.
  o.out_of_range = [](const std::string& path, const std::string& token, bool integer) {
    throw UsageError("field '" + path + "' = " + token + (integer ? " (integer)" : " (real)"));
  };
  EXPECT_EQ(error_of(R"({"rows":18446744073709551616})", o), "field 'rows' = 18446744073709551616 (integer)");
  EXPECT_EQ(error_of(R"({"rows":1e400})", o), "field 'rows' = 1e400 (real)");
}

TEST(JsonRead, MessagesAreBounded) {
  const std::string big(10'000'000, 'x');
  // A huge string that breaks the syntax: nlohmann's "last read" is shortened.
  expect_error("{\"rows\":\"" + big, "is not valid JSON");
  expect_error("{\"rows\": x" + big + "}", "is not valid JSON");
  expect_error("{\"" + big + "\":1,\"" + big + "\":2}", "appears twice");
  expect_error("{\"rows\":\"\xff\"}", "is not valid JSON");  // invalid UTF-8 inside a string
  EXPECT_LT(shown_json(nlohmann::json(big)).size(), 120u);
}

}  // namespace
}  // namespace qta
