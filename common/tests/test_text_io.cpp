// qta::read_text / write_text / tail_lines: whole files, errors that name the path.
#include <gtest/gtest.h>

#include <functional>

#include "qta/text_io.h"
#include "test_util.h"

namespace qta {
namespace {
namespace fs = std::filesystem;
using test::scratch_dir;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const FileError& e) {
    return e.what();
  }
  return "";
}

TEST(TextIo, RoundTripCreatesParentsAndKeepsBytes) {
  const fs::path d = scratch_dir("roundtrip");
  const std::string bytes("line 1\r\n\0binary\xff\n", 17);
  write_text(d / "a/b/c.txt", bytes);
  EXPECT_EQ(read_text(d / "a/b/c.txt"), bytes);
  write_text(d / "a/b/c.txt", "shorter");  // truncates
  EXPECT_EQ(read_text(d / "a/b/c.txt"), "shorter");
  write_text(d / "empty", "");
  EXPECT_EQ(read_text(d / "empty"), "");
  const std::string big(1 << 20, 'x');
  write_text(d / "big", big);
  EXPECT_EQ(read_text(d / "big"), big);
}

TEST(TextIo, ReadErrorsNameThePath) {
  const fs::path d = scratch_dir("read_errors");
  const std::string missing = error_of([&] { read_text(d / "missing.txt"); });
  EXPECT_NE(missing.find("cannot read '" + (d / "missing.txt").string() + "'"), std::string::npos) << missing;
  EXPECT_NE(missing.find("No such file"), std::string::npos) << missing;
  const std::string dir = error_of([&] { read_text(d); });
  EXPECT_NE(dir.find("'" + d.string() + "'"), std::string::npos) << dir;
  EXPECT_NE(dir.find("directory"), std::string::npos) << dir;
  try {
    read_text(d / "missing.txt");
  } catch (const FileError& e) {
    EXPECT_EQ(e.path, d / "missing.txt");
  }
}

TEST(TextIo, WriteErrorsNameThePath) {
  const fs::path d = scratch_dir("write_errors");
  write_text(d / "file", "x");
  const std::string under_file = error_of([&] { write_text(d / "file/sub/out.txt", "y"); });
  EXPECT_NE(under_file.find("cannot write '" + (d / "file/sub/out.txt").string() + "'"), std::string::npos)
      << under_file;
  fs::create_directories(d / "dir");
  const std::string onto_dir = error_of([&] { write_text(d / "dir", "y"); });
  EXPECT_NE(onto_dir.find("cannot write '" + (d / "dir").string() + "'"), std::string::npos) << onto_dir;
  EXPECT_THROW(write_text(d / "dir", "y"), std::runtime_error);  // FileError is a runtime_error
}

TEST(TextIo, TailLines) {
  const fs::path d = scratch_dir("tail");
  write_text(d / "log", "1\n2\n3\n4\n");
  EXPECT_EQ(tail_lines(d / "log", 2), "3\n4\n");
  EXPECT_EQ(tail_lines(d / "log", 2, "  "), "  3\n  4\n");
  EXPECT_EQ(tail_lines(d / "log", 10), "1\n2\n3\n4\n");
  EXPECT_EQ(tail_lines(d / "missing", 3), "");
}

}  // namespace
}  // namespace qta
