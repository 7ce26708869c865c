#include "flow_util.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "qta/cli.h"

namespace qta::synth {

double now_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

double seconds_since(double start) { return now_seconds() - start; }

bool tool_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty()) continue;
    fs::path p = fs::path(dir) / name;
    if (::access(p.c_str(), X_OK) == 0) return true;
  }
  return false;
}

ToolRun run_tool(const std::vector<std::string>& argv, const fs::path& cwd, const fs::path& log) {
  ToolRun r;
  r.log = log;
  double start = now_seconds();
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed for " + argv.at(0));
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.seconds = seconds_since(start);
  return r;
}

ToolRun run_tool_checked(const std::vector<std::string>& argv, const fs::path& cwd,
                         const fs::path& log) {
  ToolRun r = run_tool(argv, cwd, log);
  if (r.exit_code != 0) {
    std::string cmd;
    for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
    throw qta::CheckFailed(argv[0] + " failed with exit code " + std::to_string(r.exit_code) +
                           " (command: " + cmd + " in " + cwd.string() + "; log " + log.string() +
                           "):\n" + tail_lines(log, 15));
  }
  return r;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

std::string tail_lines(const fs::path& p, int lines) {
  std::ifstream in(p);
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    last.push_back(line);
    if (static_cast<int>(last.size()) > lines) last.pop_front();
  }
  std::string out;
  for (const auto& l : last) out += "  " + l + "\n";
  return out;
}

StagedDir::StagedDir(fs::path final_dir) : final_(std::move(final_dir)) {
  fs::path parent = final_.parent_path().empty() ? fs::path(".") : final_.parent_path();
  fs::create_directories(parent);
  std::random_device rd;
  for (int i = 0; i < 100; ++i) {
    fs::path candidate = parent / ("." + final_.filename().string() + ".tmp-" +
                                   std::to_string(::getpid()) + "-" + std::to_string(rd() % 100000));
    if (fs::create_directory(candidate)) {
      tmp_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory beside " + final_.string());
}

StagedDir::~StagedDir() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(tmp_, ec);
  }
}

void StagedDir::commit() {
  std::error_code ec;
  if (fs::exists(final_)) fs::remove_all(final_, ec);
  fs::rename(tmp_, final_);
  committed_ = true;
}

bool StagedDir::keep_as(const fs::path& dir) {
  if (committed_) return false;
  std::error_code ec;
  if (fs::exists(dir)) fs::remove_all(dir, ec);
  fs::rename(tmp_, dir, ec);
  if (ec) return false;
  committed_ = true;
  return true;
}

std::string format_double(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace qta::synth
