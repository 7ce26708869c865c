#include "qta/number.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "qta/cli.h"
#include "qta/strings.h"

namespace qta {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

[[noreturn]] void fail(std::string_view name, std::string_view text, std::string_view problem, std::string_view valid) {
  throw UsageError(fmt::format("{} = {} {}; valid: {}", name, shown_value(text), problem, valid));
}

// Why `text` is not an integer literal (the problem part of the message), or "" if it is one.
std::string integer_problem(std::string_view text) {
  if (text.empty()) return "is empty";
  size_t i = text[0] == '-' ? 1 : 0;
  if (i == text.size()) return "is not an integer (decimal digits)";
  const std::string_view digits = text.substr(i);
  if (digits.size() > 1 && (digits[0] == '0') && (digits[1] == 'x' || digits[1] == 'X'))
    return "is not a decimal integer (hex is not accepted)";
  for (char c : digits)
    if (!is_digit(c)) {
      if (is_real_text(text)) return "is not an integer";
      return "is not an integer (decimal digits)";
    }
  if (digits.size() > 1 && digits[0] == '0') return "has a leading zero (octal is not accepted)";
  return "";
}

std::string real_problem(std::string_view text) {
  if (text.empty()) return "is empty";
  if (is_real_text(text)) return "";
  std::string lower;
  for (char c : text) lower += char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  const std::string_view l = lower;
  const std::string_view body = l.substr(!l.empty() && (l[0] == '-' || l[0] == '+') ? 1 : 0);
  if (body.rfind("0x", 0) == 0) return "is not a decimal number (hex is not accepted)";
  if (body == "inf" || body == "infinity" || body == "nan" || body.rfind("nan(", 0) == 0)
    return "is not a finite number";
  // A leading zero before another digit: rejected for integers, so for reals too.
  const size_t i = text[0] == '-' ? 1 : 0;
  if (text.size() > i + 1 && text[i] == '0' && is_digit(text[i + 1])) return "has a leading zero";
  return "is not a decimal number";
}

// |value| of a digit string, or false if it does not fit 64 bits.
bool magnitude(std::string_view digits, uint64_t& out) {
  uint64_t v = 0;
  for (char c : digits) {
    const uint64_t d = uint64_t(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

std::string int_range(int64_t lo, int64_t hi) { return fmt::format("{}..{}", lo, hi); }

std::string shortest(double v) { return fmt::format("{:g}", v); }

}  // namespace

bool is_integer_text(std::string_view text) { return !text.empty() && integer_problem(text).empty(); }

bool is_real_text(std::string_view text) {
  size_t i = 0;
  const size_t n = text.size();
  if (i < n && text[i] == '-') ++i;
  const size_t int_start = i;
  while (i < n && is_digit(text[i])) ++i;
  const size_t int_digits = i - int_start;
  if (int_digits > 1 && text[int_start] == '0') return false;  // leading zero
  size_t frac_digits = 0;
  if (i < n && text[i] == '.') {
    ++i;
    const size_t s = i;
    while (i < n && is_digit(text[i])) ++i;
    frac_digits = i - s;
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    const size_t s = i;
    while (i < n && is_digit(text[i])) ++i;
    if (i == s) return false;
  }
  return i == n;
}

std::string shown_value(std::string_view text) {
  if (!text.empty() && (is_integer_text(text) || is_real_text(text))) return shown(text);
  return qta::quoted_text(text);
}

int64_t parse_int(std::string_view text, std::string_view name, int64_t lo, int64_t hi, std::string_view valid_in) {
  const std::string valid = valid_in.empty() ? int_range(lo, hi) : std::string(valid_in);
  if (const std::string p = integer_problem(text); !p.empty()) fail(name, text, p, valid);
  const bool negative = text[0] == '-';
  uint64_t m = 0;
  const bool fits = magnitude(text.substr(negative ? 1 : 0), m);
  const uint64_t limit = negative ? uint64_t(std::numeric_limits<int64_t>::max()) + 1
                                  : uint64_t(std::numeric_limits<int64_t>::max());
  if (!fits || m > limit) fail(name, text, "is out of range", valid);
  const int64_t v = negative ? (m == limit ? std::numeric_limits<int64_t>::min() : -int64_t(m)) : int64_t(m);
  if (v < lo || v > hi) fail(name, text, "is out of range", valid);
  return v;
}

uint64_t parse_uint(std::string_view text, std::string_view name, uint64_t lo, uint64_t hi, std::string_view valid_in) {
  const std::string valid = valid_in.empty() ? fmt::format("{}..{}", lo, hi) : std::string(valid_in);
  if (const std::string p = integer_problem(text); !p.empty()) fail(name, text, p, valid);
  uint64_t m = 0;
  if (text[0] == '-') {
    // "-0" is 0; any other negative value is below every unsigned range
    if (text != "-0") fail(name, text, "is out of range", valid);
  } else if (!magnitude(text, m)) {
    fail(name, text, "is out of range", valid);
  }
  if (m < lo || m > hi) fail(name, text, "is out of range", valid);
  return m;
}

bool RealRange::contains(double v) const {
  if (std::isnan(v)) return false;
  if (lo_open ? !(v > lo) : !(v >= lo)) return false;
  if (hi_open ? !(v < hi) : !(v <= hi)) return false;
  return true;
}

std::string RealRange::describe() const {
  if (!doc.empty()) return doc;
  const bool no_lo = lo <= -std::numeric_limits<double>::max();
  const bool no_hi = hi >= std::numeric_limits<double>::max();
  if (no_lo && no_hi) return "a finite number";
  if (no_hi) return fmt::format("{} {}, finite", lo_open ? ">" : ">=", shortest(lo));
  if (no_lo) return fmt::format("{} {}", hi_open ? "<" : "<=", shortest(hi));
  return fmt::format("{}{}, {}{}", lo_open ? "(" : "[", shortest(lo), shortest(hi), hi_open ? ")" : "]");
}

double parse_real(std::string_view text, std::string_view name, const RealRange& range) {
  const std::string valid = range.describe();
  if (const std::string p = real_problem(text); !p.empty()) fail(name, text, p, valid);
  const std::string s(text);
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);  // the grammar above is a subset of strtod's
  if (end != s.c_str() + s.size()) fail(name, text, "is not a decimal number", valid);
  if (!std::isfinite(v)) fail(name, text, "is out of range", valid);  // overflow: beyond a double
  if (!range.contains(v)) fail(name, text, "is out of range", valid);
  return v;
}

}  // namespace qta
