// `qta gen`: the RTL generator subcommand (`qta perf` lives in perf/cli_perf.cpp).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include "qta/cli.h"
#include "qta/atomic_dir.h"
#include "qta/options.h"
#include "qta/paths.h"
#include "qta/text_io.h"
#include "qta/gen/generate.h"

namespace {

struct GenOptions {
  std::string config_file;
  std::string out_dir;
  std::string template_dir;
  qta::gen::Overrides fields;  // field name -> flag text, from the schema (add_config_flags)
};

void run_gen(const GenOptions& o) {
  const qta::gen::Config config = qta::gen::config_from_flags(o.config_file, o.fields);
  const auto tdir = o.template_dir.empty() ? qta::gen::default_template_dir()
                                           : std::filesystem::path(o.template_dir);
  qta::gen::generate(config, o.out_dir, qta::invocation(), tdir);
}

void register_gen(CLI::App& app) {
  auto opts = std::make_shared<GenOptions>();
  auto* cmd = app.add_subcommand("gen", "generate the accelerator RTL for one configuration (docs/config.md)");
  qta::gen::add_config_flags(*cmd, opts->fields, opts->config_file);
  qta::add_text_option(*cmd, "-o,--out", opts->out_dir, "output directory (written atomically)", {}, "a directory path")
      ->required();
  qta::add_text_option(*cmd, "--templates", opts->template_dir, "template directory (default: <source>/templates)", {},
                       "a directory path");
  cmd->callback([opts] { run_gen(*opts); });
}

}  // namespace

void qta::register_gen_cli(CLI::App& app, int& /*exit_code*/) {
  register_gen(app);
}
