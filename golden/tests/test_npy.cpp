// .npy format and the dump directory's all-or-nothing behaviour.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "qta/cli.h"
#include "qta/golden/npy.h"

using namespace qta::golden;
namespace fs = std::filesystem;

namespace {
fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("qta_golden_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}
bool has_temp_leftovers(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return true;
  return false;
}
}  // namespace

TEST(Npy, HeaderIsVersion1PaddedTo64Bytes) {
  const std::string h = npy_header("<f4", 2, 3);
  EXPECT_EQ(h.size() % 64, 0u);
  EXPECT_EQ(h.substr(0, 6), "\x93NUMPY");
  EXPECT_EQ(h[6], 1);
  EXPECT_EQ(h.back(), '\n');
  EXPECT_NE(h.find("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), std::string::npos);
}

TEST(Npy, Int8PayloadIsOneBytePerElementRowMajor) {
  const fs::path d = fresh_dir("int8");
  MatI m(2, 2);
  m.data = {-127, 1, 2, 127};
  write_npy(d / "m.npy", m, 8);
  std::ifstream is(d / "m.npy", std::ios::binary);
  const std::string raw((std::istreambuf_iterator<char>(is)), {});
  const size_t header = npy_header("|i1", 2, 2).size();
  ASSERT_EQ(raw.size(), header + 4u);
  EXPECT_EQ(int8_t(raw[header]), -127);
  EXPECT_EQ(int8_t(raw[header + 3]), 127);
  fs::remove_all(d);
}

TEST(TensorDump, WithoutCommitNothingIsLeft) {
  const fs::path d = fresh_dir("abort");
  {
    TensorDump dump(d / "out");
    dump.add("x", MatF(2, 2, 1.0f), "input");
  }
  EXPECT_FALSE(fs::exists(d / "out"));
  EXPECT_FALSE(has_temp_leftovers(d));
  fs::remove_all(d);
}

TEST(TensorDump, CommitWritesManifestAndFiles) {
  const fs::path d = fresh_dir("commit");
  {
    TensorDump dump(d / "out");
    dump.add("x", MatF(2, 3, 1.0f), "input");
    dump.add("xq", QTensor{MatI(2, 3, 5), 0.25, 8}, "quantized");
    dump.commit();
  }
  EXPECT_TRUE(fs::exists(d / "out" / "manifest.json"));
  EXPECT_TRUE(fs::exists(d / "out" / "x.npy"));
  EXPECT_TRUE(fs::exists(d / "out" / "xq.npy"));
  EXPECT_FALSE(has_temp_leftovers(d));
  fs::remove_all(d);
}

TEST(TensorDump, RefusesMissingParentAndNonEmptyDirectory) {
  const fs::path d = fresh_dir("refuse");
  EXPECT_THROW(TensorDump(d / "missing" / "out"), qta::UsageError);
  fs::create_directories(d / "full");
  std::ofstream(d / "full" / "keep.txt") << "precious";
  EXPECT_THROW(TensorDump(d / "full"), qta::UsageError);
  EXPECT_TRUE(fs::exists(d / "full" / "keep.txt"));
  fs::remove_all(d);
}
