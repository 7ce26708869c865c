// The configuration schema (one field table), loading, validation and the command-line flags
// derived from it (docs/config.md).
#include "qta/gen/config.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "qta/cli.h"
#include "qta/hash.h"
#include "qta/json_read.h"
#include "qta/number.h"
#include "qta/options.h"
#include "qta/strings.h"
#include "qta/version.h"

namespace qta::gen {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& msg) { throw qta::UsageError("config: " + msg); }

template <class E>
struct EnumNames {
  std::vector<std::pair<std::string, E>> names;
  std::vector<std::string> list() const {
    std::vector<std::string> v;
    for (const auto& [n, e] : names) v.push_back(n);
    return v;
  }
  const char* name(E e) const {
    for (const auto& [n, x] : names)
      if (x == e) return n.c_str();
    return "?";
  }
  E value(const std::string& n) const {
    for (const auto& [s, e] : names)
      if (s == n) return e;
    return names.front().second;  // unreachable: set() receives checked names only
  }
};

const EnumNames<Dataflows> kDataflowNames{{{"ws", Dataflows::WS}, {"os", Dataflows::OS}, {"both", Dataflows::Both}}};
const EnumNames<RoundingModes> kRoundingNames{
    {{"rne", RoundingModes::RNE}, {"sr", RoundingModes::SR}, {"both", RoundingModes::Both}}};
const EnumNames<Mutation> kMutationNames{{{"none", Mutation::None},
                                          {"quant_round_half_up", Mutation::QuantRoundHalfUp},
                                          {"pe_drop_acc_msb", Mutation::PeDropAccMsb}}};

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : sep) + x;
  return out;
}

template <class T>
ConfigField integer(const char* name, T ConfigFields::*member, int64_t lo, int64_t hi, std::string default_doc,
                    std::string valid_doc, std::string help) {
  ConfigField f;
  f.name = name;
  f.kind = ConfigField::Kind::Integer;
  f.lo = lo;
  f.hi = hi;
  f.default_doc = std::move(default_doc);
  f.valid_doc = std::move(valid_doc);
  f.help = std::move(help);
  f.get = [member](const ConfigFields& c) { return json(static_cast<int64_t>(c.*member)); };
  f.set = [member](ConfigFields& c, const json& v) { c.*member = static_cast<T>(v.get<int64_t>()); };
  return f;
}

template <class E>
ConfigField choice(const char* name, E ConfigFields::*member, const EnumNames<E>& names, std::string help) {
  ConfigField f;
  f.name = name;
  f.kind = ConfigField::Kind::Choice;
  f.choices = names.list();
  f.default_doc = fmt::format("\"{}\"", names.name(ConfigFields{}.*member));
  std::vector<std::string> quoted;
  for (const auto& n : f.choices) quoted.push_back("\"" + n + "\"");
  f.valid_doc = join(quoted);
  f.help = std::move(help);
  f.get = [member, &names](const ConfigFields& c) { return json(names.name(c.*member)); };
  f.set = [member, &names](ConfigFields& c, const json& v) { c.*member = names.value(v.get<std::string>()); };
  return f;
}

std::string flag_name(const std::string& field) {
  std::string flag = "--" + field;
  for (auto& ch : flag)
    if (ch == '_') ch = '-';
  return flag;
}

std::vector<std::string> field_names() {
  std::vector<std::string> v;
  for (const auto& f : config_fields()) v.push_back(f.name);
  return v;
}

// Static checks of one JSON value against its row: type and range (or choice). Values are shown
// bounded (shown_json): a 10 MB string gives a short message.
void check_value(const ConfigField& f, const json& v) {
  if (f.kind == ConfigField::Kind::Choice) {
    if (!v.is_string())
      fail(fmt::format("field '{}' = {} has the wrong type: expected a string; valid: {}", f.name, qta::shown_json(v),
                       f.valid_doc));
    for (const auto& c : f.choices)
      if (c == v.get<std::string>()) return;
    fail(fmt::format("field '{}' = {} is not a valid mode; valid: {}", f.name, qta::shown_json(v), join(f.choices)));
  }
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
    fail(fmt::format("field '{}' = {} is out of range; valid: {}", f.name, qta::shown_json(v), f.valid_doc));
  if (!v.is_number_integer())
    fail(fmt::format("field '{}' = {} has the wrong type: expected an integer; valid: {}", f.name, qta::shown_json(v),
                     f.valid_doc));
  const int64_t x = v.get<int64_t>();
  if (x < f.lo || x > f.hi) fail(fmt::format("field '{}' = {} is out of range; valid: {}", f.name, x, f.valid_doc));
}

