// qta: generator and verification environment for a quantized-training LoRA accelerator.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <iostream>
#include <string>

#include "qta/cli.h"
#include "qta/version.h"

namespace {
std::string g_invocation;
}

namespace qta {
void register_regress_cli(CLI::App& app, int& exit_code);  // regress/cli_regress.cpp
}

const std::string& qta::invocation() { return g_invocation; }

int main(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) {
    if (i) g_invocation += ' ';
    g_invocation += (i == 0 ? std::string("qta") : std::string(argv[i]));
  }

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
  qta::register_verify_cli(app, exit_code);
  qta::register_synth_cli(app, exit_code);
  qta::register_regress_cli(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const qta::UsageError& e) {
    spdlog::error("{}", e.what());
    return 2;
  } catch (const qta::CheckFailed& e) {
    spdlog::error("{}", e.what());
    return 1;
  } catch (const std::exception& e) {
    spdlog::critical("internal error: {}", e.what());
    return 3;
  }
  return exit_code;
}
