// Reading a directory written by `qta gen` (docs/interfaces.md section 7): manifest.json,
// rtl/<module>.v, qta_top.f. The synthesis flow needs only the file list and the top name.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace qta::synth {

struct GeneratedDesign {
  std::filesystem::path dir;
  std::string top;                                        // manifest "top"
  std::vector<std::filesystem::path> rtl_files;           // absolute, in qta_top.f order
  std::map<std::string, std::filesystem::path> modules;   // module name -> absolute file
  nlohmann::json manifest;
  nlohmann::json config;  // config.json when present, else null
};

// Throws qta::UsageError naming the directory and what is missing when `dir` is not a
// generated configuration (no manifest.json, unreadable JSON, no qta_top.f, a listed file
// that does not exist, no qta_pe module).
GeneratedDesign read_generated_dir(const std::filesystem::path& dir);

}  // namespace qta::synth
