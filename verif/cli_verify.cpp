// `qta verify`: the generated RTL, compiled with Verilator, against the golden model.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "qta/cli.h"
#include "qta/gen/config.h"
#include "src/verify_flow.h"

void qta::register_verify_cli(CLI::App& app, int& exit_code) {
  struct Args {
    qta::verif::VerifyOptions o;
    std::string config_file;
    qta::gen::Overrides fields;  // the schema's flags (--rows, --cols, --mutation, ...)
    std::string work;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("verify", "build the RTL with Verilator and check it against the golden model");
  qta::gen::add_config_flags(*cmd, a->fields, a->config_file);
  cmd->add_option("--suite", a->o.suite, "all, smoke, block, layer or random")->capture_default_str();
  cmd->add_option("--test", a->o.test, "run only this test");
  cmd->add_option("--seed", a->o.seed, "run seed; every test's seed derives from it")->capture_default_str();
  cmd->add_option("--work", a->work, "work directory (default: build/verify/<rows>x<cols>-<config hash>)");
  cmd->add_option("--random-cases", a->o.random_cases, "GEMMs in the random test")->capture_default_str();
  cmd->add_option("--xcheck", a->o.xcheck_seeds, "also run under +verilator+rand+reset+2 with seeds 1..N")
      ->capture_default_str();
  cmd->add_flag("--waves", a->o.waves, "write an FST per test (cocotb's WAVES=1); builds a traced model");
  cmd->add_flag("--code-coverage", a->o.code_coverage,
                "build with verilator --coverage-line, merge the per-test results, write lcov HTML");
  cmd->add_flag("--build-only", a->o.build_only,
                "only generate, build the model and list its tests in <work>/tests.txt (for qta regress)");
  cmd->add_flag("--expect-fail", a->o.expect_fail, "succeed only if the suite catches the broken RTL (--mutation)");
  cmd->add_option("--compiler", a->o.compiler,
                  "C++ compiler for the model (default: clang++ if installed, else the one that built qta; it links qta's libraries, so it must be ABI-compatible)");
  cmd->callback([a, &exit_code] {
    a->o.config = qta::gen::config_from_flags(a->config_file, a->fields);
    if (!a->work.empty()) a->o.work = a->work;
    const std::string cfg = qta::gen::config_flags_text(a->config_file, a->fields);
    a->o.reproduce = fmt::format("qta verify{}{} --seed {}", cfg.empty() ? "" : " ", cfg, a->o.seed);
    exit_code = qta::verif::run_verify(a->o);
  });
}
