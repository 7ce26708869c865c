// `qta verify`: the generated RTL, compiled with Verilator, against the golden model.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "qta/cli.h"
#include "qta/gen/config.h"
#include "src/verify_flow.h"

void qta::register_verify_cli(CLI::App& app, int& exit_code) {
  struct Args {
    qta::verif::VerifyOptions o;
    std::optional<std::string> config_file;
    std::optional<int> rows, cols;
    std::string mutation, work;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("verify", "build the RTL with Verilator and check it against the golden model");
  cmd->add_option("--rows", a->rows, "PE array rows (default 8)");
  cmd->add_option("--cols", a->cols, "PE array columns (default 8)");
  cmd->add_option("--config", a->config_file, "generator configuration file (JSON); flags override it");
  cmd->add_option("--suite", a->o.suite, "all, smoke, block, layer or random")->capture_default_str();
  cmd->add_option("--test", a->o.test, "run only this test");
  cmd->add_option("--seed", a->o.seed, "run seed; every test's seed derives from it")->capture_default_str();
  cmd->add_option("--work", a->work, "work directory (default: build/verify/<rows>x<cols>-<config hash>)");
  cmd->add_option("--random-cases", a->o.random_cases, "GEMMs in the random test")->capture_default_str();
  cmd->add_option("--xcheck", a->o.xcheck_seeds, "also run under +verilator+rand+reset+2 with seeds 1..N")
      ->capture_default_str();
  cmd->add_flag("--waves", a->o.waves, "write an FST per test (cocotb's WAVES=1)");
  cmd->add_flag("--code-coverage", a->o.code_coverage, "build with verilator --coverage-line and merge the per-test results");
  cmd->add_option("--mutation", a->mutation, "test-only: generate a deliberately broken RTL (docs/config.md)");
  cmd->add_flag("--expect-fail", a->o.expect_fail, "succeed only if the suite catches the broken RTL");
  cmd->add_option("--compiler", a->o.compiler, "C++ compiler for the model")->capture_default_str();
  cmd->callback([a, &exit_code] {
    qta::gen::Overrides ov;
    ov["rows"] = std::to_string(a->rows.value_or(8));
    ov["cols"] = std::to_string(a->cols.value_or(8));
    if (!a->config_file) {
      // without a file, rows/cols default to 8
    } else {
      if (!a->rows) ov.erase("rows");
      if (!a->cols) ov.erase("cols");
    }
    if (!a->mutation.empty()) ov["mutation"] = a->mutation;
    std::optional<std::filesystem::path> file;
    if (a->config_file) file = *a->config_file;
    a->o.config = qta::gen::load_config(file, ov);
    if (!a->work.empty()) a->o.work = a->work;
    a->o.reproduce = fmt::format("qta verify --rows {} --cols {} --seed {}{}", a->o.config.rows, a->o.config.cols,
                                 a->o.seed, a->mutation.empty() ? "" : " --mutation " + a->mutation);
    exit_code = qta::verif::run_verify(a->o);
  });
}
