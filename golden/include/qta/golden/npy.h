// Writing tensors as NumPy .npy files (format version 1.0) and a manifest.json naming them,
// into a directory that appears complete or not at all.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "qta/atomic_dir.h"
#include "qta/golden/quant.h"

namespace qta::golden {

// Little-endian float32 ('<f4'); quantized values as the narrowest integer dtype that holds q bits
// ('|i1' for q <= 8, '<i2' for q <= 16); int32 accumulators as '<i4'.
void write_npy(const std::filesystem::path& file, const MatF& x);
void write_npy(const std::filesystem::path& file, const MatI& x, int bits);
std::string npy_header(const std::string& descr, int64_t rows, int64_t cols);

// Collects tensors into a temporary directory beside `dir` (qta::AtomicDir); commit() writes
// manifest.json and moves the directory into place. Destroyed without commit(), it removes the
// temporary directory: nothing half-written is ever left at `dir`, and a dump never replaces a
// non-empty directory (not even a previous dump).
class TensorDump {
 public:
  // Throws qta::UsageError if dir's parent does not exist or dir exists and is not empty.
  explicit TensorDump(std::filesystem::path dir);
  TensorDump(const TensorDump&) = delete;
  TensorDump& operator=(const TensorDump&) = delete;

  void add(const std::string& name, const MatF& x, const std::string& kind);
  void add(const std::string& name, const QTensor& x, const std::string& kind);
  void add_int32(const std::string& name, const MatI& x, const std::string& kind);
  nlohmann::json& meta() { return meta_; }
  void commit();

 private:
  qta::AtomicDir staged_;
  nlohmann::json meta_ = nlohmann::json::object();
  nlohmann::json files_ = nlohmann::json::array();
};

}  // namespace qta::golden
