// Shared conventions of the qta command line.
//
// Exit codes: 0 success, 1 a check failed (a mismatch, a failing test, a tool that
// reported an error), 2 bad input (invalid parameter, malformed file or template, missing path,
// an output that cannot be written: disk full), 3 internal error (a bug); a run stopped by a
// signal ends by it (128+N in a shell). The table: common/README.md.
// Every subcommand throws qta::UsageError for bad input; main() turns it into exit 2
// with the message on stderr, so messages are written once, in one place. Every log line goes
// to stderr, results to stdout.
#pragma once

#include <stdexcept>
#include <string>

namespace CLI {
class App;
}

namespace qta {

// Bad input from the user: the message names the bad value and what would be valid.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A command ran but its result is a failure (exit 1), e.g. a verification mismatch.
struct CheckFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Each area registers its subcommands on the root app. `exit_code` is where a
// subcommand that completes but reports failure without throwing writes its code.
void register_golden_cli(CLI::App& app, int& exit_code);
void register_gen_cli(CLI::App& app, int& exit_code);
void register_perf_cli(CLI::App& app, int& exit_code);  // perf/cli_perf.cpp
void register_verify_cli(CLI::App& app, int& exit_code);
void register_synth_cli(CLI::App& app, int& exit_code);

// The command line that invoked qta, for headers of generated files.
const std::string& invocation();

}  // namespace qta
