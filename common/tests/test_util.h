// Helpers shared by the common tests.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace qta::test {

// A fresh directory under the build tree (per test and process), removed by the next run.
inline std::filesystem::path scratch_dir(const std::string& name) {
  auto d = std::filesystem::path(QTA_BINARY_DIR) / "common-test-scratch" / (name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

// Names in `dir`, sorted.
inline std::vector<std::string> entries(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace qta::test