void check_range(const char* field, int64_t value, int64_t lo, int64_t hi, const std::string& why = "") {
  if (value < lo || value > hi)
    fail(fmt::format("field '{}' = {} is out of range; valid: {}..{}{}", field, value, lo, hi, why));
}

bool is_power_of_two(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

// col_groups (of cols) and row_groups (of rows): a power of two dividing the dimension it splits,
// and more than one group only with the WS dataflow (WSC and WSR are WS on groups).
void check_groups(const char* field, int groups, const char* dim_name, int dim, Dataflows dataflows) {
  if (!is_power_of_two(groups) || dim % groups != 0)
    fail(fmt::format("field '{}' = {} does not divide {} = {} into equal groups; valid: 1, 2, 4, 8 or 16 "
                     "dividing {} (0 = derived)",
                     field, groups, dim_name, dim, dim_name));
  if (groups > 1 && dataflows == Dataflows::OS)
    fail(fmt::format("field '{}' = {} needs the WS dataflow, but dataflows = os; valid: 1 (or 0 = derived)", field,
                     groups));
}

// `min_source` says where the minimum comes from, e.g. "rows * cols = 8 * 8".
void check_depth(const char* field, int64_t depth, int64_t min_depth, const std::string& min_source, int banks) {
  check_range(field, depth, min_depth, kMaxDepth, fmt::format(" (at least {} = {}: one tile)", min_source, min_depth));
  if (depth % banks != 0)
    fail(fmt::format("field '{}' = {} is not a multiple of banks = {}; valid: depths that are multiples of banks",
                     field, depth, banks));
}

// A flag's text as the JSON value of its field: integers through the one number parser
// (qta/number.h: decimal only, no octal, hex or empty text, overflow reported as typed), the
// text itself for choices (checked by check_value).
json parse_override(const std::string& key, const std::string& text) {
  const ConfigField* f = find_field(key);
  if (!f) fail(fmt::format("unknown field '{}': valid fields are {}", qta::shown(key), join(field_names())));
  if (f->kind == ConfigField::Kind::Choice) {
    if (text.empty()) fail(fmt::format("field '{}' = \"\" is empty; valid: {}", key, join(f->choices)));
    return json(text);
  }
  return json(qta::parse_int(text, "config: field '" + key + "'", f->lo, f->hi, f->valid_doc));
}

// The configuration file's text as JSON by the strict reader (qta/json_read.h): depth limit,
// no duplicate keys, no NUL, numbers out of range named with their field.
json read_config_json(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) fail(fmt::format("cannot open configuration file '{}'", qta::shown(file.string(), 200)));
  // Read with a cap: a pipe or a device (/dev/zero) must not fill the memory.
  constexpr size_t kMaxBytes = size_t{64} << 20;
  std::string text;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, size_t(in.gcount()));
    if (text.size() > kMaxBytes)
      fail(fmt::format("configuration file '{}' is larger than 64 MiB; valid: a JSON file of at most 64 MiB",
                       qta::shown(file.string(), 200)));
  }
  if (in.bad()) fail(fmt::format("cannot read configuration file '{}'", qta::shown(file.string(), 200)));
  qta::JsonReadOptions o;
  o.source = "'" + qta::shown(file.string(), 200) + "'";
  o.max_depth = 8;  // the schema is flat: one object of numbers and strings
  o.out_of_range = [](const std::string& path, const std::string& token, bool integer) {
    const ConfigField* f = find_field(path);
    if (f && f->kind == ConfigField::Kind::Integer)
      fail(fmt::format("field '{}' = {} is out of range; valid: {}", path, qta::shown(token), f->valid_doc));
    if (f)
      fail(fmt::format("field '{}' = {} has the wrong type: expected a string; valid: {}", path, qta::shown(token),
                       f->valid_doc));
    fail(fmt::format("'{}' = {} is out of range ({}); valid: the fields {}", qta::shown(path), qta::shown(token),
                     integer ? "beyond 64 bits" : "beyond a double", join(field_names())));
  };
  return qta::parse_json_strict(text, o);
}

}  // namespace

