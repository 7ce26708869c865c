// Command-line options whose values go through the one number parser (qta/number.h) and whose
// text values may not be empty. CLI11 converts nothing itself: each option takes its text and
// parses it when given, so a bad value is a qta::UsageError (exit 2) naming the flag, the value
// as typed and the valid range, and an empty value is an error instead of 0 or "not given".
#pragma once

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "qta/cli.h"
#include "qta/number.h"
#include "qta/strings.h"

namespace qta {

// The long name of a CLI11 flag specification ("-o,--out" -> "--out").
inline std::string flag_long_name(const std::string& flags) {
  std::string best;
  size_t start = 0;
  while (start <= flags.size()) {
    const size_t comma = flags.find(',', start);
    std::string f = flags.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!f.empty() && f[0] == '!') f = f.substr(1);
    if (best.empty() || (f.rfind("--", 0) == 0 && best.rfind("--", 0) != 0)) best = f;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return best;
}

namespace detail {
inline CLI::Option* finish(CLI::Option* o, const char* type, std::string default_text) {
  o->type_name(type);
  if (!default_text.empty()) o->default_str(std::move(default_text));
  return o;
}
}  // namespace detail

// An integer option: decimal, within [lo, hi]; `valid` overrides the "lo..hi" of the messages.
template <class T>
CLI::Option* add_int_option(CLI::App& app, const std::string& flags, T& target, int64_t lo, int64_t hi,
                            const std::string& help, const std::string& valid = {}) {
  const std::string name = flag_long_name(flags);
  const std::string range = valid.empty() ? fmt::format("{}..{}", lo, hi) : valid;
  auto* o = app.add_option_function<std::string>(
      flags, [&target, name, lo, hi, valid](const std::string& s) { target = static_cast<T>(parse_int(s, name, lo, hi, valid)); },
      help + " (" + range + ")");
  return detail::finish(o, "INT", fmt::format("{}", target));
}

// A seed: an unsigned 64-bit decimal integer, 0..18446744073709551615 (no -1, no wrap-around).
inline CLI::Option* add_seed_option(CLI::App& app, const std::string& flags, uint64_t& target, const std::string& help) {
  const std::string name = flag_long_name(flags);
  auto* o = app.add_option_function<std::string>(
      flags, [&target, name](const std::string& s) { target = parse_uint(s, name); },
      help + " (0..18446744073709551615)");
  return detail::finish(o, "UINT64", fmt::format("{}", target));
}

// A real option: finite, decimal, within `range`.
inline CLI::Option* add_real_option(CLI::App& app, const std::string& flags, double& target, RealRange range,
                                    const std::string& help) {
  const std::string name = flag_long_name(flags);
  const std::string doc = range.describe();
  auto* o = app.add_option_function<std::string>(
      flags, [&target, name, range](const std::string& s) { target = parse_real(s, name, range); },
      help + " (" + doc + ")");
  return detail::finish(o, "REAL", fmt::format("{}", target));
}

// A text option that may not be empty; with `choices`, it must be one of them. `valid` says
// what a value is in the message for an empty one ("a directory path").
inline CLI::Option* add_text_option(CLI::App& app, const std::string& flags, std::string& target,
                                    const std::string& help, std::vector<std::string> choices = {},
                                    std::string valid = "a non-empty value") {
  const std::string name = flag_long_name(flags);
  auto* o = app.add_option_function<std::string>(
      flags,
      [&target, name, choices, valid](const std::string& s) {
        std::string list;
        for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
        if (s.empty())
          throw UsageError(fmt::format("{} = \"\" is empty; valid: {}", name, choices.empty() ? valid : list));
        if (!choices.empty()) {
          bool ok = false;
          for (const auto& c : choices) ok = ok || c == s;
          if (!ok) throw UsageError(fmt::format("{} = {} is not known; valid: {}", name, qta::quoted_text(s), list));
        }
        target = s;
      },
      help);
  return detail::finish(o, "TEXT", target);
}

}  // namespace qta
