// The one number parser of the command line and of configuration values (docs/interfaces.md
// section 5). Every numeric flag of golden, gen, perf, verify and synth and every configuration
// field flag goes through it; the configuration JSON reader applies the same range rules.
//
// Integers: decimal digits with an optional leading '-'; no '+', no spaces, no leading zeros
// (no octal), no hex, no exponent. A value beyond the type (or the range) is reported as typed,
// never clamped: "--rank = 18446744073709551616 is out of range; valid: 1..65536".
// Reals: decimal, [-]digits[.digits][e[+-]digits] (also ".5" and "5."), no leading zeros before
// another digit, no hex floats, inf or nan; finite only. A value too large for a double is out of
// range; one that underflows is its rounded value (0 or subnormal), then range-checked.
// Empty text is never 0: it is an error ("is empty").
//
// Errors throw qta::UsageError: "<name> = <value> <problem>; valid: <range>", the value as typed
// (bounded to 80 characters, quoted unless it is a well-formed number).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace qta {

// Integer text: every rule above; `name` is how the message names it ("--tokens",
// "field 'rows'"); `valid` describes the valid values (default "lo..hi").
int64_t parse_int(std::string_view text, std::string_view name, int64_t lo, int64_t hi, std::string_view valid = {});
uint64_t parse_uint(std::string_view text, std::string_view name, uint64_t lo = 0,
                    uint64_t hi = std::numeric_limits<uint64_t>::max(), std::string_view valid = {});

// An interval of reals: [lo, hi], either end open.
struct RealRange {
  RealRange() = default;
  RealRange(double lo_, double hi_, bool lo_open_ = false, bool hi_open_ = false, std::string doc_ = {})
      : lo(lo_), hi(hi_), lo_open(lo_open_), hi_open(hi_open_), doc(std::move(doc_)) {}
  double lo = -std::numeric_limits<double>::max();
  double hi = std::numeric_limits<double>::max();
  bool lo_open = false, hi_open = false;
  std::string doc;  // how the message states it; default from the ends, e.g. "(0, 1e+06]"
  bool contains(double v) const;
  std::string describe() const;
};
double parse_real(std::string_view text, std::string_view name, const RealRange& range);

// True if `text` is an integer / real literal by the rules above (range not considered).
bool is_integer_text(std::string_view text);
bool is_real_text(std::string_view text);
// A value for a message: as typed if it is a well-formed number (bounded), else quoted_text().
std::string shown_value(std::string_view text);

}  // namespace qta
