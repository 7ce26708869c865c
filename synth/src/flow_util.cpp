#include "flow_util.h"

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "qta/cli.h"

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
  kainjow::mustache::mustache tmpl(read_text(file));
  tmpl.set_custom_escape([](const std::string& s) { return s; });  // not HTML
  std::string out = tmpl.is_valid() ? tmpl.render(values) : std::string();
  if (!tmpl.is_valid()) throw std::runtime_error("template " + file.string() + ": " + tmpl.error_message());
  return out;
}

std::string format_double(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace qta::synth
