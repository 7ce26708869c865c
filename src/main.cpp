// qta: generator and verification environment for a quantized-training LoRA accelerator.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

#include "qta/cli.h"
#include "qta/strings.h"
#include "qta/text_io.h"
#include "qta/version.h"

namespace {
std::string g_invocation;
}

namespace qta {
void register_regress_cli(CLI::App& app, int& exit_code);  // regress/cli_regress.cpp
void register_train_cli(CLI::App& app, int& exit_code);    // runtime/cli_train.cpp
}

const std::string& qta::invocation() { return g_invocation; }

namespace {
// Every message main() prints for a failed run: valid UTF-8 (invalid bytes as \xNN) and at most
// 4 kB, whatever the input was (docs/interfaces.md section 5).
std::string printable(const char* what, size_t max = 4096) {
  return qta::bounded_message(qta::utf8_escaped(what), max);
}

// An output the machine could not take (disk or quota full, file size limit, read-only
// filesystem): the user's to fix, reported as bad input (exit 2), not as an internal error.
bool output_refused(int error) {
  return error == ENOSPC || error == EDQUOT || error == EFBIG || error == EROFS;
}

// The results on stdout reached it: a full disk behind `qta perf > file` is exit 2, not a
// silent loss.
int check_stdout(int code) {
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return code;
  const int e = errno;
  spdlog::error("cannot write the results to stdout: {}", std::strerror(e));
  return code == 0 ? 2 : code;
}
}  // namespace

int main(int argc, char** argv) {
  // The command line as generated files record it (manifest.json, headers): an argument that is
  // not valid UTF-8 is recorded with its invalid bytes as the text \xNN, so the JSON stays valid.
  for (int i = 0; i < argc; ++i) {
    if (i) g_invocation += ' ';
    g_invocation += (i == 0 ? std::string("qta") : qta::utf8_escaped(argv[i]));
  }
  // Diagnostics (every log line, errors included) on stderr, results on stdout
  // (docs/interfaces.md section 5), for every subcommand.
  spdlog::set_default_logger(spdlog::stderr_color_mt("qta"));
  spdlog::set_pattern("[%l] %v");  // also for errors found while the command line is parsed

  CLI::App app{"qta: generate, verify, synthesize and model a quantized-training LoRA accelerator"};
  app.set_version_flag("--version", std::string("qta ") + qta::kVersion);
  app.require_subcommand(1);
  app.fallthrough();  // -q, -v, --log-level work after the subcommand too

  std::string log_level = "info";
  bool quiet = false, verbose = false;
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, critical, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_flag("-q,--quiet", quiet, "only warnings and errors");
  app.add_flag("-v,--verbose", verbose, "debug output");
  app.parse_complete_callback([&] {
    auto level = spdlog::level::from_str(log_level);
    if (verbose) level = spdlog::level::debug;
    if (quiet) level = spdlog::level::warn;
    spdlog::set_level(level);
    spdlog::set_pattern("[%l] %v");
  });

  int exit_code = 0;
  qta::register_golden_cli(app, exit_code);
  qta::register_gen_cli(app, exit_code);
  qta::register_perf_cli(app, exit_code);
  qta::register_verify_cli(app, exit_code);
  qta::register_synth_cli(app, exit_code);
  qta::register_regress_cli(app, exit_code);
  qta::register_train_cli(app, exit_code);

  // "--flag=" is an empty value, as "--flag ''" is (CLI11 would take the next argument as the
  // value): split it into "--flag" and "", so the option reports "is empty".
  std::vector<std::string> args(argv, argv + argc);
  std::vector<std::string> split;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool long_flag = i > 0 && a.size() > 3 && a.rfind("--", 0) == 0 && a.back() == '=' &&
                           a.find('=') == a.size() - 1;
    if (long_flag) {
      split.push_back(a.substr(0, a.size() - 1));
      split.emplace_back();
    } else {
      split.push_back(a);
    }
  }
  std::vector<char*> argv2;
  for (auto& a : split) argv2.push_back(a.data());
  argv2.push_back(nullptr);

  try {
    app.parse(int(split.size()), argv2.data());
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11's own messages (unknown flag, missing value) repeat what was typed: bounded too.
    spdlog::error("{}", printable(e.what(), 400));
    spdlog::error("run with --help for the valid flags");
    return 2;
  } catch (const qta::UsageError& e) {
    spdlog::error("{}", printable(e.what()));
    return 2;
  } catch (const qta::CheckFailed& e) {
    spdlog::error("{}", qta::utf8_escaped(e.what()));
    return check_stdout(1);
  } catch (const qta::FileError& e) {
    if (!e.writing) {
      spdlog::critical("internal error: {}", printable(e.what()));
      return 3;
    }
    // An output that could not be written (its temporary copy is already removed).
    spdlog::error("{}", printable(e.what()));
    return 2;
  } catch (const std::system_error& e) {  // std::filesystem_error and fmt's write errors too
    if (e.code().category() == std::generic_category() || e.code().category() == std::system_category()) {
      if (output_refused(e.code().value())) {
        if (std::ferror(stdout))  // fmt::print could not flush the results
          spdlog::error("cannot write the results to stdout: {}", std::strerror(e.code().value()));
        else
          spdlog::error("{} (no output was left half-written)", printable(e.what()));
        return 2;
      }
    }
    spdlog::critical("internal error: {}", printable(e.what()));
    return 3;
  } catch (const std::exception& e) {
    spdlog::critical("internal error: {}", printable(e.what()));
    return 3;
  }
  return check_stdout(exit_code);
}
