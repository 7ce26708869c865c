#include "qta/harness/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>

#include "qta/harness/scheduler.h"

namespace qta::harness {

namespace {
constexpr std::size_t kLevelChars = 8;    // len("CRITICAL")
constexpr std::size_t kRecordChars = 35;  // cocotb's _RECORD_CHARS

std::string level_name(spdlog::level::level_enum l) {
  switch (l) {
    case spdlog::level::trace: return "TRACE";
    case spdlog::level::debug: return "DEBUG";
    case spdlog::level::info: return "INFO";
    case spdlog::level::warn: return "WARNING";
    case spdlog::level::err: return "ERROR";
    case spdlog::level::critical: return "CRITICAL";
    default: return "";
  }
}

// cocotb's ljust: pad, or keep the tail behind "..".
std::string ljust(const std::string& s, std::size_t n) {
  if (s.size() <= n) return s + std::string(n - s.size(), ' ');
  return ".." + s.substr(s.size() - (n - 2));
}

std::optional<double>& time_override() {
  static std::optional<double> t;
  return t;
}

std::string sim_time_now() {
  if (Scheduler* s = Scheduler::current_or_null()) return fmt::format("{:.2f}ns", s->now_ns());
  if (time_override()) return fmt::format("{:.2f}ns", *time_override());
  return "-.--ns";
}

class SimFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const std::string line =
        format_log_line(sim_time_now(), msg.level, std::string(msg.logger_name.begin(), msg.logger_name.end()),
                        std::string(msg.payload.begin(), msg.payload.end()));
    dest.append(line.data(), line.data() + line.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<SimFormatter>(); }
};

spdlog::level::level_enum level_from_env() {
  const char* v = std::getenv("COCOTB_LOG_LEVEL");
  if (!v || !*v) return spdlog::level::info;
  const std::string s(v);
  if (s == "TRACE") return spdlog::level::trace;
  if (s == "DEBUG") return spdlog::level::debug;
  if (s == "INFO") return spdlog::level::info;
  if (s == "WARNING") return spdlog::level::warn;
  if (s == "ERROR") return spdlog::level::err;
  if (s == "CRITICAL") return spdlog::level::critical;
  throw std::invalid_argument("COCOTB_LOG_LEVEL='" + s +
                              "' is not one of TRACE, DEBUG, INFO, WARNING, ERROR, CRITICAL");
}

std::shared_ptr<spdlog::sinks::stdout_sink_mt>& shared_sink() {
  static auto sink = [] {
    auto s = std::make_shared<spdlog::sinks::stdout_sink_mt>();
    s->set_formatter(std::make_unique<SimFormatter>());
    return s;
  }();
  return sink;
}

spdlog::level::level_enum& current_level() {
  static spdlog::level::level_enum level = spdlog::level::info;
  return level;
}
}  // namespace

std::string format_log_line(const std::string& sim_time, spdlog::level::level_enum level,
                            const std::string& logger_name, const std::string& message) {
  std::string time = sim_time;
  if (time.size() < 11) time.insert(0, 11 - time.size(), ' ');
  return time + " " + ljust(level_name(level), kLevelChars) + " " + ljust(logger_name, kRecordChars) +
         " " + message;
}

std::shared_ptr<spdlog::logger> logger(const std::string& name) {
  // Kept out of spdlog's global registry so the names cannot clash with other qta loggers.
  static std::mutex m;
  static std::map<std::string, std::shared_ptr<spdlog::logger>> loggers;
  std::lock_guard<std::mutex> lock(m);
  auto& l = loggers[name];
  if (!l) {
    l = std::make_shared<spdlog::logger>(name, shared_sink());
    l->flush_on(spdlog::level::trace);
  }
  l->set_level(current_level());
  return l;
}

void set_log_sim_time(std::optional<double> ns) { time_override() = ns; }

void init_logging() { current_level() = level_from_env(); }

}  // namespace qta::harness