const std::vector<ConfigField>& config_fields() {
  // The one field table. Adding a field: a member in ConfigFields, a row here, a row in
  // docs/config.md, and the templates that use it (docs/config.md, "Adding a field").
  static const std::vector<ConfigField> table = {
      integer("rows", &ConfigFields::rows, 1, kMaxDim, "8", "1..128", "PE array rows R (K in WS, M in OS)"),
      integer("cols", &ConfigFields::cols, 1, kMaxDim, "8", "1..128",
              "PE array columns C (N in both dataflows); also the quantizer's lanes"),
      integer("data_width", &ConfigFields::data_width, 4, 16, "8", "4..16",
              "operand width q; values are symmetric, [-(2^(q-1)-1), 2^(q-1)-1]"),
      integer("acc_width", &ConfigFields::acc_width, 1, 64, "32", "2*data_width..32",
              "accumulator width; the largest legal K is floor((2^(acc_width-1)-1) / qmax^2)"),
      integer("input_depth", &ConfigFields::input_depth, 0, kMaxDepth, "8*max(512, max(rows,cols)^2)",
              "rows*cols..2^24, multiple of banks; 0 = derived",
              "input (operand A) buffer, elements"),
      integer("weight_depth", &ConfigFields::weight_depth, 0, kMaxDepth, "8*max(512, max(rows,cols)^2)",
              "rows*cols..2^24, multiple of banks; 0 = derived",
              "weight (operand B) buffer, elements"),
      integer("output_depth", &ConfigFields::output_depth, 0, kMaxDepth, "16*max(512, max(rows,cols)^2)",
              "2*rows*cols..2^24, multiple of banks; 0 = derived",
              "output buffer, acc_width-bit words: int32 results and their requantized copy"),
      integer("banks", &ConfigFields::banks, 1, 16, "1", "1..16, a power of two",
              "interleaved banks per buffer (bank = address mod banks)"),
      integer("queue_depth", &ConfigFields::queue_depth, 1, 64, "4", "1..64", "descriptor queue entries"),
      integer("col_groups", &ConfigFields::col_groups, 0, 16,
              "4 if cols is a multiple of 4, cols >= 8 and dataflows has ws; else 1",
              "1, 2, 4, 8 or 16, dividing cols; 1 if dataflows is os; 0 = derived",
              "column groups of the WSC dataflow: a GEMM with N <= cols/col_groups runs col_groups chunks of "
              "its M rows side by side (the input buffer gets col_groups*rows read lanes); 1 = no WSC"),
      integer("row_groups", &ConfigFields::row_groups, 0, 16,
              "4 if rows is a multiple of 4 and rows >= 16; else 2 if rows is even and rows >= 8; 1 if dataflows is os",
              "1, 2, 4, 8 or 16, dividing rows; 1 if dataflows is os; 0 = derived",
              "row groups of the WSR dataflow: a GEMM with K <= rows/row_groups runs row_groups chunks of its M "
              "rows stacked down the array (the output buffer gets row_groups*cols write lanes); 1 = no WSR"),
      integer("requant_lanes", &ConfigFields::requant_lanes, 0, 512, "cols",
              "cols, 2*cols, 4*cols or 8*cols, at most 512; 0 = derived",
              "lanes of the requantization pass (qta_finish, qta_quantizer): output-buffer read and write lanes "
              "of the second stage, which takes ceil(M*N/requant_lanes) cycles per descriptor"),
      choice("dataflows", &ConfigFields::dataflows, kDataflowNames,
             "dataflows the scheduler accepts; AUTO chooses among them"),
      choice("rounding", &ConfigFields::rounding, kRoundingNames, "rounding modes the quantizer accepts"),
      choice("mutation", &ConfigFields::mutation, kMutationNames,
             "test only: a deliberate bug, so verification can show it catches one"),
  };
  return table;
}

const ConfigField* find_field(const std::string& name) {
  for (const auto& f : config_fields())
    if (f.name == name) return &f;
  return nullptr;
}

