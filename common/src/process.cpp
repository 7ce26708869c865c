#include "qta/process.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace qta {

namespace fs = std::filesystem;

namespace {

bool is_executable_file(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

// The environment of the child: the caller's, with `extra` added or replacing entries.
std::vector<std::string> child_environment(const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string entry(*e);
    const std::string key = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& [k, v] : extra) replaced = replaced || k == key;
    if (!replaced) env.push_back(entry);
  }
  for (const auto& [k, v] : extra) env.push_back(k + "=" + v);
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// What the child reports through the close-on-exec pipe when it cannot run the program.
struct ChildFailure {
  int stage = 0;  // 1 chdir, 2 execve
  int error = 0;  // errno
};

void write_all(int fd, const std::string& text) {
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

std::optional<fs::path> find_program(const std::string& name, const std::string& path_value) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string::npos) {
    if (is_executable_file(name)) return fs::path(name);
    return std::nullopt;
  }
  size_t begin = 0;
  while (begin <= path_value.size()) {
    size_t end = path_value.find(':', begin);
    if (end == std::string::npos) end = path_value.size();
    const std::string dir = path_value.substr(begin, end - begin);
    if (!dir.empty()) {
      const fs::path candidate = fs::path(dir) / name;
      if (is_executable_file(candidate)) return candidate;
    }
    begin = end + 1;
  }
  return std::nullopt;
}

std::optional<fs::path> find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  return find_program(name, path ? path : "");
}

std::string command_line(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    if (!a.empty() && a.find_first_of(" \t\n'\"\\$`;&|<>()*?") == std::string::npos) {
      out += a;
      continue;
    }
    out += '\'';
    for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty() || argv[0].empty()) throw std::invalid_argument("run_process: empty command");
  const double start = now_s();
  ProcessResult r;

  int log_fd = -1;
  if (!options.log.empty()) {
    log_fd = ::open(options.log.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (options.append_log ? O_APPEND : O_TRUNC), 0644);
    if (log_fd < 0)
      throw std::runtime_error("cannot open the log file '" + options.log.string() + "' for " + argv[0] + ": " +
                               std::strerror(errno));
  }
  auto finish_not_run = [&](std::string error, bool not_found) {
    r.exit_code = 127;
    r.not_found = not_found;
    r.error = std::move(error);
    if (log_fd >= 0) {
      write_all(log_fd, "qta: " + r.error + "\n");
      ::close(log_fd);
    }
    r.seconds = now_s() - start;
    return r;
  };

  // Everything the child needs is prepared here: after fork() it only calls async-signal-safe
  // functions (the caller may have other threads).
  std::vector<std::string> env = child_environment(options.env);
  std::string path_value;
  if (const char* p = std::getenv("PATH")) path_value = p;
  for (const auto& [k, v] : options.env)
    if (k == "PATH") path_value = v;
  std::string exe = argv[0];
  if (exe.find('/') == std::string::npos) {
    const auto found = find_program(exe, path_value);
    if (!found) return finish_not_run("program '" + exe + "' not found on PATH", true);
    exe = fs::absolute(*found).string();  // a relative PATH entry must not depend on `cwd`
  }
  std::vector<std::string> args = argv;
  std::vector<std::string> sh_args = {"/bin/sh", exe};  // a script without #! line, as execvp does
  sh_args.insert(sh_args.end(), argv.begin() + 1, argv.end());
  std::vector<char*> c_args = c_strings(args), c_sh_args = c_strings(sh_args), c_env = c_strings(env);
  const std::string cwd = options.cwd.string();

  const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int pipe_fd[2];
  if (::pipe2(pipe_fd, O_CLOEXEC) != 0) {
    const int e = errno;
    if (log_fd >= 0) ::close(log_fd);
    if (devnull >= 0) ::close(devnull);
    throw std::runtime_error(std::string("pipe() failed for ") + argv[0] + ": " + std::strerror(e));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    for (int fd : {log_fd, devnull, pipe_fd[0], pipe_fd[1]})
      if (fd >= 0) ::close(fd);
    throw std::runtime_error(std::string("fork() failed for ") + argv[0] + ": " + std::strerror(e));
  }
  if (pid == 0) {
    ChildFailure failure;
    if (log_fd >= 0) {
      ::dup2(log_fd, STDOUT_FILENO);
      ::dup2(log_fd, STDERR_FILENO);
    }
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
      failure = {1, errno};
    } else {
      ::execve(exe.c_str(), c_args.data(), c_env.data());
      if (errno == ENOEXEC) ::execve("/bin/sh", c_sh_args.data(), c_env.data());
      failure = {2, errno};
    }
    ssize_t ignored = ::write(pipe_fd[1], &failure, sizeof failure);
    (void)ignored;
    ::_exit(127);
  }
  ::close(pipe_fd[1]);
  if (devnull >= 0) ::close(devnull);
  ChildFailure failure;
  ssize_t got;
  do got = ::read(pipe_fd[0], &failure, sizeof failure);
  while (got < 0 && errno == EINTR);
  ::close(pipe_fd[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (got == static_cast<ssize_t>(sizeof failure)) {
    if (failure.stage == 1)
      return finish_not_run("cannot run " + argv[0] + ": working directory '" + cwd + "': " + std::strerror(failure.error),
                            false);
    if (failure.error == ENOENT) return finish_not_run("program '" + exe + "' not found", true);
    return finish_not_run("cannot execute '" + exe + "': " + std::strerror(failure.error), false);
  }
  if (log_fd >= 0) ::close(log_fd);
  if (WIFSIGNALED(status)) {
    r.signal = WTERMSIG(status);
    r.exit_code = 128 + r.signal;
  } else {
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 127;
  }
  r.seconds = now_s() - start;
  return r;
}

}  // namespace qta
