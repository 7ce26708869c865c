// `qta regress`: the testplan-driven regression runner (regress/regress.py, Python stdlib only,
// modelled on OpenTitan's dvsim). The subcommand hands every argument after `regress` to the
// runner, with the paths of this build: the qta binary, the source tree, the build tree.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "qta/cli.h"

namespace qta {

void register_regress_cli(CLI::App& app, int& /*exit_code: the runner's own exit status replaces this process*/) {
  auto* cmd = app.add_subcommand("regress", "run a regression list of the testplan (regress/README.md); "
                                            "qta regress --help lists its options");
  cmd->prefix_command();  // every argument after `regress` belongs to the runner
  cmd->allow_extras();
  cmd->fallthrough(false);
  cmd->set_help_flag();   // --help too
  cmd->callback([cmd] {
    const std::filesystem::path script = std::filesystem::path(QTA_SOURCE_DIR) / "regress" / "regress.py";
    // Debian's interpreter when present (the runner needs only the standard library).
    const std::string python = ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    std::vector<std::string> args = {python, script.string(), "--qta", std::string(QTA_BINARY_DIR) + "/qta",
                                     "--source", QTA_SOURCE_DIR, "--build", QTA_BINARY_DIR};
    for (const auto& r : cmd->remaining()) args.push_back(r);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::fflush(stdout);
    ::execvp(argv[0], argv.data());
    throw UsageError(fmt::format("qta regress could not start '{}': {} (install python3)", python, std::strerror(errno)));
  });
}

}  // namespace qta
