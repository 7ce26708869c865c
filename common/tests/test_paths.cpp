// The output path check (qta/paths.h) and AtomicDir on the paths it lets through: symbolic
// link loops, dangling links, names beyond NAME_MAX, unwritable and immutable parents,
// "DIR/" and "DIR/.", the parent named for "newdir/", non-UTF-8 paths.
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "qta/atomic_dir.h"
#include "qta/cli.h"
#include "qta/paths.h"
#include "qta/text_io.h"
#include "test_util.h"

namespace qta {
namespace {
namespace fs = std::filesystem;
using test::entries;
using test::scratch_dir;

std::string error_of(const fs::path& p, OutputPathRules r = {"--out"}) {
  try {
    check_output_dir(p, r);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

void expect_error(const fs::path& p, const std::string& needle, OutputPathRules r = {"--out"}) {
  const std::string m = error_of(p, r);
  EXPECT_NE(m.find(needle), std::string::npos) << "message '" << m << "' lacks '" << needle << "'";
  EXPECT_NE(m.find("valid: "), std::string::npos) << m;
  EXPECT_LT(m.size(), 700u) << m;
}

// Makes `dir` unwritable for this process: immutable (FS_IMMUTABLE_FL, works for root) or
// mode 0555 (for other users). False if neither takes effect (then the test is skipped).
bool make_unwritable(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    int flags = 0;
    if (::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
      flags |= FS_IMMUTABLE_FL;
      ::ioctl(fd, FS_IOC_SETFLAGS, &flags);
    }
    ::close(fd);
  }
  if (::access(dir.c_str(), W_OK) != 0) return true;
  ::chmod(dir.c_str(), 0555);
  return ::access(dir.c_str(), W_OK) != 0;
}

void make_writable(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    int flags = 0;
    if (::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0 && (flags & FS_IMMUTABLE_FL)) {
      flags &= ~FS_IMMUTABLE_FL;
      ::ioctl(fd, FS_IOC_SETFLAGS, &flags);
    }
    ::close(fd);
  }
  ::chmod(dir.c_str(), 0755);
}

TEST(Paths, NewPathsAndExistingDirectories) {
  const fs::path d = scratch_dir("paths_ok");
  EXPECT_EQ(check_output_dir(d / "new"), d / "new");
  fs::create_directories(d / "dir");
  EXPECT_EQ(check_output_dir(d / "dir"), d / "dir");
  // "DIR/" and "DIR/." are DIR itself (not something inside it).
  EXPECT_EQ(check_output_dir((d / "dir").string() + "/"), d / "dir");
  EXPECT_EQ(check_output_dir((d / "dir").string() + "/."), d / "dir");
  EXPECT_EQ(check_output_dir((d / "new").string() + "/"), d / "new");
  // A link to a directory is followed: the output goes where it points.
  fs::create_directory_symlink(d / "dir", d / "link");
  EXPECT_EQ(check_output_dir(d / "link"), d / "dir");
}

TEST(Paths, RefusedPathsNameTheReason) {
  const fs::path d = scratch_dir("paths_bad");
  expect_error("", "--out is empty");
  fs::create_symlink(d / "loop", d / "loop");
  expect_error(d / "loop", "is a symbolic link loop");
  expect_error(d / "loop" / "x", "symbolic link loop");
  fs::create_symlink(d / "nowhere", d / "dangling");
  expect_error(d / "dangling", "is a dangling symbolic link (to '" + (d / "nowhere").string() + "')");
  expect_error(d / std::string(300, 'a'), "has a name of 300 bytes");
  expect_error(d / std::string(300, 'a') / "x", "has a name of 300 bytes");
  write_text(d / "file", "x");
  expect_error(d / "file", "exists and is not a directory");
  expect_error(d / "file" / "x", "its parent '" + (d / "file").string() + "' is not a directory");
  expect_error(d / "nope" / "newdir/", "its parent directory '" + (d / "nope").string() + "' does not exist");
  expect_error(std::string("/"), "is a filesystem root");
  expect_error(d / "g\xffname", "is not valid UTF-8 (byte 0xff at offset " + std::to_string(d.string().size() + 2) + ")");
  expect_error(d / std::string(5000, 'b').substr(0, 200) / std::string(200, 'c') / std::string(200, 'd') /
                   std::string(200, 'e') / std::string(200, 'f') / std::string(200, 'g') / std::string(200, 'h') /
                   std::string(200, 'i') / std::string(200, 'j') / std::string(200, 'k') / std::string(200, 'l') /
                   std::string(200, 'm') / std::string(200, 'n') / std::string(200, 'o') / std::string(200, 'p') /
                   std::string(200, 'q') / std::string(200, 'r') / std::string(200, 's') / std::string(200, 't') /
                   std::string(200, 'u'),
               "bytes long as an absolute path");
  // With parents_may_be_missing (synth --out), missing parents are fine, a file among them is not.
  EXPECT_EQ(check_output_dir(d / "a" / "b" / "c", {"--out", true}), d / "a" / "b" / "c");
  expect_error(d / "file" / "b" / "c", "is not a directory", {"--out", true});
  expect_error(d / "a" / std::string(256, 'z') / "c", "has a name of 256 bytes", {"--out", true});
}

TEST(Paths, UnwritableAndImmutableParents) {
  const fs::path d = scratch_dir("paths_ro");
  fs::create_directories(d / "ro" / "prev");
  write_text(d / "ro" / "prev" / "manifest.json", "{}");
  if (!make_unwritable(d / "ro")) GTEST_SKIP() << "cannot make a directory unwritable here";
  expect_error(d / "ro" / "x", "its parent directory '" + (d / "ro").string() + "' is not writable");
  expect_error(d / "ro" / "prev", "is not writable");
  expect_error(d / "ro" / "x" / "y", "does not exist");
  EXPECT_NE(error_of(d / "ro" / "x" / "y", {"--out", true}).find("is not writable"), std::string::npos);
  // AtomicDir refuses before it creates anything.
  EXPECT_THROW(AtomicDir(d / "ro" / "x"), UsageError);
  make_writable(d / "ro");
  EXPECT_EQ(entries(d / "ro"), std::vector<std::string>{"prev"});
}

TEST(Paths, OutputFiles) {
  const fs::path d = scratch_dir("paths_file");
  EXPECT_EQ(check_output_file(d / "perf.json", {"--json"}), d / "perf.json");
  write_text(d / "old.json", "{}");
  EXPECT_EQ(check_output_file(d / "old.json", {"--json"}), d / "old.json");
  try {
    check_output_file(d, {"--json"});
    ADD_FAILURE() << "accepted a directory";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--json '" + d.string() + "' is a directory"), std::string::npos) << e.what();
  }
}

TEST(AtomicDir, NamesUpToNameMaxGetTheirTemporaryNames) {
  // The temporary and lock names add a suffix; a target of 255 bytes still works.
  const fs::path d = scratch_dir("long_names");
  const fs::path target = d / std::string(255, 'n');
  write_atomic_dir(target, [](const fs::path& t) { write_text(t / "manifest.json", "1"); });
  write_atomic_dir(target, [](const fs::path& t) { write_text(t / "manifest.json", "2"); });
  EXPECT_EQ(read_text(target / "manifest.json"), "2");
  EXPECT_EQ(entries(d), std::vector<std::string>{std::string(255, 'n')});
}

TEST(AtomicDir, TrailingSlashAndDotNameTheDirectoryItself) {
  const fs::path d = scratch_dir("trailing");
  fs::create_directories(d / "ex");
  write_atomic_dir((d / "ex").string() + "/", [](const fs::path& t) { write_text(t / "manifest.json", "1"); });
  EXPECT_EQ(entries(d / "ex"), std::vector<std::string>{"manifest.json"});
  write_atomic_dir((d / "ex").string() + "/.", [](const fs::path& t) { write_text(t / "manifest.json", "2"); });
  EXPECT_EQ(read_text(d / "ex" / "manifest.json"), "2");
  EXPECT_EQ(entries(d), std::vector<std::string>{"ex"});
}

TEST(AtomicDir, ThroughALinkTheLinkStays) {
  const fs::path d = scratch_dir("through_link");
  fs::create_directories(d / "real");
  fs::create_directory_symlink(d / "real", d / "link");
  write_atomic_dir(d / "link", [](const fs::path& t) { write_text(t / "manifest.json", "1"); });
  EXPECT_TRUE(fs::is_symlink(d / "link"));
  EXPECT_EQ(read_text(d / "real" / "manifest.json"), "1");
  EXPECT_EQ(entries(d), (std::vector<std::string>{"link", "real"}));
}

}  // namespace
}  // namespace qta
