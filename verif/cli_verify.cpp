// `qta verify`: the generated RTL, compiled with Verilator, against the golden model.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "qta/cli.h"
#include "qta/gen/config.h"
#include "qta/options.h"
#include "qta/paths.h"
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
  qta::add_text_option(*cmd, "--suite", a->o.suite, "all, smoke, block, layer or random");
  qta::add_text_option(*cmd, "--test", a->o.test, "run only this test", {}, "a test name (qta verify lists them)");
  qta::add_seed_option(*cmd, "--seed", a->o.seed, "run seed; every test's seed derives from it");
  qta::add_text_option(*cmd, "--work", a->work, "work directory (default: build/verify/<rows>x<cols>-<config hash>)", {},
                       "a directory path");
  qta::add_int_option(*cmd, "--random-cases", a->o.random_cases, 0, 100000, "GEMMs in the random test");
  qta::add_int_option(*cmd, "--xcheck", a->o.xcheck_seeds, 0, 100,
                      "also run under +verilator+rand+reset+2 with seeds 1..N");
  cmd->add_flag("--waves", a->o.waves, "write an FST per test (cocotb's WAVES=1); builds a traced model");
  cmd->add_flag("--code-coverage", a->o.code_coverage,
                "build with verilator --coverage-line, merge the per-test results, write lcov HTML");
  cmd->add_flag("--build-only", a->o.build_only,
                "only generate, build the model and list its tests in <work>/tests.txt (for qta regress)");
  cmd->add_flag("--expect-fail", a->o.expect_fail, "succeed only if the suite catches the broken RTL (--mutation)");
  qta::add_text_option(*cmd, "--model-opt", a->o.model_opt,
                       "optimization of the model's evaluation code: O1 (default), O0 (builds a 64x64 model in about "
                       "half the CPU time, simulates several times slower: for short suites) or O2",
                       {"O0", "O1", "O2"});
  qta::add_int_option(*cmd, "--threads", a->o.threads, 1, 64,
                      "evaluate the model on N threads (verilator --threads N); since the array is clock-gated, 2 "
                      "threads run the 64x64 model's random_gemms 1.58x slower than 1 on 2 free cores (docs/measurements.md), "
                      "so keep 1; regressions and make test run single-threaded jobs side by side");
  qta::add_text_option(*cmd, "--compiler", a->o.compiler,
                       "C++ compiler for the model (default: clang++ if installed, else the one that built qta; it links qta's libraries, so it must be ABI-compatible)",
                       {}, "a C++ compiler");
  cmd->callback([a, &exit_code] {
    a->o.config = qta::gen::config_from_flags(a->config_file, a->fields);
    // The work directory persists (not replaced): checked like every output path, before the work.
    if (!a->work.empty()) a->o.work = qta::check_output_dir(a->work, {"--work", /*parents_may_be_missing=*/true});
    const std::string cfg = qta::gen::config_flags_text(a->config_file, a->fields);
    a->o.reproduce = fmt::format("qta verify{}{} --seed {}", cfg.empty() ? "" : " ", cfg, a->o.seed);
    exit_code = qta::verif::run_verify(a->o);
  });
}
