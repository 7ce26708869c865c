// cocotb's log line layout through spdlog:
//      1234.00ns INFO     qta.regression                      running counts_up (1/3)
// (sim time right-aligned in 11 columns, level in 8, logger name in 35, then the message;
// "-.--ns" when no test is running). COCOTB_LOG_LEVEL selects the level (default INFO).
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <optional>
#include <string>

namespace qta::harness {

// A logger with the cocotb layout, writing to stdout (created on first use).
std::shared_ptr<spdlog::logger> logger(const std::string& name);

// Formats one line like cocotb's SimLogFormatter (exposed for tests).
std::string format_log_line(const std::string& sim_time, spdlog::level::level_enum level,
                            const std::string& logger_name, const std::string& message);

// Between tests no scheduler runs; the runner shows the finished test's end time on its
// "passed"/"failed" lines through this override (nullopt: back to "-.--ns").
void set_log_sim_time(std::optional<double> ns);

// Sets every harness logger's level from COCOTB_LOG_LEVEL (TRACE, DEBUG, INFO, WARNING, ERROR,
// CRITICAL); throws std::invalid_argument on another value.
void init_logging();

}  // namespace qta::harness
