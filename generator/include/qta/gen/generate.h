// `qta gen`: renders the templates for one configuration (docs/interfaces.md section 7).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "qta/gen/config.h"

namespace qta::gen {

// Modules in dependency order (leaves first); each lives in rtl/<name>.v.
const std::vector<std::string>& module_names();

// Directory holding the *.mustache templates: $QTA_TEMPLATE_DIR if set, else <source>/templates.
std::filesystem::path default_template_dir();

// Writes DIR/{config.json, manifest.json, rtl/*.v, qta_top.f, qta.core}. Everything is written
// into a temporary sibling directory first and renamed to out_dir at the end, so an error never
// leaves a partial tree. An existing out_dir is replaced only if it holds a previous `qta gen`
// output (a manifest.json); otherwise qta::UsageError. Output is a pure function of
// (config, command, generator version): byte-identical on every run.
void generate(const Config& config, const std::filesystem::path& out_dir, const std::string& command,
              const std::filesystem::path& template_dir = default_template_dir());

// Renders one mustache template file with the values of a JSON object (strings, numbers, bools;
// arrays of objects as lists), without HTML escaping. Used for the RTL and for the other generated
// files (the per-configuration model project of `qta verify`).
std::string render_template(const std::filesystem::path& template_file, const nlohmann::json& values);

// Derived quantities the templates see (exposed for tests).
int address_bits(int64_t depth);  // ceil(log2(depth)), at least 1

}  // namespace qta::gen
