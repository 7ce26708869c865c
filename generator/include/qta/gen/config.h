// The generator's configuration: one typed object, validated once, passed to the templates.
// Schema and ranges: docs/config.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace qta::gen {

enum class Dataflows { WS, OS, Both };
enum class RoundingModes { RNE, SR, Both };
// Deliberate bugs, only for checking that verification catches them (docs/config.md).
enum class Mutation { None, QuantRoundHalfUp, PeDropAccMsb };

struct Config {
  int rows = 8;                // PE array rows R, 1..128
  int cols = 8;                // PE array columns C, 1..128
  int data_width = 8;          // operand width q, 4..16
  int acc_width = 32;          // accumulator width, 2*data_width..32
  int64_t input_depth = 4096;  // input (operand A) buffer, elements
  int64_t weight_depth = 4096; // weight (operand B) buffer, elements
  int64_t output_depth = 8192; // output buffer, acc_width-bit words (int32 results and int8 copies)
  int banks = 1;               // physical banks per buffer, power of two 1..16, divides every depth
  int queue_depth = 4;         // descriptor queue entries, 1..64
  Dataflows dataflows = Dataflows::Both;
  RoundingModes rounding = RoundingModes::Both;
  Mutation mutation = Mutation::None;

  bool supports_ws() const { return dataflows != Dataflows::OS; }
  bool supports_os() const { return dataflows != Dataflows::WS; }
  bool supports_rne() const { return rounding != RoundingModes::SR; }
  bool supports_sr() const { return rounding != RoundingModes::RNE; }
};

const char* to_string(Dataflows d);
const char* to_string(RoundingModes r);
const char* to_string(Mutation m);

// Field values given on the command line; each set one overrides the file.
using Overrides = std::map<std::string, std::string>;

// Reads an optional JSON file, applies the overrides, validates. Throws qta::UsageError naming
// the field, the bad value and the valid range (unknown key, wrong type, out of range, bad mode,
// buffer smaller than one tile).
Config load_config(const std::optional<std::filesystem::path>& file, const Overrides& overrides = {});
// Same from an already parsed JSON object (the key "config_hash" is accepted and ignored).
Config config_from_json(const nlohmann::json& j);
// Throws qta::UsageError if any field is out of range or inconsistent.
void validate(const Config& c);

// Every field, defaults filled in, in a fixed key order (nlohmann::json sorts keys).
nlohmann::json to_json(const Config& c);
// FNV-1a 64 over to_json(c).dump(): stable across runs, machines and compilers.
uint64_t config_hash(const Config& c);
std::string config_hash_hex(const Config& c);  // 16 lowercase hex digits

// Smallest legal buffer depths for an array (one R x C tile; the output buffer holds the
// int32 tile and its requantized copy).
int64_t min_input_depth(int rows, int cols);
int64_t min_weight_depth(int rows, int cols);
int64_t min_output_depth(int rows, int cols);

}  // namespace qta::gen
