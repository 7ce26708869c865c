// Placeholder registration; the generator/ owner replaces this with the real subcommands.
#include <CLI/CLI.hpp>

#include "qta/cli.h"

void qta::register_gen_cli(CLI::App& /*app*/, int& /*exit_code*/) {}
