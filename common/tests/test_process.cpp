// qta::run_process: exit codes, signals, a missing program, working directory, environment
// and the log; qta::find_program.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <stdexcept>

#include "qta/process.h"
#include "qta/text_io.h"
#include "test_util.h"

namespace qta {
namespace {
namespace fs = std::filesystem;
using test::scratch_dir;

ProcessResult sh(const std::string& script, ProcessOptions o = {}) { return run_process({"sh", "-c", script}, o); }

// Options by field (designated initializers that skip fields warn with GCC's -Wextra).
ProcessOptions logged(const fs::path& log, bool append = false) {
  ProcessOptions o;
  o.log = log;
  o.append_log = append;
  return o;
}
ProcessOptions in_dir(const fs::path& cwd, const fs::path& log = {}) {
  ProcessOptions o = logged(log);
  o.cwd = cwd;
  return o;
}
ProcessOptions with_env(std::vector<std::pair<std::string, std::string>> env, const fs::path& log = {}) {
  ProcessOptions o = logged(log);
  o.env = std::move(env);
  return o;
}

TEST(Process, ExitCodes) {
  EXPECT_EQ(run_process({"true"}).exit_code, 0);
  EXPECT_TRUE(run_process({"true"}).ok());
  EXPECT_EQ(run_process({"false"}).exit_code, 1);
  const ProcessResult r = sh("exit 3");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.signal, 0);
  EXPECT_TRUE(r.error.empty());
  EXPECT_GE(r.seconds, 0);
  // A program that runs and exits 127 is told apart from one that could not be executed.
  const ProcessResult ran = sh("exit 127");
  EXPECT_EQ(ran.exit_code, 127);
  EXPECT_FALSE(ran.not_found);
  EXPECT_TRUE(ran.error.empty());
}

TEST(Process, SignalGives128PlusItsNumber) {
  const ProcessResult r = sh("kill -TERM $$; sleep 5");
  EXPECT_EQ(r.signal, SIGTERM);
  EXPECT_EQ(r.exit_code, 128 + SIGTERM);
  EXPECT_EQ(sh("kill -KILL $$").exit_code, 128 + SIGKILL);
}

TEST(Process, MissingProgramIsNamed) {
  const fs::path d = scratch_dir("missing");
  const ProcessResult r = run_process({"qta-no-such-program", "--flag"}, logged(d / "log"));
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_TRUE(r.not_found);
  EXPECT_NE(r.error.find("'qta-no-such-program'"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("not found"), std::string::npos) << r.error;
  EXPECT_NE(read_text(d / "log").find("qta-no-such-program"), std::string::npos);
  const ProcessResult abs = run_process({(d / "nowhere/tool").string()});
  EXPECT_EQ(abs.exit_code, 127);
  EXPECT_TRUE(abs.not_found);
  EXPECT_NE(abs.error.find((d / "nowhere/tool").string()), std::string::npos) << abs.error;
  // An empty PATH in the added environment: nothing is found.
  EXPECT_TRUE(run_process({"true"}, with_env({{"PATH", ""}})).not_found);
  EXPECT_THROW(run_process({}), std::invalid_argument);
}

TEST(Process, NotExecutableAndScriptWithoutShebang) {
  const fs::path d = scratch_dir("exec");
  write_text(d / "plain", "exit 5\n");
  const ProcessResult denied = run_process({(d / "plain").string()});
  EXPECT_EQ(denied.exit_code, 127);
  EXPECT_FALSE(denied.not_found);
  EXPECT_NE(denied.error.find("cannot execute"), std::string::npos) << denied.error;
  ::chmod((d / "plain").c_str(), 0755);  // runs with /bin/sh, as execvp() would
  EXPECT_EQ(run_process({(d / "plain").string()}).exit_code, 5);
}

TEST(Process, WorkingDirectory) {
  const fs::path d = scratch_dir("cwd");
  fs::create_directories(d / "work");
  write_text(d / "work/tool.sh", "#!/bin/sh\necho \"tool in $(pwd)\"\n");
  ::chmod((d / "work/tool.sh").c_str(), 0755);
  const ProcessResult r = run_process({"./tool.sh"}, in_dir(d / "work", d / "log"));
  EXPECT_EQ(r.exit_code, 0) << r.error;
  EXPECT_EQ(read_text(d / "log"), "tool in " + fs::canonical(d / "work").string() + "\n");
  const ProcessResult bad = run_process({"true"}, in_dir(d / "missing"));
  EXPECT_EQ(bad.exit_code, 127);
  EXPECT_NE(bad.error.find((d / "missing").string()), std::string::npos) << bad.error;
}

TEST(Process, EnvironmentAdditions) {
  const fs::path d = scratch_dir("env");
  ::setenv("QTA_TEST_INHERITED", "from parent", 1);
  ::setenv("QTA_TEST_REPLACED", "old", 1);
  const ProcessResult r = sh("echo \"$QTA_TEST_ADDED|$QTA_TEST_REPLACED|$QTA_TEST_INHERITED\"",
                             with_env({{"QTA_TEST_ADDED", "a b"}, {"QTA_TEST_REPLACED", "new"}}, d / "log"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(read_text(d / "log"), "a b|new|from parent\n");
  EXPECT_STREQ(std::getenv("QTA_TEST_REPLACED"), "old");  // the caller's environment is untouched
}

TEST(Process, LogCapturesStdoutAndStderr) {
  const fs::path d = scratch_dir("log");
  write_text(d / "log", "previous run\n");
  EXPECT_EQ(sh("echo out; echo err >&2; echo out2", logged(d / "log")).exit_code, 0);
  EXPECT_EQ(read_text(d / "log"), "out\nerr\nout2\n");  // truncated first, interleaved
  EXPECT_EQ(sh("echo more", logged(d / "log", true)).exit_code, 0);
  EXPECT_EQ(read_text(d / "log"), "out\nerr\nout2\nmore\n");
  EXPECT_EQ(sh("cat", logged(d / "cat.log")).exit_code, 0);  // stdin is /dev/null: no wait
  EXPECT_THROW(run_process({"true"}, logged(d / "no/such/dir/log")), std::runtime_error);
}

TEST(Process, FindProgram) {
  const auto found = find_program("sh");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(::access(found->c_str(), X_OK), 0);
  EXPECT_FALSE(find_program("qta-no-such-program").has_value());
  EXPECT_FALSE(find_program("").has_value());
  const fs::path d = scratch_dir("find");
  write_text(d / "bin/tool", "#!/bin/sh\n");
  EXPECT_FALSE(find_program("tool", (d / "bin").string()).has_value());  // not executable
  ::chmod((d / "bin/tool").c_str(), 0755);
  EXPECT_EQ(find_program("tool", "/nonexistent::" + (d / "bin").string()), d / "bin/tool");
  EXPECT_EQ(find_program((d / "bin/tool").string()), d / "bin/tool");
  fs::create_directories(d / "bin2/tool");  // a directory is not a program
  EXPECT_FALSE(find_program("tool", (d / "bin2").string()).has_value());
}

TEST(Process, CommandLineQuotes) {
  EXPECT_EQ(command_line({"yosys", "-q", "a b", "it's", ""}), "yosys -q 'a b' 'it'\\''s' ''");
}

}  // namespace
}  // namespace qta
