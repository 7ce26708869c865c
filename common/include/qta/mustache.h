// Mustache rendering for the generated files of every flow (RTL, CMake projects, Yosys and
// OpenSTA scripts, Verilog wrappers): kainjow::mustache with escaping off, since none of the
// outputs is HTML.
#pragma once

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "qta/cli.h"

namespace qta {

// A malformed template: kainjow's message ("Unclosed section \"x\" at 1234", a character
// offset) with the offset as the line and column of `text`, e.g. "template '/t/qta_pe.v.mustache'
// line 12, column 5: Unclosed section \"x\"".
inline std::string mustache_error(const std::string& text, const std::string& message, const std::string& name) {
  std::string what = message, where;
  const auto at = message.rfind(" at ");
  if (at != std::string::npos && at + 4 < message.size() &&
      message.find_first_not_of("0123456789", at + 4) == std::string::npos) {
    const size_t offset = std::min<size_t>(std::stoull(message.substr(at + 4)), text.size());
    size_t line = 1, line_start = 0;
    for (size_t i = 0; i < offset; ++i)
      if (text[i] == '\n') ++line, line_start = i + 1;
    what = message.substr(0, at);
    where = " line " + std::to_string(line) + ", column " + std::to_string(offset - line_start + 1);
  }
  return "template '" + name + "'" + where + ": " + what +
         "; valid: a Mustache template whose every tag is closed and every section opened and closed in order";
}

// Renders `text` (the template `name`, for messages). A malformed template is bad input
// (qta::UsageError: a user's template directory, QTA_TEMPLATE_DIR, may hold one), naming the
// template file and the line; an error while rendering is a std::runtime_error naming the template.
inline std::string render_mustache(const std::string& text, const kainjow::mustache::data& values,
                                   const std::string& name) {
  kainjow::mustache::mustache tmpl(text);
  if (!tmpl.is_valid()) throw UsageError(mustache_error(text, tmpl.error_message(), name));
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  std::string out = tmpl.render(values);
  if (!tmpl.is_valid()) throw std::runtime_error("template '" + name + "': " + tmpl.error_message());
  return out;
}

}  // namespace qta
