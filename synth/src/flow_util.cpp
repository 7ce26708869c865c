#include "flow_util.h"

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "qta/cli.h"
#include "qta/mustache.h"

namespace qta::synth {

double now_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

double seconds_since(double start) { return now_seconds() - start; }

ToolRun run_tool(const std::vector<std::string>& argv, const fs::path& cwd, const fs::path& log) {
  qta::ProcessOptions o;
  o.cwd = cwd;
  o.log = log;
  return qta::run_process(argv, o);
}

ToolRun run_tool_checked(const std::vector<std::string>& argv, const fs::path& cwd,
                         const fs::path& log) {
  ToolRun r = run_tool(argv, cwd, log);
  if (r.exit_code != 0) {
    const std::string why = r.error.empty() ? "" : " (" + r.error + ")";
    throw qta::CheckFailed(argv[0] + " failed with exit code " + std::to_string(r.exit_code) + why +
                           " (command: " + qta::command_line(argv) + " in " + cwd.string() + "; log " +
                           log.string() + "):\n" + tail_lines(log, 15, "  "));
  }
  return r;
}

fs::path scripts_dir() { return fs::path(QTA_SOURCE_DIR) / "synth/scripts"; }
fs::path templates_dir() { return fs::path(QTA_SOURCE_DIR) / "synth/templates"; }

std::string render_template(const fs::path& file, const kainjow::mustache::data& values) {
  return qta::render_mustache(read_text(file), values, file.string());
}

std::string format_double(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace qta::synth

namespace qta::synth {

fs::path build_bench(const BenchSpec& spec, const fs::path& work_dir, const fs::path& log, double* seconds) {
  using kainjow::mustache::data;
  const fs::path project = work_dir / "bench";
  const fs::path build = project / "build";
  data d;
  d.set("source_dir", std::string(QTA_SOURCE_DIR));
  d.set("target", spec.target);
  d.set("top", spec.top);
  d.set("trace_vcd", spec.trace_vcd ? data::type::bool_true : data::type::bool_false);
  d.set("include_dir", spec.include_dir.string());
  auto paths = [](const std::vector<fs::path>& files) {
    data list{data::type::list};
    for (const auto& f : files) list << data("path", fs::absolute(f).string());
    return list;
  };
  d.set("verilog", paths(spec.verilog));
  d.set("cxx", paths(spec.cxx));
  data args{data::type::list};
  for (const auto& a : spec.verilator_args) args << data("arg", a);
  d.set("args", args);
  write_text(project / "CMakeLists.txt", render_template(templates_dir() / "bench_CMakeLists.txt.mustache", d));
  const double t0 = now_seconds();
  std::vector<std::string> configure = {"cmake", "-S", project.string(), "-B", build.string(), "-G", "Ninja",
                                        "-DCMAKE_BUILD_TYPE=Release"};
  if (qta::find_program("clang++")) configure.push_back("-DCMAKE_CXX_COMPILER=clang++");  // faster on Verilated code
  if (qta::find_program("ccache")) configure.push_back("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache");
  fs::path configure_log = log;
  configure_log.replace_extension(".configure.log");
  run_tool_checked(configure, work_dir, configure_log);
  run_tool_checked({"cmake", "--build", build.string(), "-j", "2"}, work_dir, log);
  if (seconds) *seconds = seconds_since(t0);
  return build / spec.target;
}

}  // namespace qta::synth
