// qta::AtomicDir: complete-or-absent output directories, the replacement rule, cleanup on
// exceptions and concurrent writers to the same target.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

#include <algorithm>
#include <cstdio>
#include <atomic>
#include <stdexcept>
#include <thread>

#include "qta/atomic_dir.h"
#include "qta/cli.h"
#include "qta/staging.h"
#include "qta/text_io.h"
#include "test_util.h"

namespace qta {
namespace {
namespace fs = std::filesystem;
using test::entries;
using test::scratch_dir;

void write_output(const fs::path& dir, const std::string& id) {
  write_text(dir / "payload/data.txt", id);
  write_text(dir / "manifest.json", id);  // last, as qta gen writes it
}

TEST(AtomicDir, CreatesTheTargetAndLeavesNothingBeside) {
  const fs::path d = scratch_dir("create");
  {
    AtomicDir out(d / "out");
    EXPECT_EQ(out.path().parent_path(), d);
    EXPECT_NE(out.path().filename().string().find("out.tmp-"), std::string::npos);
    write_output(out.path(), "one");
    EXPECT_FALSE(fs::exists(d / "out"));
    out.commit();
    EXPECT_TRUE(out.committed());
  }
  EXPECT_EQ(read_text(d / "out/payload/data.txt"), "one");
  EXPECT_EQ(entries(d), std::vector<std::string>{"out"});
}

TEST(AtomicDir, ReplacesAPreviousOutputAndAnEmptyDirectory) {
  const fs::path d = scratch_dir("replace");
  write_atomic_dir(d / "out", [](const fs::path& t) { write_output(t, "first"); });
  write_text(d / "out/stale.txt", "from the first run");
  write_atomic_dir(d / "out", [](const fs::path& t) { write_output(t, "second"); });
  EXPECT_EQ(read_text(d / "out/manifest.json"), "second");
  EXPECT_FALSE(fs::exists(d / "out/stale.txt"));
  fs::create_directories(d / "empty");
  write_atomic_dir(d / "empty/", [](const fs::path& t) { write_output(t, "into empty"); });  // trailing '/'
  EXPECT_EQ(read_text(d / "empty/manifest.json"), "into empty");
  EXPECT_EQ(entries(d), (std::vector<std::string>{"empty", "out"}));
}

TEST(AtomicDir, RefusesADirectoryThatIsNotAPreviousOutput) {
  const fs::path d = scratch_dir("refuse");
  write_text(d / "mine/notes.txt", "keep");
  write_text(d / "file", "a file, not a directory");
  AtomicDirOptions gen{{"manifest.json"}, "--out", "qta gen"};
  try {
    AtomicDir out(d / "mine", gen);
    FAIL() << "no UsageError";
  } catch (const UsageError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("--out '" + (d / "mine").string() + "'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("manifest.json"), std::string::npos) << msg;
    EXPECT_NE(msg.find("qta gen"), std::string::npos) << msg;
  }
  EXPECT_THROW(AtomicDir(d / "file"), UsageError);
  EXPECT_THROW(AtomicDir(d / "no/such/parent"), UsageError);
  EXPECT_THROW(AtomicDir(""), UsageError);
  EXPECT_THROW(AtomicDir("/"), UsageError);
  EXPECT_EQ(read_text(d / "mine/notes.txt"), "keep");
  EXPECT_EQ(entries(d), (std::vector<std::string>{"file", "mine"}));
}

TEST(AtomicDir, RefusesAtCommitWhatAppearedMeanwhile) {
  const fs::path d = scratch_dir("meanwhile");
  {
    AtomicDir out(d / "out");
    write_output(out.path(), "late");
    write_text(d / "out/notes.txt", "someone else's");  // created while we were writing
    EXPECT_THROW(out.commit(), UsageError);
    EXPECT_FALSE(out.committed());
  }
  EXPECT_EQ(read_text(d / "out/notes.txt"), "someone else's");
  EXPECT_EQ(entries(d), std::vector<std::string>{"out"});  // no temporary, no lock file
}

TEST(AtomicDir, WithoutMarkersOnlyAnEmptyDirectoryIsReplaced) {
  const fs::path d = scratch_dir("markers");
  const AtomicDirOptions dump{{}, "dump directory", "qta golden"};
  write_atomic_dir(d / "dump", [](const fs::path& t) { write_output(t, "1"); }, dump);
  try {
    write_atomic_dir(d / "dump", [](const fs::path& t) { write_output(t, "2"); }, dump);
    FAIL() << "no UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("not empty"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_text(d / "dump/manifest.json"), "1");
  EXPECT_TRUE(is_replaceable(d / "nothing", dump));
  EXPECT_FALSE(is_replaceable(d / "dump", dump));
  EXPECT_TRUE(is_replaceable(d / "dump"));  // the default marker: manifest.json
}

TEST(AtomicDir, AnExceptionRemovesTheTemporaryDirectory) {
  const fs::path d = scratch_dir("exception");
  EXPECT_THROW(write_atomic_dir(d / "out",
                                [](const fs::path& t) {
                                  write_output(t, "half");
                                  throw std::runtime_error("failed half way");
                                }),
               std::runtime_error);
  EXPECT_TRUE(entries(d).empty());
  // A previous output stays as it was.
  write_atomic_dir(d / "out", [](const fs::path& t) { write_output(t, "good"); });
  EXPECT_THROW(write_atomic_dir(d / "out", [](const fs::path&) { throw std::logic_error("bug"); }), std::logic_error);
  EXPECT_EQ(read_text(d / "out/manifest.json"), "good");
  EXPECT_EQ(entries(d), std::vector<std::string>{"out"});
  {
    AtomicDir never(d / "never");  // destroyed without commit()
    write_output(never.path(), "x");
  }
  EXPECT_EQ(entries(d), std::vector<std::string>{"out"});
}

TEST(AtomicDir, KeepAsMovesTheUnfinishedTreeAside) {
  const fs::path d = scratch_dir("keep");
  write_text(d / "out.failed/old.log", "an older failure");
  {
    AtomicDir out(d / "out");
    write_text(out.path() / "work/tool.log", "the failure");
    EXPECT_TRUE(out.keep_as(d / "out.failed"));
    EXPECT_FALSE(out.keep_as(d / "again"));
    EXPECT_THROW(out.commit(), std::logic_error);
  }
  EXPECT_EQ(read_text(d / "out.failed/work/tool.log"), "the failure");
  EXPECT_FALSE(fs::exists(d / "out.failed/old.log"));
  EXPECT_EQ(entries(d), std::vector<std::string>{"out.failed"});
}

// Every writer's tree is complete: the manifest names the writer that wrote the payload.
void expect_consistent(const fs::path& out) {
  EXPECT_EQ(read_text(out / "manifest.json"), read_text(out / "payload/data.txt"));
}

TEST(AtomicDir, ConcurrentThreadsAllSucceedAndLeaveNoDebris) {
  const fs::path d = scratch_dir("threads");
  write_atomic_dir(d / "out", [](const fs::path& t) { write_output(t, "initial"); });
  constexpr int kThreads = 8, kRounds = 10;
  std::atomic<int> failures{0}, reader_misses{0};
  std::atomic<bool> stop{false};
  // RENAME_EXCHANGE: a reader never finds the target missing while writers replace it.
  std::thread reader([&] {
    while (!stop) {
      std::error_code ec;
      if (!fs::exists(d / "out", ec)) ++reader_misses;
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t)
    writers.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        try {
          write_atomic_dir(d / "out", [&](const fs::path& tmp) { write_output(tmp, std::to_string(t * 100 + i)); });
        } catch (const std::exception& e) {
          ++failures;
          ADD_FAILURE() << "writer " << t << ": " << e.what();
        }
      }
    });
  for (auto& w : writers) w.join();
  stop = true;
  reader.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(reader_misses, 0);
  expect_consistent(d / "out");
  EXPECT_EQ(entries(d), std::vector<std::string>{"out"});
}

// `processes` writers, `rounds` replacements each, into one output directory: every writer
// succeeds, the result is one writer's whole output, nothing (*.old-*, *.tmp-*, *.lock) is left.
void concurrent_writers(const fs::path& d, int processes, int rounds) {
  std::vector<pid_t> children;
  for (int p = 0; p < processes; ++p) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int rc = 0;
      for (int i = 0; i < rounds; ++i) {
        try {
          write_atomic_dir(d / "out", [&](const fs::path& tmp) { write_output(tmp, std::to_string(p * 100 + i)); });
        } catch (const std::exception& e) {
          std::fprintf(stderr, "writer %d: %s\n", p, e.what());
          rc = 1;
        }
      }
      ::_exit(rc);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "writer process failed, status " << status;
  }
  expect_consistent(d / "out");
  EXPECT_EQ(entries(d), std::vector<std::string>{"out"});
}

TEST(AtomicDir, ConcurrentProcessesAllSucceedAndLeaveNoDebris) { concurrent_writers(scratch_dir("processes"), 8, 10); }

TEST(AtomicDir, ConcurrentProcessesWithoutRenameExchange) {
  // The two-rename path of filesystems without RENAME_EXCHANGE, under the same lock.
  ::setenv("QTA_ATOMIC_DIR_NO_EXCHANGE", "1", 1);
  concurrent_writers(scratch_dir("no_exchange"), 12, 8);
  ::unsetenv("QTA_ATOMIC_DIR_NO_EXCHANGE");
}

// Issue 28: a run stopped by a signal while it writes leaves no temporary directory, and still
// ends by that signal. In a child process: it stages a tree (and a previous output to replace),
// then the signal arrives mid-write.
void expect_signal_leaves_nothing(int sig, bool with_previous) {
  const fs::path d = scratch_dir(std::string("signal_") + ::strsignal(sig) + (with_previous ? "_replace" : ""));
  if (with_previous) write_atomic_dir(d / "out", [](const fs::path& t) { write_output(t, "previous"); });
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::signal(sig, SIG_DFL);  // as a shell starts a foreground command
    AtomicDir out(d / "out");
    write_text(out.path() / "rtl/a.v", "half");
    write_text(out.path() / "deep/er/still/b.v", std::string(100000, 'x'));
    ::raise(sig);
    ::_exit(0);  // not reached: the handler re-raises with the default action
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig)
      << "child status " << status << ", want killed by signal " << sig << " (" << ::strsignal(sig) << ")";
  if (with_previous) {
    EXPECT_EQ(entries(d), std::vector<std::string>{"out"});
    EXPECT_EQ(read_text(d / "out/manifest.json"), "previous");
  } else {
    EXPECT_EQ(entries(d), std::vector<std::string>{}) << "left in " << d;
  }
}

TEST(AtomicDir, SigtermMidWriteLeavesNoTemporaryDirectory) { expect_signal_leaves_nothing(SIGTERM, false); }
TEST(AtomicDir, SigintMidWriteLeavesNoTemporaryDirectory) { expect_signal_leaves_nothing(SIGINT, false); }
TEST(AtomicDir, SighupMidReplaceKeepsThePreviousOutput) { expect_signal_leaves_nothing(SIGHUP, true); }

TEST(WriteFileAtomically, SigtermLeavesNoTemporaryFile) {
  const fs::path d = scratch_dir("signal_file");
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::signal(SIGTERM, SIG_DFL);
    // The signal arrives while the temporary file is registered: between its write and rename.
    const int slot = staging::add(d / "x.json.tmp-test", d / "x.json", "--json");
    write_text(d / "x.json.tmp-test", "{}");
    ::raise(SIGTERM);
    staging::remove(slot);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << "child status " << status;
  EXPECT_EQ(entries(d), std::vector<std::string>{});
}

// A signal the process ignores stays ignored: the handler is installed only over the default.
TEST(AtomicDir, AnIgnoredSignalStaysIgnored) {
  const fs::path d = scratch_dir("signal_ignored");
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::signal(SIGINT, SIG_IGN);
    write_atomic_dir(d / "out", [](const fs::path& t) {
      write_output(t, "done");
      ::raise(SIGINT);
    });
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  EXPECT_EQ(read_text(d / "out/manifest.json"), "done");
}

// A write that fails in the staged tree (here the file size limit, as a full disk would) names
// the output as the user gave it, with the file, and the tree is removed.
TEST(AtomicDir, AWriteFailureNamesTheTargetAndLeavesNothing) {
  const fs::path d = scratch_dir("efbig");
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::signal(SIGXFSZ, SIG_IGN);  // write() fails with EFBIG instead
    const rlimit limit{4096, 4096};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    int rc = 10;
    try {
      AtomicDir out(d / "out", {{"manifest.json"}, "--out", "qta gen"});
      write_text(out.path() / "rtl/small.v", "fits");
      write_text(out.path() / "rtl/big.v", std::string(10000, 'x'));
      rc = 11;
    } catch (const FileError& e) {
      const std::string want = "--out '" + (d / "out").string() + "': cannot write 'rtl/big.v': File too large";
      rc = e.writing && e.error == EFBIG && std::string(e.what()).rfind(want, 0) == 0 ? 0 : 12;
      if (rc) std::fprintf(stderr, "got '%s', want it to start with '%s'\n", e.what(), want.c_str());
    }
    ::_exit(rc);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "child status " << status << " (exit 11: no error; 12: the wrong message, printed above)";
  EXPECT_EQ(entries(d), std::vector<std::string>{});
}

TEST(AtomicDir, UniqueSuffixesDiffer) {
  std::vector<std::string> s;
  for (int i = 0; i < 100; ++i) s.push_back(unique_suffix());
  std::sort(s.begin(), s.end());
  EXPECT_EQ(std::unique(s.begin(), s.end()), s.end());
  EXPECT_EQ(s[0].find(std::to_string(::getpid()) + "-"), 0u);
}

TEST(WriteFileAtomically, WritesWholeFilesAndReplacesAnOldOne) {
  const fs::path d = scratch_dir("write_file");
  write_file_atomically(d / "perf.json", "--json", "{}\n");
  EXPECT_EQ(read_text(d / "perf.json"), "{}\n");
  write_file_atomically(d / "perf.json", "--json", "{\"a\": 1}\n");
  EXPECT_EQ(read_text(d / "perf.json"), "{\"a\": 1}\n");
  EXPECT_EQ(entries(d), std::vector<std::string>{"perf.json"}) << "a temporary was left beside the file";
}

TEST(WriteFileAtomically, AFailureNamesTheOptionAndThePathAndLeavesNothing) {
  const fs::path d = scratch_dir("write_file_fail");
  fs::create_directories(d / "taken.svg");  // a directory where the file should go: the rename fails
  try {
    write_file_atomically(d / "taken.svg", "--plot", "<svg/>");
    FAIL() << "renamed a file over a directory";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--plot"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("taken.svg"), std::string::npos) << e.what();
  }
  EXPECT_EQ(entries(d), std::vector<std::string>{"taken.svg"}) << "the temporary was left behind";
  EXPECT_TRUE(fs::is_directory(d / "taken.svg"));
  write_text(d / "plain_file", "x");  // a file where a directory should be: the write fails
  try {
    write_file_atomically(d / "plain_file" / "x.json", "--json", "{}");
    FAIL() << "wrote below a regular file";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--json"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_text(d / "plain_file"), "x");
}

}  // namespace
}  // namespace qta
