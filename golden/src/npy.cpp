#include "qta/golden/npy.h"

#include <fmt/format.h>

#include "qta/cli.h"
#include "qta/text_io.h"

namespace qta::golden {

namespace fs = std::filesystem;

std::string npy_header(const std::string& descr, int64_t rows, int64_t cols) {
  std::string dict = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}, {}), }}", descr, rows, cols);
  // magic(6) + version(2) + header length(2) + dict + padding + '\n' is a multiple of 64.
  const size_t unpadded = 10 + dict.size() + 1;
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict.push_back('\n');
  std::string out("\x93NUMPY\x01\x00", 8);
  out.push_back(char(dict.size() & 0xff));
  out.push_back(char((dict.size() >> 8) & 0xff));
  return out + dict;
}

namespace {
// Through write_text: a full disk is a FileError naming the dump directory (exit 2), not an
// internal error, and leaves no partial file.
template <class T>
void write_raw(const fs::path& file, const std::string& descr, int64_t rows, int64_t cols, const std::vector<T>& v) {
  std::string bytes = npy_header(descr, rows, cols);
  bytes.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));  // x86-64: little-endian
  write_text(file, bytes);
}
}  // namespace

void write_npy(const fs::path& file, const MatF& x) { write_raw(file, "<f4", x.rows, x.cols, x.data); }

void write_npy(const fs::path& file, const MatI& x, int bits) {
  if (bits <= 8) {
    std::vector<int8_t> v(x.data.begin(), x.data.end());
    write_raw(file, "|i1", x.rows, x.cols, v);
  } else if (bits <= 16) {
    std::vector<int16_t> v(x.data.begin(), x.data.end());
    write_raw(file, "<i2", x.rows, x.cols, v);
  } else {
    write_raw(file, "<i4", x.rows, x.cols, x.data);
  }
}

// Only a new path or an empty directory: no marker file makes an existing dump replaceable.
TensorDump::TensorDump(fs::path dir) : staged_(std::move(dir), {{}, "dump directory", "qta golden"}) {}

void TensorDump::add(const std::string& name, const MatF& x, const std::string& kind) {
  const std::string file = name + ".npy";
  write_npy(staged_.path() / file, x);
  files_.push_back({{"name", name}, {"file", file}, {"shape", {x.rows, x.cols}}, {"dtype", "float32"}, {"kind", kind}});
}

void TensorDump::add(const std::string& name, const QTensor& x, const std::string& kind) {
  const std::string file = name + ".npy";
  write_npy(staged_.path() / file, x.values, x.q);
  files_.push_back({{"name", name},
                    {"file", file},
                    {"shape", {x.values.rows, x.values.cols}},
                    {"dtype", x.q <= 8 ? "int8" : "int16"},
                    {"bits", x.q},
                    {"scale", x.scale},
                    {"kind", kind}});
}

void TensorDump::add_int32(const std::string& name, const MatI& x, const std::string& kind) {
  const std::string file = name + ".npy";
  write_npy(staged_.path() / file, x, 32);
  files_.push_back({{"name", name}, {"file", file}, {"shape", {x.rows, x.cols}}, {"dtype", "int32"}, {"kind", kind}});
}

void TensorDump::commit() {
  nlohmann::json manifest = meta_;
  manifest["tensors"] = files_;
  write_text(staged_.path() / "manifest.json", manifest.dump(2) + "\n");
  staged_.commit();
}

}  // namespace qta::golden