const char* to_string(Dataflows d) { return kDataflowNames.name(d); }
const char* to_string(RoundingModes r) { return kRoundingNames.name(r); }
const char* to_string(Mutation m) { return kMutationNames.name(m); }

int derived_col_groups(int cols, bool supports_ws) { return supports_ws && cols >= 8 && cols % 4 == 0 ? 4 : 1; }
int derived_row_groups(int rows, bool supports_ws) {
  if (!supports_ws) return 1;
  if (rows >= 16 && rows % 4 == 0) return 4;
  return rows >= 8 && rows % 2 == 0 ? 2 : 1;
}
int64_t min_input_depth(int rows, int cols) { return int64_t{rows} * cols; }
int64_t min_weight_depth(int rows, int cols) { return int64_t{rows} * cols; }
int64_t min_output_depth(int rows, int cols) { return 2 * int64_t{rows} * cols; }
// The square of the longer side: a thin array (1 x 65) still runs the LoRA shapes its long side
// implies (the layer test's rank C/2 gives a B of (C/2) x (2C+1) words).
int64_t derived_tiles_base(int rows, int cols) {
  const int64_t m = std::max(rows, cols);
  return std::max<int64_t>(512, m * m);
}
int64_t default_input_depth(int rows, int cols) { return 8 * derived_tiles_base(rows, cols); }
int64_t default_weight_depth(int rows, int cols) { return 8 * derived_tiles_base(rows, cols); }
int64_t default_output_depth(int rows, int cols) { return 16 * derived_tiles_base(rows, cols); }

Config Config::validate(ConfigFields c) {
  for (const auto& f : config_fields()) check_value(f, f.get(c));
  check_range("acc_width", c.acc_width, 2 * c.data_width, 32,
              fmt::format(" (at least 2 * data_width = {}, at most 32)", 2 * c.data_width));
  if (!is_power_of_two(c.banks))
    fail(fmt::format("field 'banks' = {} is not a power of two; valid: 1, 2, 4, 8, 16", c.banks));
  if (c.col_groups == kDerived) c.col_groups = derived_col_groups(c.cols, c.dataflows != Dataflows::OS);
  check_groups("col_groups", c.col_groups, "cols", c.cols, c.dataflows);
  if (c.row_groups == kDerived) c.row_groups = derived_row_groups(c.rows, c.dataflows != Dataflows::OS);
  check_groups("row_groups", c.row_groups, "rows", c.rows, c.dataflows);
  if (c.requant_lanes == kDerived) c.requant_lanes = c.cols;
  if (c.requant_lanes % c.cols != 0 || !is_power_of_two(c.requant_lanes / c.cols) || c.requant_lanes / c.cols > 8)
    fail(fmt::format("field 'requant_lanes' = {} is not cols = {} times 1, 2, 4 or 8; valid: {}, {}, {} or {} "
                     "(at most 512; 0 = derived)",
                     c.requant_lanes, c.cols, c.cols, 2 * c.cols, 4 * c.cols, 8 * c.cols));
  if (c.input_depth == kDerived) c.input_depth = default_input_depth(c.rows, c.cols);
  if (c.weight_depth == kDerived) c.weight_depth = default_weight_depth(c.rows, c.cols);
  if (c.output_depth == kDerived) c.output_depth = default_output_depth(c.rows, c.cols);
  const std::string tile = fmt::format("rows * cols = {} * {}", c.rows, c.cols);
  check_depth("input_depth", c.input_depth, min_input_depth(c.rows, c.cols), tile, c.banks);
  check_depth("weight_depth", c.weight_depth, min_weight_depth(c.rows, c.cols), tile, c.banks);
  check_depth("output_depth", c.output_depth, min_output_depth(c.rows, c.cols),
              fmt::format("2 * rows * cols = 2 * {} * {}", c.rows, c.cols), c.banks);
  return Config(std::move(c), 0);
}

std::vector<Dataflow> Config::dataflows() const {
  std::vector<Dataflow> d;
  if (supports_ws()) d.push_back(Dataflow::WS);
  if (supports_os()) d.push_back(Dataflow::OS);
  if (supports_wsc()) d.push_back(Dataflow::WSC);
  if (supports_wsr()) d.push_back(Dataflow::WSR);
  return d;
}

