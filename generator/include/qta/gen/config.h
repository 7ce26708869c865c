// The accelerator's configuration: one schema (the field table `config_fields()`), one typed
// validated object (`Config`), read by the generator, the performance model, the test bench and
// the harness alike. Schema, ranges and the derived defaults: docs/config.md; how to add a field:
// docs/config.md, "Adding a field".
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "qta/dataflow.h"

namespace CLI {
class App;
}

namespace qta::gen {

using qta::Dataflow;

enum class Dataflows { WS, OS, Both };       // which dataflows a build supports
enum class RoundingModes { RNE, SR, Both };  // which rounding modes a build supports
// Deliberate bugs, only for checking that verification catches them (docs/config.md).
enum class Mutation { None, QuantRoundHalfUp, PeDropAccMsb };

const char* to_string(Dataflows d);
const char* to_string(RoundingModes r);
const char* to_string(Mutation m);

inline constexpr int kMaxDim = 128;               // rows and cols
inline constexpr int64_t kMaxDepth = int64_t{1} << 24;
inline constexpr int64_t kMaxGemmDim = 65535;     // M, N, K of a descriptor (16-bit fields)
inline constexpr int64_t kDerived = 0;            // a depth of 0: derived from the array size

// The fields as a configuration file states them. Plain data: not yet validated, depths may be
// kDerived. Every field has one row in config_fields(); nothing else lists them.
struct ConfigFields {
  int rows = 8;
  int cols = 8;
  int data_width = 8;
  int acc_width = 32;
  int64_t input_depth = kDerived;
  int64_t weight_depth = kDerived;
  int64_t output_depth = kDerived;
  int banks = 1;
  int queue_depth = 4;
  int col_groups = 0;  // kDerived: derived_col_groups
  int row_groups = 0;  // kDerived: derived_row_groups
  int requant_lanes = 0;  // kDerived: cols
  Dataflows dataflows = Dataflows::Both;
  RoundingModes rounding = RoundingModes::Both;
  Mutation mutation = Mutation::None;
};

// One row of the schema. The JSON key is `name`; the command-line flag is `--name` with '-' for
// '_'. Integer fields have a static range [lo, hi] (cross-field rules are in Config::validate);
// choice fields a list of names.
struct ConfigField {
  enum class Kind { Integer, Choice };
  std::string name;
  Kind kind = Kind::Integer;
  int64_t lo = 0, hi = 0;
  std::vector<std::string> choices;
  std::string default_doc;  // the default as docs/config.md states it
  std::string valid_doc;    // the valid values as docs/config.md states them
  std::string help;
  // Reads the field as JSON (integer or choice name); writes a value already checked against
  // kind and static range.
  std::function<nlohmann::json(const ConfigFields&)> get;
  std::function<void(ConfigFields&, const nlohmann::json&)> set;
};
const std::vector<ConfigField>& config_fields();
const ConfigField* find_field(const std::string& name);

// A configuration that passed validation: every depth resolved, every range and cross-field
// rule checked. Only Config::validate makes one, so a function taking a Config never checks
// again. Fields are read through -> (config->rows).
class Config {
 public:
  // Resolves derived depths and checks everything; throws qta::UsageError naming the field, the
  // bad value and the valid range.
  static Config validate(ConfigFields fields);
  Config() : Config(validate(ConfigFields{})) {}  // the default configuration

  const ConfigFields& fields() const { return f_; }
  const ConfigFields* operator->() const { return &f_; }

  bool supports_ws() const { return f_.dataflows != Dataflows::OS; }
  bool supports_os() const { return f_.dataflows != Dataflows::WS; }
  bool supports_rne() const { return f_.rounding != RoundingModes::SR; }
  bool supports_sr() const { return f_.rounding != RoundingModes::RNE; }
  bool supports_wsc() const { return f_.col_groups > 1; }  // WS on column groups (implies WS)
  bool supports_wsr() const { return f_.row_groups > 1; }  // WS on row groups (implies WS)
  std::vector<Dataflow> dataflows() const;  // WS, OS, WSC and/or WSR: the explicit ones it accepts
  int64_t max_k() const;                    // largest K whose sums fit the accumulator

 private:
  explicit Config(ConfigFields f, int) : f_(std::move(f)) {}
  ConfigFields f_;
};

// Field values given on the command line as text; each set one overrides the file.
using Overrides = std::map<std::string, std::string>;

// Reads an optional JSON file, applies the overrides, validates. Throws qta::UsageError naming
// the field, the bad value and the valid range (unknown key, wrong type, out of range, bad mode,
// buffer smaller than one tile).
Config load_config(const std::optional<std::filesystem::path>& file, const Overrides& overrides = {});
// Same from an already parsed JSON object (the key "config_hash" is accepted and ignored).
Config config_from_json(const nlohmann::json& j);
// Named configurations: generator/configs/<name>.json (paper_64x64, ws_only, ...).
std::vector<std::string> named_configs();
std::filesystem::path named_config_path(const std::string& name);  // throws UsageError if unknown

// Adds one flag per field to a subcommand (--rows, --input-depth, ...), and --config FILE
// (a path or a named configuration). Values land as text in `overrides` / `config_file`.
void add_config_flags(CLI::App& cmd, Overrides& overrides, std::string& config_file);
// The configuration those flags describe (empty values are "not given").
Config config_from_flags(const std::string& config_file, const Overrides& overrides,
                         const Overrides& extra = {});
// A command-line fragment reproducing the configuration: "--config FILE" when one was given,
// plus the flags that were given.
std::string config_flags_text(const std::string& config_file, const Overrides& overrides);

// Every field, depths resolved, in schema order.
nlohmann::ordered_json to_json(const Config& c);
// FNV-1a 64 over the compact JSON of every field with sorted keys: stable across runs,
// machines and compilers.
uint64_t config_hash(const Config& c);
std::string config_hash_hex(const Config& c);  // 16 lowercase hex digits

// Smallest legal buffer depths for an array (one R x C tile; the output buffer holds the
// int32 tile and its requantized copy).
int64_t min_input_depth(int rows, int cols);
// The column groups of the WSC dataflow when the configuration does not say: 4 when cols is a
// multiple of 4 and at least 8 and the array runs WS, else 1 (no WSC).
int derived_col_groups(int cols, bool supports_ws);
// The row groups of the WSR dataflow when the configuration does not say: 4 when rows is a
// multiple of 4 and at least 16, else 2 when rows is even and at least 8, if the array runs WS;
// else 1 (no WSR).
int derived_row_groups(int rows, bool supports_ws);
int64_t min_weight_depth(int rows, int cols);
int64_t min_output_depth(int rows, int cols);
// Depths used when a configuration leaves them out (docs/config.md): 8 (operands) and 16
// (outputs) times max(512, max(R, C)^2) words: eight square tiles of the longer side, at least
// 4096 / 4096 / 8192 words.
int64_t default_input_depth(int rows, int cols);
int64_t default_weight_depth(int rows, int cols);
int64_t default_output_depth(int rows, int cols);

}  // namespace qta::gen
