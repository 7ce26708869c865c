// Configuration loading and validation (docs/config.md).
#include "qta/gen/config.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "qta/cli.h"

namespace qta::gen {
namespace {

using nlohmann::json;

constexpr int kMaxDim = 128;
constexpr int64_t kMaxDepth = int64_t{1} << 24;

const std::vector<std::string>& integer_fields() {
  static const std::vector<std::string> f = {"rows",        "cols",         "data_width",
                                             "acc_width",   "input_depth",  "weight_depth",
                                             "output_depth", "banks",       "queue_depth"};
  return f;
}
const std::vector<std::string>& string_fields() {
  static const std::vector<std::string> f = {"dataflows", "rounding", "mutation"};
  return f;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  for (const auto& x : v)
    if (x == s) return true;
  return false;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
  return out;
}

[[noreturn]] void fail(const std::string& msg) { throw qta::UsageError("config: " + msg); }

void check_range(const char* field, int64_t value, int64_t lo, int64_t hi, const std::string& why = "") {
  if (value < lo || value > hi)
    fail(fmt::format("field '{}' = {} is out of range: valid {}..{}{}", field, value, lo, hi, why));
}

template <class E>
E parse_enum(const char* field, const std::string& value, const std::vector<std::pair<std::string, E>>& names) {
  std::vector<std::string> valid;
  for (const auto& [n, e] : names) {
    if (n == value) return e;
    valid.push_back(n);
  }
  fail(fmt::format("field '{}' = \"{}\" is not a valid mode: valid {}", field, value, join(valid)));
}

const std::vector<std::pair<std::string, Dataflows>> kDataflowNames = {
    {"ws", Dataflows::WS}, {"os", Dataflows::OS}, {"both", Dataflows::Both}};
const std::vector<std::pair<std::string, RoundingModes>> kRoundingNames = {
    {"rne", RoundingModes::RNE}, {"sr", RoundingModes::SR}, {"both", RoundingModes::Both}};
const std::vector<std::pair<std::string, Mutation>> kMutationNames = {
    {"none", Mutation::None},
    {"quant_round_half_up", Mutation::QuantRoundHalfUp},
    {"pe_drop_acc_msb", Mutation::PeDropAccMsb}};

int64_t get_integer(const json& j, const std::string& key) {
  const json& v = j.at(key);
  if (!v.is_number_integer())
    fail(fmt::format("field '{}' = {} has the wrong type: expected an integer", key, v.dump()));
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
    fail(fmt::format("field '{}' = {} is out of range", key, v.dump()));
  return v.get<int64_t>();
}

std::string get_string(const json& j, const std::string& key) {
  const json& v = j.at(key);
  if (!v.is_string())
    fail(fmt::format("field '{}' = {} has the wrong type: expected a string", key, v.dump()));
  return v.get<std::string>();
}

bool is_power_of_two(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

void check_depth(const char* field, int64_t depth, int64_t min_depth, int banks) {
  check_range(field, depth, min_depth, kMaxDepth,
              min_depth > 1 ? fmt::format(" (the minimum holds one tile)") : "");
  if (depth % banks != 0)
    fail(fmt::format("field '{}' = {} is not a multiple of banks = {}: valid depths are multiples of banks",
                     field, depth, banks));
}

json parse_override(const std::string& key, const std::string& text) {
  if (contains(string_fields(), key)) return json(text);
  if (!contains(integer_fields(), key))
    fail(fmt::format("unknown field '{}': valid fields are {}, {}", key, join(integer_fields()),
                     join(string_fields())));
  try {
    size_t used = 0;
    long long v = std::stoll(text, &used, 10);
    if (used != text.size()) throw std::invalid_argument(text);
    return json(static_cast<int64_t>(v));
  } catch (const std::exception&) {
    fail(fmt::format("field '{}' = \"{}\" has the wrong type: expected an integer", key, text));
  }
}

}  // namespace

const char* to_string(Dataflows d) {
  for (const auto& [n, e] : kDataflowNames)
    if (e == d) return n.c_str();
  return "?";
}
const char* to_string(RoundingModes r) {
  for (const auto& [n, e] : kRoundingNames)
    if (e == r) return n.c_str();
  return "?";
}
const char* to_string(Mutation m) {
  for (const auto& [n, e] : kMutationNames)
    if (e == m) return n.c_str();
  return "?";
}

int64_t min_input_depth(int rows, int cols) { return int64_t{rows} * cols; }
int64_t min_weight_depth(int rows, int cols) { return int64_t{rows} * cols; }
int64_t min_output_depth(int rows, int cols) { return 2 * int64_t{rows} * cols; }

void validate(const Config& c) {
  check_range("rows", c.rows, 1, kMaxDim);
  check_range("cols", c.cols, 1, kMaxDim);
  check_range("data_width", c.data_width, 4, 16);
  check_range("acc_width", c.acc_width, 2 * c.data_width, 32,
              fmt::format(" (at least 2 * data_width = {}, at most 32)", 2 * c.data_width));
  check_range("banks", c.banks, 1, 16);
  if (!is_power_of_two(c.banks))
    fail(fmt::format("field 'banks' = {} is not a power of two: valid 1, 2, 4, 8, 16", c.banks));
  check_range("queue_depth", c.queue_depth, 1, 64);
  check_depth("input_depth", c.input_depth, min_input_depth(c.rows, c.cols), c.banks);
  check_depth("weight_depth", c.weight_depth, min_weight_depth(c.rows, c.cols), c.banks);
  check_depth("output_depth", c.output_depth, min_output_depth(c.rows, c.cols), c.banks);
}

Config config_from_json(const json& j) {
  if (!j.is_object()) fail(fmt::format("expected a JSON object, got {}", j.type_name()));
  for (const auto& [key, value] : j.items()) {
    (void)value;
    if (key == "config_hash") continue;  // derived; written by `qta gen`, recomputed here
    if (!contains(integer_fields(), key) && !contains(string_fields(), key))
      fail(fmt::format("unknown field '{}': valid fields are {}, {}", key, join(integer_fields()),
                       join(string_fields())));
  }
  Config c;
  auto int_field = [&](const char* key, auto& out) {
    if (!j.contains(key)) return;
    const int64_t v = get_integer(j, key);
    // Range-check before narrowing so a huge value is reported as given.
    if (sizeof(out) == sizeof(int) && (v < INT32_MIN || v > INT32_MAX)) {
      check_range(key, v, INT32_MIN, INT32_MAX);
    }
    out = static_cast<std::remove_reference_t<decltype(out)>>(v);
  };
  int_field("rows", c.rows);
  int_field("cols", c.cols);
  int_field("data_width", c.data_width);
  int_field("acc_width", c.acc_width);
  int_field("input_depth", c.input_depth);
  int_field("weight_depth", c.weight_depth);
  int_field("output_depth", c.output_depth);
  int_field("banks", c.banks);
  int_field("queue_depth", c.queue_depth);
  if (j.contains("dataflows")) c.dataflows = parse_enum("dataflows", get_string(j, "dataflows"), kDataflowNames);
  if (j.contains("rounding")) c.rounding = parse_enum("rounding", get_string(j, "rounding"), kRoundingNames);
  if (j.contains("mutation")) c.mutation = parse_enum("mutation", get_string(j, "mutation"), kMutationNames);
  validate(c);
  return c;
}

Config load_config(const std::optional<std::filesystem::path>& file, const Overrides& overrides) {
  json j = json::object();
  if (file) {
    std::ifstream in(*file);
    if (!in) fail(fmt::format("cannot open configuration file '{}'", file->string()));
    try {
      j = json::parse(in);
    } catch (const json::parse_error& e) {
      fail(fmt::format("'{}' is not valid JSON: {}", file->string(), e.what()));
    }
    if (!j.is_object()) fail(fmt::format("'{}' must hold a JSON object", file->string()));
  }
  for (const auto& [key, text] : overrides) j[key] = parse_override(key, text);
  return config_from_json(j);
}

json to_json(const Config& c) {
  return json{{"rows", c.rows},
              {"cols", c.cols},
              {"data_width", c.data_width},
              {"acc_width", c.acc_width},
              {"input_depth", c.input_depth},
              {"weight_depth", c.weight_depth},
              {"output_depth", c.output_depth},
              {"banks", c.banks},
              {"queue_depth", c.queue_depth},
              {"dataflows", to_string(c.dataflows)},
              {"rounding", to_string(c.rounding)},
              {"mutation", to_string(c.mutation)}};
}

uint64_t config_hash(const Config& c) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char ch : to_json(c).dump()) {
    h ^= ch;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string config_hash_hex(const Config& c) { return fmt::format("{:016x}", config_hash(c)); }

}  // namespace qta::gen