int64_t Config::max_k() const {
  const int64_t qmax = (int64_t{1} << (f_.data_width - 1)) - 1;
  const int64_t acc_max = (int64_t{1} << (f_.acc_width - 1)) - 1;
  return acc_max / (qmax * qmax);
}

Config config_from_json(const json& j) {
  if (!j.is_object()) fail(fmt::format("expected a JSON object, got {}", j.type_name()));
  ConfigFields c;
  for (const auto& [key, value] : j.items()) {
    if (key == "config_hash") continue;  // derived; written by `qta gen`, recomputed here
    const ConfigField* f = find_field(key);
    if (!f)
      fail(fmt::format("unknown field '{}': valid fields are {}", qta::shown(key, 64), join(field_names())));
    check_value(*f, value);
    f->set(c, value);
  }
  return Config::validate(c);
}

std::vector<std::string> named_configs() {
  std::vector<std::string> names;
  const fs::path dir = fs::path(qta::kSourceDir) / "generator" / "configs";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

fs::path named_config_path(const std::string& name) {
  for (const auto& n : named_configs())
    if (n == name) return fs::path(qta::kSourceDir) / "generator" / "configs" / (name + ".json");
  fail(fmt::format("'{}' is neither a configuration file nor a named configuration: valid names are {}",
                   qta::shown(name, 200), join(named_configs())));
}

Config load_config(const std::optional<fs::path>& file_in, const Overrides& overrides) {
  json j = json::object();
  if (file_in) {
    fs::path file = *file_in;
    // A bare name without a path or an extension is a named configuration (generator/configs).
    std::error_code ec;
    if (file.empty()) fail("--config is empty: valid is a JSON file or a named configuration");
    if (!fs::exists(file, ec) && file.extension().empty() && !file.has_parent_path()) file = named_config_path(file.string());
    if (fs::is_directory(file, ec))
      fail(fmt::format("configuration file '{}' is a directory: valid is a JSON file", qta::shown(file.string(), 200)));
    j = read_config_json(file);
    if (!j.is_object())
      fail(fmt::format("'{}' must hold a JSON object, not {}", qta::shown(file.string(), 200), j.type_name()));
  }
  for (const auto& [key, text] : overrides) j[key] = parse_override(key, text);
  return config_from_json(j);
}

void add_config_flags(CLI::App& cmd, Overrides& overrides, std::string& config_file) {
  qta::add_text_option(cmd, "--config", config_file,
                       "configuration: a JSON file, or a named configuration (" + join(named_configs()) +
                           "); the field flags override it");
  for (const auto& f : config_fields()) {
    std::string help = f.help + " (" + f.valid_doc + "; default " + f.default_doc + ")";
    // Text, not an integer: parse_override does the strict decimal conversion and the message.
    // Recorded only when given, so an empty value ("--rows ''") is an error, not "not given".
    const std::string name = f.name;
    cmd.add_option_function<std::string>(
        flag_name(f.name), [&overrides, name](const std::string& v) { overrides[name] = v; }, help);
  }
}

Config config_from_flags(const std::string& config_file, const Overrides& overrides, const Overrides& extra) {
  Overrides given = overrides;  // only the flags that were given (add_config_flags)
  for (const auto& [k, v] : extra) given[k] = v;
  std::optional<fs::path> file;
  if (!config_file.empty()) file = config_file;
  return load_config(file, given);
}

std::string config_flags_text(const std::string& config_file, const Overrides& overrides) {
  std::string out;
  if (!config_file.empty()) out += " --config " + config_file;
  for (const auto& f : config_fields()) {
    const auto it = overrides.find(f.name);
    if (it != overrides.end()) out += " " + flag_name(f.name) + " " + it->second;
  }
  return out.empty() ? out : out.substr(1);
}

nlohmann::ordered_json to_json(const Config& c) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& f : config_fields()) j[f.name] = f.get(c.fields());
  return j;
}

uint64_t config_hash(const Config& c) {
  // nlohmann::json sorts keys: the hash does not depend on the table's order.
  return qta::fnv1a64(json::parse(to_json(c).dump()).dump());
}

std::string config_hash_hex(const Config& c) { return qta::hex16(config_hash(c)); }

}  // namespace qta::gen
